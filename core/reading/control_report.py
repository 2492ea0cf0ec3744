"""The control report («Справка по итогам проверки ведения электронного журнала»): what
the deputy director signs after checking the journal for a period or a span.

Seed 001 §2 and seed 002 §2.4 give the deputy director the control of the journal and
its report to the director. The report holds the dashboard's figures
(`core.reading.control_summary`) and the lists behind them: per teacher the lessons
whose entries came late or are missing, the pupils below the fill minimum, the period
marks missing, the timetabled lessons not held, the substitutions, the days a class's
homework went over the limit (with the homework making it up), the tests held off the
test schedule and the scheduled ones not held, the months without a class teacher's
message to parents, and each class's delivery reach.

`ReportContent.canonical()` is its data as canonical JSON (sorted keys, no spaces,
UTF-8), codes rather than words, so the SHA-256 printed in every export can be
recomputed from the JSON the API returns. It leaves out when and by whom the report
was made; it keeps the day the journal was read up to, since what is "missing"
depends on it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from core.actors import StaffActor
from core.audit.chain import GENESIS, ChainHead, read_heads
from core.control.rules import Kind, State
from core.errors import Forbidden
from core.models import Role, Staff
from core.permissions import has_role, load_staff
from core.reading.control import JournalControl, LessonCheck
from core.reading.control_sections import OverloadDay
from core.reading.control_span import SpanAsked
from core.reading.control_summary import (
    ENTRY_KINDS,
    ControlSummary,
    Figures,
    LessonTally,
    control_summary,
    fill_in_focus,
    period_marks_due,
)
from core.reading.test_matching import OffScheduleEntry
from core.uow import UnitOfWork


def figures_data(figures: Figures) -> dict[str, Any]:
    return {
        "lessons": figures.lessons,
        "late": {kind.value: count for kind, count in figures.late.items()},
        "missing": {kind.value: count for kind, count in figures.missing.items()},
        "fill": figures.fill,
        "period_missing": figures.period_missing,
        "period_pending": figures.period_pending,
        "timetabled": figures.timetabled,
        "held": figures.held,
        "not_held": figures.not_held,
        "substituted": figures.substituted,
        "substituting": figures.substituting,
        "overload": figures.overload,
        "tests_off_schedule": figures.tests_off,
        "tests_not_held": figures.tests_not_held,
    }


@dataclass(frozen=True)
class ReportContent:
    """What the report says: the data that is hashed (plain JSON data)."""

    data: dict[str, Any]

    def canonical(self) -> bytes:
        text = json.dumps(self.data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8")

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


@dataclass(frozen=True)
class ControlReport:
    summary: ControlSummary
    content: ReportContent
    school: str
    generated_at: dt.datetime  # aware, on the school's clock
    timezone: str
    made_by: str  # who reads it: «Орлова Т.Б.», for the signature line
    # The school's audit chain head when it was read: its fingerprint is printed, so the
    # paper anchors the journal's change log (not part of the content hash).
    chain: ChainHead | None = None

    @property
    def content_sha256(self) -> str:
        return self.content.sha256()

    @property
    def period_id(self) -> int | None:
        span = self.summary.span
        return span.period.period_id if span.period else None


def require_report_maker(staff: Staff) -> None:
    """The report is the deputy director's (and the administrator's): the school's."""
    if not has_role(staff, Role.deputy, Role.admin):
        raise Forbidden("control_report_overseers_only")


async def read_control_report(
    uow: UnitOfWork, *, actor: StaffActor, asked: SpanAsked
) -> ControlReport:
    """The report for the span `asked` as the journal stands now."""
    async with uow:
        staff = await load_staff(uow, actor)
        require_report_maker(staff)
        made_by = staff.short_name
        heads = await read_heads(uow.session)
        chain = heads.get(staff.school_id, ChainHead(staff.school_id, 0, GENESIS))
    summary = await control_summary(uow, actor=actor, asked=asked)
    control = summary.control
    generated = control.now.astimezone(control.zone)
    content = ReportContent(report_data(summary))
    return ControlReport(
        summary, content, summary.span.school, generated, control.zone.key, made_by, chain
    )


