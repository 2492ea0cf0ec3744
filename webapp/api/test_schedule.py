"""/api/v1 for the test schedule (график контрольных работ): my tests, a class's, the
plan and its cancel, and the journal matched against the schedule.

Like webapp/api/v1.py: `ApiViewer`, one core service per endpoint with `viewer.actor`,
pydantic response models; errors are `{"error": {"code", "message"}}`. A period is
chosen by `period_id` (default: the one holding today) or a range `first`–`last`.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from core import limits
from core.reading.test_matching import OffSchedule, OffScheduleEntry, tests_off_schedule
from core.reading.test_schedule import Limits, ScheduledEntry, Span, class_tests, teacher_tests
from core.services.test_schedule import PlannedTest, cancel_test, schedule_test
from core.test_limits import LimitBreach
from webapp.api.journal_models import PeriodOut
from webapp.api.v1 import error_responses
from webapp.auth import ApiViewer
from webapp.limits import FORM_GUARD, at_most
from webapp.params import Day, Id
from webapp.state import reading_uow, uow

router = APIRouter(
    prefix="/api/v1",
    tags=["test schedule"],
    responses=error_responses(
        invalid="The request breaks a rule of the schedule (a past day, a holiday, outside "
        "the periods, a kind that is no test; over the school's limits where it refuses), "
        "or a value is malformed or out of range."
    ),
)

ScheduleKind = Literal["test", "written", "dictation", "lab", "essay"]


class WarningOut(BaseModel):
    code: str = Field(description="tests_per_day_over | tests_per_week_over")
    message: str = Field(description="What the class's day or week already has, in words.")

    @classmethod
    def of(cls, breach: LimitBreach, lang: str) -> WarningOut:
        return cls(code=breach.code, message=breach.message(lang))


class LimitsOut(BaseModel):
    per_day: int = Field(description="At most this many tests a day per class.")
    per_week: int = Field(description="At most this many tests a week (Monday–Sunday).")
    refuse: bool = Field(description="Over a limit: true, refused (422); false, warned.")

    @classmethod
    def of(cls, found: Limits) -> LimitsOut:
        return cls(per_day=found.per_day, per_week=found.per_week, refuse=found.refuse)


class ScheduledTestOut(BaseModel):
    id: int
    date: dt.date
    class_id: int
    class_name: str
    group_id: int | None
    group_name: str | None
    subject_id: int
    subject: str
    teacher_id: int
    teacher: str
    work_type: str
    title: str
    warnings: list[WarningOut] = Field(description="The school's limits its day or week breaks.")
    cancellable: bool = Field(description="Mine, and not yet past: I may cancel it.")

    @classmethod
    def of(cls, entry: ScheduledEntry, lang: str) -> ScheduledTestOut:
        return cls(
            id=entry.test_id,
            date=entry.date,
            class_id=entry.class_id,
            class_name=entry.class_name,
            group_id=entry.group_id,
            group_name=entry.group,
            subject_id=entry.subject_id,
            subject=entry.subject,
            teacher_id=entry.teacher_id,
            teacher=entry.teacher,
            work_type=entry.work_type,
            title=entry.title,
            warnings=[WarningOut.of(w, lang) for w in entry.warnings],
            cancellable=entry.cancellable,
        )


class ScheduleOut(BaseModel):
    first: dt.date
    last: dt.date
    period: PeriodOut | None = Field(description="None: a range of dates was asked for.")
    periods: list[PeriodOut] = Field(description="The school year's periods, to choose from.")
    limits: LimitsOut
    tests: list[ScheduledTestOut]

    @classmethod
    def of(
        cls, span: Span, found: Limits, tests: tuple[ScheduledEntry, ...], lang: str
    ) -> ScheduleOut:
        return cls(
            first=span.first,
            last=span.last,
            period=PeriodOut.of(span.period) if span.period else None,
            periods=[PeriodOut.of(p) for p in span.periods],
            limits=LimitsOut.of(found),
            tests=[ScheduledTestOut.of(t, lang) for t in tests],
        )


class ClassScheduleOut(ScheduleOut):
    class_id: int
    class_name: str


class PlanIn(BaseModel):
    class_id: Id
    group_id: Id | None = Field(default=None, description="A group's test (a language subgroup).")
    subject_id: Id
    date: Day
    work_type: ScheduleKind = "test"
    title: str = Field(default="", max_length=FORM_GUARD, description=at_most(limits.TEST_TITLE))


class PlannedOut(BaseModel):
    id: int
    class_id: int
    group_id: int | None
    subject_id: int
    date: dt.date
    work_type: str
    title: str
    warnings: list[WarningOut] = Field(
        description="The school's limits the class's day or week now breaks (saved anyway: "
        "the school warns rather than refuses)."
    )

    @classmethod
    def of(cls, planned: PlannedTest, lang: str) -> PlannedOut:
        test = planned.test
        return cls(
            id=test.id or 0,
            class_id=test.class_id,
            group_id=test.group_id,
            subject_id=test.subject_id,
            date=test.date,
            work_type=test.work_type,
            title=test.title,
            warnings=[WarningOut.of(w, lang) for w in planned.warnings],
        )


class OffScheduleEntryOut(BaseModel):
    date: dt.date
    class_id: int
    class_name: str
    group_id: int | None
    group_name: str | None
    subject_id: int
    subject: str
    teacher_id: int
    teacher: str
    work_type: str
    lesson_id: int | None = Field(description="The lesson held as a test off schedule.")
    test_id: int | None = Field(description="The scheduled test not held.")

    @classmethod
    def of(cls, entry: OffScheduleEntry) -> OffScheduleEntryOut:
        values = vars(entry) | {"group_name": entry.group}
        return cls.model_validate({k: v for k, v in values.items() if k != "group"})


class OffScheduleOut(BaseModel):
    first: dt.date
    last: dt.date
    held_off_schedule: list[OffScheduleEntryOut] = Field(
        description="Lessons of a test kind (up to today) with no test of their class and "
        "subject in the schedule that day."
    )
    not_held: list[OffScheduleEntryOut] = Field(
        description="Scheduled tests before today with no lesson of a test kind that day."
    )

    @classmethod
    def of(cls, found: OffSchedule) -> OffScheduleOut:
        return cls(
            first=found.first,
            last=found.last,
            held_off_schedule=[OffScheduleEntryOut.of(e) for e in found.held_off_schedule],
            not_held=[OffScheduleEntryOut.of(e) for e in found.not_held],
        )


@router.get("/tests", response_model=ScheduleOut)
async def my_tests(
    request: Request,
    viewer: ApiViewer,
    period_id: Id | None = None,
    first: Day | None = None,
    last: Day | None = None,
) -> ScheduleOut:
    """My planned tests of a period (or of the days `first`–`last`, at most 400)."""
    found = await teacher_tests(
        reading_uow(request), actor=viewer.actor, period_id=period_id, first=first, last=last
    )
    return ScheduleOut.of(found.span, found.limits, found.tests, viewer.lang)


@router.post("/tests", response_model=PlannedOut, status_code=201)
async def plan_test(request: Request, viewer: ApiViewer, body: PlanIn) -> PlannedOut:
    """Plan a test on one of my pages (or retitle the one it has that day). Over the
    school's limits: refused (422) or saved with `warnings`, as the school chose."""
    planned = await schedule_test(
        uow(request),
        actor=viewer.actor,
        class_id=body.class_id,
        group_id=body.group_id,
        subject_id=body.subject_id,
        on=body.date,
        work_type=body.work_type,
        title=body.title,
    )
    return PlannedOut.of(planned, viewer.lang)


