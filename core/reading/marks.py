"""Recent marks, the period's averages per subject, and absences.

Averages are weighted the way the school weights work types: each mark carries the
weight `core.services.marks` gave it from `SchoolPolicy.work_type_weights` when it
was posted (or its work type last changed), and the average is Σ value·weight / Σ weight.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from sqlmodel import col, select

from core.actors import Actor
from core.models import Attendance, Lesson, Mark, Period
from core.reading.access import ReadScope, current_class, open_student, student_card
from core.reading.journal import attendance_entry, mark_entry, subject_names
from core.reading.views import (
    AbsencesOverview,
    AttendanceEntry,
    MarkEntry,
    MarksOverview,
    PeriodRef,
    SubjectAverage,
)
from core.rows import not_deleted
from core.uow import UnitOfWork

RECENT_DAYS = 14


def weighted_average(marks: Sequence[MarkEntry]) -> float | None:
    """Σ value·weight / Σ weight of the marks; None without marks."""
    total = sum(m.weight for m in marks)
    if not marks or total <= 0:
        return None
    return sum(m.value * m.weight for m in marks) / total


def subject_averages(marks: Sequence[MarkEntry]) -> tuple[SubjectAverage, ...]:
    """Per subject, in the subjects' alphabetical order; `marks` in the order given."""
    by_subject: dict[str, list[MarkEntry]] = {}
    for mark in marks:
        by_subject.setdefault(mark.subject, []).append(mark)
    found = []
    for subject in sorted(by_subject):
        average = weighted_average(by_subject[subject])
        if average is not None:
            values = tuple(m.value for m in by_subject[subject])
            found.append(SubjectAverage(subject, average, values))
    return tuple(found)


async def period_of(uow: UnitOfWork, school_id: int, on: dt.date) -> PeriodRef | None:
    """The marking period `on` falls in (the shortest, when a quarter lies inside the
    year); in the holidays between two, the one that ended last."""
    rows = (
        await uow.session.exec(
            select(Period).where(Period.school_id == school_id, Period.starts_on <= on)
        )
    ).all()
    return pick_period(rows, on)


def pick_period(rows: Sequence[Period], on: dt.date) -> PeriodRef | None:
    """`period_of` among `rows`, the school's periods begun by `on` (read by the caller)."""
    if not rows:
        return None
    holding = [p for p in rows if on <= p.ends_on]
    if holding:
        period = min(holding, key=lambda p: (p.ends_on - p.starts_on, p.id or 0))
    else:
        period = max(rows, key=lambda p: (p.ends_on, -(p.ends_on - p.starts_on).days))
    return PeriodRef(period.id or 0, period.name, period.starts_on, period.ends_on)


async def marks_between(
    uow: UnitOfWork, scope: ReadScope, first: dt.date, last: dt.date
) -> list[MarkEntry]:
    """The student's marks at lessons from `first` to `last`, in the order given."""
    query = (
        select(Mark, Lesson)
        .join(Lesson, col(Lesson.id) == Mark.lesson_id)
        .where(
            Mark.student_id == scope.student.id,
            not_deleted(Mark),
            not_deleted(Lesson),
            Lesson.date >= first,
            Lesson.date <= last,
        )
        .order_by(col(Lesson.date), col(Lesson.slot), col(Mark.created_at), col(Mark.id))
    )
    rows = (await uow.session.exec(query)).all()
    subjects = await subject_names(uow, {lesson.subject_id for _, lesson in rows})
    return [mark_entry(mark, lesson, subjects) for mark, lesson in rows]


async def period_averages(
    uow: UnitOfWork, scope: ReadScope, on: dt.date
) -> tuple[PeriodRef | None, tuple[SubjectAverage, ...]]:
    """The period holding `on`, and the averages of its marks given up to `on`."""
    period = await period_of(uow, scope.school.id or 0, on)
    if period is None:
        return None, ()
    marks = await marks_between(uow, scope, period.starts_on, min(on, period.ends_on))
    return period, subject_averages(marks)


async def marks_overview(
    uow: UnitOfWork, *, actor: Actor, student_id: int, days: int = RECENT_DAYS
) -> MarksOverview:
    """The marks of the last `days` days (newest first) and the current period's
    weighted averages per subject."""
    async with uow:
        scope = await open_student(uow, actor, student_id)
        first = scope.today - dt.timedelta(days=max(days, 1) - 1)
        recent = await marks_between(uow, scope, first, scope.today)
        period, averages = await period_averages(uow, scope, scope.today)
        klass = await current_class(uow, scope.student, scope.today)
        given = klass is None or klass.grade >= scope.policy.marks_from_grade
        return MarksOverview(
            student=await student_card(uow, scope, scope.today),
            today=scope.today,
            recent_days=days,
            recent=tuple(reversed(recent)),
            period=period,
            averages=averages,
            marks_given=given,
        )


async def absences_overview(uow: UnitOfWork, *, actor: Actor, student_id: int) -> AbsencesOverview:
    """Absences («н»), illness («б») and lateness («оп») in the current period so far:
    how many lessons of each, and the list, newest first."""
    async with uow:
        scope = await open_student(uow, actor, student_id)
        period = await period_of(uow, scope.school.id or 0, scope.today)
        since = period.starts_on if period else scope.today - dt.timedelta(days=30)
        until = min(scope.today, period.ends_on) if period else scope.today
        items = await attendance_between(uow, scope, since, until)
        return AbsencesOverview(
            student=await student_card(uow, scope, scope.today),
            period=period,
            since=since,
            until=until,
            counts=dict(Counter(item.status for item in items)),
            items=tuple(reversed(items)),
        )


async def attendance_between(
    uow: UnitOfWork, scope: ReadScope, first: dt.date, last: dt.date
) -> list[AttendanceEntry]:
    query = (
        select(Attendance, Lesson)
        .join(Lesson, col(Lesson.id) == Attendance.lesson_id)
        .where(
            Attendance.student_id == scope.student.id,
            not_deleted(Attendance),
            not_deleted(Lesson),
            Lesson.date >= first,
            Lesson.date <= last,
        )
        .order_by(col(Lesson.date), col(Lesson.slot))
    )
    rows = (await uow.session.exec(query)).all()
    subjects = await subject_names(uow, {lesson.subject_id for _, lesson in rows})
    return [attendance_entry(row, lesson, subjects) for row, lesson in rows]