def report_data(summary: ControlSummary) -> dict[str, Any]:
    span, control = summary.span, summary.control
    return {
        "school": span.school,
        "start": span.start.isoformat(),
        "end": span.end.isoformat(),
        "as_of": control.today.isoformat(),
        "period": span.period.name if span.period else None,
        "totals": figures_data(summary.totals),
        "teachers": [
            {"teacher": line.name, **figures_data(line.figures)} for line in summary.teachers
        ],
        "places": [
            {
                "class": line.class_name,
                "subject": line.subject,
                "teachers": list(line.teachers),
                **figures_data(line.figures),
            }
            for line in summary.places
            if _worth_noting(line.figures)
        ],
        "entries": _entries(control, [line.teacher_id for line in summary.teachers]),
        "fill": _fill(summary),
        "period_marks": _period_marks(summary),
        "not_held": _not_held(control),
        "substitutions": _substitutions(control),
        "overload": [_overload_day(day) for day in summary.overload],
        "tests_off_schedule": [_test(e) for e in summary.sections.tests_off],
        "tests_not_held": [_test(e) for e in summary.sections.tests_not_held],
        "monthly_missing": [
            {
                "class": line.class_name,
                "teacher": line.teacher,
                "months": [f"{year:04d}-{month:02d}" for year, month in line.missing],
            }
            for line in summary.monthly
            if line.missing
        ],
        "reach": [
            {
                "class": line.class_name,
                "families": line.reach.families,
                "reachable": line.reach.reachable,
                "subscribed": line.reach.subscribed,
                "announcements": line.reach.announcements,
                "messages": line.reach.messages,
                "delivered": line.reach.delivered,
                "failed": line.reach.failed,
                "acknowledged": line.reach.acknowledged,
            }
            for line in summary.reach
        ],
    }


def _worth_noting(figures: Figures) -> bool:
    return bool(
        figures.overdue
        or figures.behind
        or figures.fill
        or figures.not_held
        or figures.overload
        or figures.tests_off
        or figures.tests_not_held
    )


def _overload_day(day: OverloadDay) -> dict[str, Any]:
    return {
        "class": day.class_name,
        "day": day.day.isoformat(),
        "total": day.total,
        "limit": day.limit,
        "pupils_over": day.pupils_over,
        "assignments": [
            {
                "subject": a.subject,
                "group": a.group,
                "teacher": a.teacher,
                "minutes": a.minutes,
                "set_on": a.set_on.isoformat(),
                "individual": a.individual,
            }
            for a in day.assignments
        ],
    }


def _test(entry: OffScheduleEntry) -> dict[str, Any]:
    return {
        "date": entry.date.isoformat(),
        "class": entry.class_name,
        "group": entry.group,
        "subject": entry.subject,
        "teacher": entry.teacher,
        "kind": entry.work_type,
    }


def _entries(control: JournalControl, order: list[int]) -> list[dict[str, Any]]:
    """Per teacher (who fills the lesson), the lessons with an entry late or missing; the
    teachers in the dashboard's `order` (the most overdue first)."""
    by_teacher: dict[int, list[dict[str, Any]]] = defaultdict(list)
    names = control.names
    for check in sorted(control.lessons, key=lambda c: (c.date, c.slot, c.lesson_id)):
        tally = LessonTally.of(check, control.now)
        found = _lesson_entries(check, tally)
        if found:
            by_teacher[check.teacher_id].append(
                {
                    "date": check.date.isoformat(),
                    "slot": check.slot,
                    "class": names.place(check.place),
                    "subject": names.subjects.get(check.place.subject_id, ""),
                    "entries": found,
                }
            )
    rank = {teacher: n for n, teacher in enumerate(order)}
    teachers = sorted(by_teacher, key=lambda t: (rank.get(t, len(rank)), names.staff.get(t, "")))
    return [
        {"teacher": names.staff.get(teacher, ""), "lessons": by_teacher[teacher]}
        for teacher in teachers
    ]