@router.delete("/tests/{test_id}", status_code=204)
async def cancel_planned(request: Request, viewer: ApiViewer, test_id: Id) -> Response:
    """Take one of my tests off the schedule (not one already past)."""
    await cancel_test(uow(request), actor=viewer.actor, test_id=test_id)
    return Response(status_code=204)


@router.get("/classes/{class_id}/tests", response_model=ClassScheduleOut)
async def class_schedule(
    request: Request,
    viewer: ApiViewer,
    class_id: Id,
    period_id: Id | None = None,
    first: Day | None = None,
    last: Day | None = None,
) -> ClassScheduleOut:
    """Every subject's tests of a class: for its class teacher, its teachers, the deputy
    director and administrators."""
    found = await class_tests(
        reading_uow(request),
        actor=viewer.actor,
        class_id=class_id,
        period_id=period_id,
        first=first,
        last=last,
    )
    common = ScheduleOut.of(found.span, found.limits, found.tests, viewer.lang)
    return ClassScheduleOut(
        **common.model_dump(), class_id=found.class_id, class_name=found.class_name
    )


@router.get("/tests/off-schedule", response_model=OffScheduleOut)
async def off_schedule(
    request: Request, viewer: ApiViewer, first: Day, last: Day
) -> OffScheduleOut:
    """Tests held off schedule and scheduled tests not held, `first`–`last`: the school's
    for the deputy director and administrators, a teacher's own (and their class's)."""
    found = await tests_off_schedule(
        reading_uow(request), actor=viewer.actor, first=first, last=last
    )
    return OffScheduleOut.of(found)
