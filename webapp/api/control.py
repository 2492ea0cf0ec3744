"""/api/v1: the control of the journal — the dashboard's figures, the items behind them,
and the control report with its archive.

The span is a query (`period_id`, `week`, or `start` and `end`; none: the period holding
today). `GET /control/report` returns the report's data exactly as it is hashed: the
SHA-256 of `content` as canonical JSON (sorted keys, separators "," and ":", UTF-8, no
ASCII escaping) is `content_sha256`, the hash printed in every exported file.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from core.control.rules import Kind, State
from core.reading.control_items import (
    Filter,
    LessonItem,
    LessonList,
    PupilItem,
    PupilList,
    control_lessons,
    control_pupils,
)
from core.reading.control_report import read_control_report
from core.reading.control_sections import OverloadDay
from core.reading.control_span import ControlSpan, SpanAsked
from core.reading.control_summary import ControlSummary, Figures, control_summary
from core.reports.control_exports import (
    ReportInfo,
    export_control_report,
    fetch_control_report,
    list_control_reports,
)
from webapp.api.archive_models import ArchivedFileOut, archived_fields
from webapp.api.test_schedule import OffScheduleEntryOut
from webapp.api.v1 import error_responses
from webapp.auth import ApiViewer
from webapp.pages.control import report_response
from webapp.params import Day, Id
from webapp.state import reading_uow, uow

router = APIRouter(
    prefix="/api/v1",
    tags=["journal control"],
    responses=error_responses(
        forbidden="Not the deputy director, an administrator or a teacher (a teacher reads "
        "their own part only; the report is the administration's).",
        invalid="A bad span (its end before its start, longer than 400 days), or a value "
        "malformed or out of range.",
    ),
)


def span_query(
    period_id: Id | None = None,
    week: Annotated[Day | None, Query(description="Any day of the week.")] = None,
    start: Day | None = None,
    end: Day | None = None,
) -> SpanAsked:
    return SpanAsked(period_id=period_id, week=week, start=start, end=end)


def filter_query(
    teacher_id: Id | None = None,
    class_id: Id | None = None,
    subject_id: Id | None = None,
    group_id: Annotated[
        Id | None, Query(description="With class_id and subject_id: a group's page.")
    ] = None,
) -> Filter:
    return Filter(
        teacher_id=teacher_id, class_id=class_id, subject_id=subject_id, group_id=group_id
    )


Span = Annotated[SpanAsked, Depends(span_query)]
Where = Annotated[Filter, Depends(filter_query)]


class PeriodOut(BaseModel):
    id: int
    name: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date


class SpanOut(BaseModel):
    start: dt.date
    end: dt.date
    today: dt.date
    period: PeriodOut | None
    week: dt.date | None = Field(description="The Monday of the week chosen.")
    focus: list[PeriodOut] = Field(description="Whose fill rate is shown.")

    @classmethod
    def of(cls, span: ControlSpan) -> SpanOut:
        def period(p: Any) -> PeriodOut:
            return PeriodOut(
                id=p.period_id, name=p.name, kind=p.kind, starts_on=p.starts_on, ends_on=p.ends_on
            )

        return cls(
            start=span.start,
            end=span.end,
            today=span.today,
            period=period(span.period) if span.period else None,
            week=span.week,
            focus=[period(p) for p in span.focus],
        )


class FiguresOut(BaseModel):
    lessons: int
    late: dict[str, int] = Field(description="Per topic, attendance, homework, marks.")
    missing: dict[str, int]
    fill: int = Field(description="Pupils (per subject) below the fill minimum.")
    period_missing: int = Field(description="Pupils without a period mark whose deadline passed.")
    period_pending: int = Field(description="Pupils without a period mark due later in the span.")
    timetabled: int
    held: int
    not_held: int = Field(description="Days the timetable had a lesson the journal has not.")
    substituted: int
    substituting: int
    overload: int = Field(
        description="Days a class's homework went over the limit (a teacher's, a page's: "
        "those their homework is part of)."
    )
    tests_off_schedule: int = Field(description="Tests held off the test schedule.")
    tests_not_held: int = Field(description="Scheduled tests whose day passed without one.")

    @classmethod
    def of(cls, f: Figures) -> FiguresOut:
        return cls(
            lessons=f.lessons,
            late={k.value: v for k, v in f.late.items()},
            missing={k.value: v for k, v in f.missing.items()},
            fill=f.fill,
            period_missing=f.period_missing,
            period_pending=f.period_pending,
            timetabled=f.timetabled,
            held=f.held,
            not_held=f.not_held,
            substituted=f.substituted,
            substituting=f.substituting,
            overload=f.overload,
            tests_off_schedule=f.tests_off,
            tests_not_held=f.tests_not_held,
        )


class TeacherOut(BaseModel):
    teacher_id: int
    name: str
    figures: FiguresOut


class PlaceOut(BaseModel):
    class_id: int
    group_id: int | None
    subject_id: int
    class_name: str
    subject: str
    teachers: list[str]
    figures: FiguresOut


class PeriodMarksOut(BaseModel):
    period_id: int
    period: str
    kind: Literal["preliminary", "final"]
    due_at: dt.datetime
    expected: int
    given: int
    missing: int
    late: int
    overdue: bool


class FillOut(BaseModel):
    period_id: int
    period: str
    pupils: int
    pages: int


class MonthlyOut(BaseModel):
    class_id: int
    class_name: str
    teacher: str
    sent: list[str] = Field(description="Months (YYYY-MM) with a message.")
    missing: list[str] = Field(description="Months owed a message and without one.")


class ReachOut(BaseModel):
    class_id: int
    class_name: str
    families: int
    reachable: int
    subscribed: int
    announcements: int
    messages: int
    delivered: int
    failed: int
    acknowledged: int


class OverloadAssignmentOut(BaseModel):
    homework_id: int
    lesson_id: int
    subject: str
    group: str | None
    teacher_id: int = Field(description="Who gave it: the lesson's substitute, else teacher.")
    teacher: str
    minutes: int | None = Field(description="The teacher's estimate.")
    set_on: dt.date
    individual: bool


class OverloadDayOut(BaseModel):
    class_id: int
    class_name: str
    day: dt.date
    total: int = Field(description="Minutes: the most loaded pupil's estimated total.")
    limit: int = Field(description="Minutes allowed a day in the grade (the school's policy).")
    pupils_over: int
    assignments: list[OverloadAssignmentOut] = Field(description="What makes up the total.")

    @classmethod
    def of(cls, day: OverloadDay) -> OverloadDayOut:
        return cls(
            class_id=day.class_id,
            class_name=day.class_name,
            day=day.day,
            total=day.total,
            limit=day.limit,
            pupils_over=day.pupils_over,
            assignments=[OverloadAssignmentOut.model_validate(vars(a)) for a in day.assignments],
        )


class ControlOut(BaseModel):
    span: SpanOut
    whole_school: bool
    now: dt.datetime = Field(description="The journal as of this moment.")
    totals: FiguresOut
    teachers: list[TeacherOut] = Field(description="Most overdue first; empty for a teacher.")
    places: list[PlaceOut]
    period_marks: list[PeriodMarksOut]
    fill: list[FillOut]
    substitutions: int
    monthly: list[MonthlyOut]
    reach: list[ReachOut] = Field(description="Per class; the administration's only.")
    overload: list[OverloadDayOut] = Field(
        description="Days of the span (the coming ones too) a class's homework goes over the "
        "limit for its grade; a teacher's part: those their homework is part of."
    )
    tests_off_schedule: list[OffScheduleEntryOut] = Field(
        description="Lessons of written work with no test of their class and subject in the "
        "schedule that day."
    )
    tests_not_held: list[OffScheduleEntryOut] = Field(
        description="Scheduled tests whose day passed with no such lesson."
    )

    @classmethod
    def of(cls, s: ControlSummary) -> ControlOut:
        return cls(
            span=SpanOut.of(s.span),
            whole_school=s.whole_school,
            now=s.control.now,
            totals=FiguresOut.of(s.totals),
            teachers=[
                TeacherOut(teacher_id=t.teacher_id, name=t.name, figures=FiguresOut.of(t.figures))
                for t in s.teachers
            ],
            places=[
                PlaceOut(
                    class_id=p.place.class_id,
                    group_id=p.place.group_id,
                    subject_id=p.place.subject_id,
                    class_name=p.class_name,
                    subject=p.subject,
                    teachers=list(p.teachers),
                    figures=FiguresOut.of(p.figures),
                )
                for p in s.places
            ],
            period_marks=[
                PeriodMarksOut(
                    period_id=m.period_id,
                    period=m.period,
                    kind="preliminary" if m.kind == Kind.preliminary else "final",
                    due_at=m.due_at,
                    expected=m.expected,
                    given=m.given,
                    missing=m.missing,
                    late=m.late,
                    overdue=m.overdue,
                )
                for m in s.period_marks
            ],
            fill=[
                FillOut(period_id=f.period_id, period=f.period, pupils=f.pupils, pages=f.pages)
                for f in s.fill
            ],
            substitutions=s.substitutions,
            monthly=[
                MonthlyOut(
                    class_id=m.class_id,
                    class_name=m.class_name,
                    teacher=m.teacher,
                    sent=[f"{y:04d}-{mo:02d}" for y, mo in m.sent],
                    missing=[f"{y:04d}-{mo:02d}" for y, mo in m.missing],
                )
                for m in s.monthly
            ],
            reach=[
                ReachOut(
                    class_id=r.reach.class_id,
                    class_name=r.class_name,
                    families=r.reach.families,
                    reachable=r.reach.reachable,
                    subscribed=r.reach.subscribed,
                    announcements=r.reach.announcements,
                    messages=r.reach.messages,
                    delivered=r.reach.delivered,
                    failed=r.reach.failed,
                    acknowledged=r.reach.acknowledged,
                )
                for r in s.reach
            ],
            overload=[OverloadDayOut.of(day) for day in s.overload],
            tests_off_schedule=[OffScheduleEntryOut.of(e) for e in s.sections.tests_off],
            tests_not_held=[OffScheduleEntryOut.of(e) for e in s.sections.tests_not_held],
        )


class LessonItemOut(BaseModel):
    lesson_id: int | None = Field(description="None: a timetabled lesson not in the journal.")
    date: dt.date
    slot: int | None
    class_name: str
    subject: str
    teacher: str = Field(description="Who fills it: the substitute when there is one.")
    owner: str = Field(description="The teacher of the timetable.")
    due_at: dt.datetime | None
    done_at: dt.datetime | None
    state: Literal["late", "missing"] | None
    pupils_owed: int | None = Field(description="Marks: present pupils who each owe a mark.")
    late_marks: int
    missing_marks: int

    @classmethod
    def of(cls, item: LessonItem) -> LessonItemOut:
        return cls(
            lesson_id=item.lesson_id,
            date=item.date,
            slot=item.slot,
            class_name=item.class_name,
            subject=item.subject,
            teacher=item.teacher,
            owner=item.owner,
            due_at=item.due_at,
            done_at=item.done_at,
            state="late" if item.state == State.late else "missing" if item.state else None,
            pupils_owed=item.marks.expected if item.marks else None,
            late_marks=item.late_marks,
            missing_marks=item.missing_marks,
        )


class PupilItemOut(BaseModel):
    student_id: int
    name: str
    class_name: str
    subject: str
    teacher: str
    period: str
    kind: Literal["preliminary", "final"] | None
    marks: int | None = Field(description="The fill rate: the pupil's marks in the period.")
    minimum: int | None
    due_at: dt.datetime | None
    overdue: bool

    @classmethod
    def of(cls, item: PupilItem) -> PupilItemOut:
        kind = item.kind.value if item.kind else None
        return cls(
            student_id=item.student_id,
            name=item.name,
            class_name=item.class_name,
            subject=item.subject,
            teacher=item.teacher,
            period=item.period,
            kind="preliminary" if kind == "preliminary" else "final" if kind else None,
            marks=item.marks,
            minimum=item.minimum,
            due_at=item.due_at,
            overdue=item.overdue,
        )


class LessonItemsOut(BaseModel):
    span: SpanOut
    total: int
    items: list[LessonItemOut]


class PupilItemsOut(BaseModel):
    span: SpanOut
    total: int
    items: list[PupilItemOut]


class ReportOut(BaseModel):
    generated_at: dt.datetime = Field(description="When it was read, on the school's clock.")
    content_sha256: str = Field(description="SHA-256 of `content` as canonical JSON.")
    content: dict[str, Any] = Field(
        description="The figures and lists: totals, teachers, places, entries, fill, "
        "period_marks, not_held, substitutions, overload, tests_off_schedule, tests_not_held, "
        "monthly_missing, reach."
    )


class ReportIn(BaseModel):
    format: Literal["pdf", "xlsx"] = "pdf"
    language: Literal["ru", "en"] = "ru"
    period_id: Id | None = None
    week: Day | None = None
    start: Day | None = None
    end: Day | None = None


class ReportExportOut(ArchivedFileOut):
    period_id: int | None
    starts_on: dt.date
    ends_on: dt.date

    @classmethod
    def of(cls, info: ReportInfo) -> ReportExportOut:
        url = f"/api/v1/control/reports/{info.export_id}"
        return cls(
            period_id=info.period_id,
            starts_on=info.starts_on,
            ends_on=info.ends_on,
            **archived_fields(info, url),
        )


@router.get("/control", response_model=ControlOut)
async def control(
    request: Request, viewer: ApiViewer, asked: Span, teacher_id: Id | None = None
) -> ControlOut:
    """The dashboard's figures for the span: the school's (or one teacher's with
    `teacher_id`) for the administration, a teacher's own part for a teacher."""
    found = await control_summary(
        reading_uow(request), actor=viewer.actor, asked=asked, teacher_id=teacher_id
    )
    return ControlOut.of(found)