def _lesson_entries(check: LessonCheck, tally: LessonTally) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for kind in ENTRY_KINDS:
        if kind in tally.missing:
            found.append({"kind": kind.value, "state": State.missing.value})
        elif kind in tally.late:
            found.append({"kind": kind.value, "state": State.late.value})
    if tally.missing_marks:
        found.append(
            {"kind": Kind.marks.value, "state": State.missing.value, "count": tally.missing_marks}
        )
    if tally.late_marks:
        found.append(
            {"kind": Kind.marks.value, "state": State.late.value, "count": tally.late_marks}
        )
    return found


def _fill(summary: ControlSummary) -> list[dict[str, Any]]:
    control = summary.control
    names = control.names
    periods = {p.period_id: p.name for p in summary.span.focus}
    grouped: dict[tuple[int, Any], list[dict[str, Any]]] = defaultdict(list)
    for check in fill_in_focus(control, summary.span):
        grouped[(check.period_id, check.place)].append(
            {
                "pupil": names.students.get(check.student_id, ""),
                "marks": check.marks,
                "minimum": check.minimum,
                "teacher": names.staff.get(check.teacher_id, ""),
            }
        )
    lines = [
        {
            "period": periods.get(period_id, ""),
            "class": names.place(place),
            "subject": names.subjects.get(place.subject_id, ""),
            "teacher": pupils[0]["teacher"],
            "pupils": sorted(
                (
                    {"name": p["pupil"], "marks": p["marks"], "minimum": p["minimum"]}
                    for p in pupils
                ),
                key=lambda p: str(p["name"]),
            ),
        }
        for (period_id, place), pupils in grouped.items()
    ]
    return sorted(lines, key=lambda line: (line["period"], line["class"], line["subject"]))


def _period_marks(summary: ControlSummary) -> list[dict[str, Any]]:
    control = summary.control
    names = control.names
    periods = {p.period_id: p.name for p in (*summary.span.periods, *summary.span.focus)}
    zone: ZoneInfo = control.zone
    lines = [
        {
            "period": periods.get(check.period_id, ""),
            "kind": check.kind.value,
            "due": (check.due_at.astimezone(zone) - dt.timedelta(microseconds=1))
            .date()
            .isoformat(),
            "overdue": check.state(control.now) == State.missing,
            "class": names.place(check.place),
            "subject": names.subjects.get(check.place.subject_id, ""),
            "teacher": names.staff.get(check.teacher_id, ""),
            "expected": check.expected,
            "pupils": sorted(names.students.get(p, "") for p in check.missing),
        }
        for check in period_marks_due(control, summary.span)
        if check.missing
    ]
    return sorted(
        lines, key=lambda line: (line["due"], line["kind"], line["class"], line["subject"])
    )


def _not_held(control: JournalControl) -> list[dict[str, Any]]:
    names = control.names
    lines = [
        {
            "teacher": names.staff.get(row.teacher_id, ""),
            "class": names.place(row.place),
            "subject": names.subjects.get(row.place.subject_id, ""),
            "timetabled": row.timetabled,
            "held": row.held,
            "days": [day.isoformat() for day in row.not_held],
        }
        for row in control.curriculum
        if row.not_held
    ]
    return sorted(lines, key=lambda line: (line["teacher"], line["class"], line["subject"]))


def _substitutions(control: JournalControl) -> list[dict[str, Any]]:
    names = control.names
    return [
        {
            "date": check.date.isoformat(),
            "slot": check.slot,
            "class": names.place(check.place),
            "subject": names.subjects.get(check.place.subject_id, ""),
            "teacher": names.staff.get(check.owner_id, ""),
            "substitute": names.staff.get(check.teacher_id, ""),
        }
        for check in sorted(control.substitutions, key=lambda c: (c.date, c.slot, c.lesson_id))
    ]