@router.get("/control/lessons", response_model=LessonItemsOut)
async def lessons(
    request: Request,
    viewer: ApiViewer,
    asked: Span,
    where: Where,
    what: LessonList,
    state: Annotated[
        Literal["late", "missing"] | None,
        Query(description="For topic, attendance, homework, marks: which entries."),
    ] = None,
) -> LessonItemsOut:
    """The lessons behind a figure."""
    found = await control_lessons(
        reading_uow(request),
        actor=viewer.actor,
        asked=asked,
        what=what,
        state=State(state) if state else None,
        where=where,
    )
    return LessonItemsOut(
        span=SpanOut.of(found.span),
        total=found.total,
        items=[LessonItemOut.of(i) for i in found.items],
    )


@router.get("/control/pupils", response_model=PupilItemsOut)
async def pupils(
    request: Request,
    viewer: ApiViewer,
    asked: Span,
    where: Where,
    what: PupilList,
    of: Annotated[Id | None, Query(description="One of the span's periods.")] = None,
    kind: Literal["preliminary", "final"] | None = None,
    overdue: bool | None = None,
) -> PupilItemsOut:
    """The pupils behind a figure: below the fill minimum, or without a period mark."""
    found = await control_pupils(
        reading_uow(request),
        actor=viewer.actor,
        asked=asked,
        what=what,
        period_id=of,
        kind=Kind(kind) if kind else None,
        overdue=overdue,
        where=where,
    )
    return PupilItemsOut(
        span=SpanOut.of(found.span),
        total=found.total,
        items=[PupilItemOut.of(i) for i in found.items],
    )


@router.get("/control/report", response_model=ReportOut)
async def report(request: Request, viewer: ApiViewer, asked: Span) -> ReportOut:
    """The control report's data as it stands now, and its content hash."""
    found = await read_control_report(reading_uow(request), actor=viewer.actor, asked=asked)
    return ReportOut(
        generated_at=found.generated_at,
        content_sha256=found.content_sha256,
        content=found.content.data,
    )


@router.post("/control/reports", response_model=ReportExportOut, status_code=201)
async def create_report(request: Request, viewer: ApiViewer, body: ReportIn) -> ReportExportOut:
    """Export the control report as PDF or XLSX; the file is kept in the archive."""
    made = await export_control_report(
        uow(request),
        actor=viewer.actor,
        asked=SpanAsked(period_id=body.period_id, week=body.week, start=body.start, end=body.end),
        fmt=body.format,
        language=body.language,
    )
    return ReportExportOut.of(made.info)


@router.get("/control/reports", response_model=list[ReportExportOut])
async def reports(request: Request, viewer: ApiViewer) -> list[ReportExportOut]:
    """The school's latest control reports, newest first."""
    found = await list_control_reports(reading_uow(request), actor=viewer.actor)
    return [ReportExportOut.of(info) for info in found]


@router.get(
    "/control/reports/{export_id}",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "application/octet-stream": {}}}},
)
async def download(request: Request, viewer: ApiViewer, export_id: Id) -> Response:
    """An archived report's bytes; `X-Content-SHA256` is their SHA-256."""
    found = await fetch_control_report(
        reading_uow(request), actor=viewer.actor, export_id=export_id
    )
    return report_response(found)
