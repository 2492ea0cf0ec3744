"""The test schedule (график контрольных работ) as staff read it.

- a teacher: their own tests of a period, the pages they may plan on, the classes whose
  schedule they read (`teacher_tests`);
- a class's readers (its class teacher, its teachers, the deputy director and
  administrators: `core.permissions.require_class_reader`): every subject's tests of
  the class (`class_tests`).

Each entry says which of the school's limits (core/test_limits.py) its class's day or
week breaks. Every read is a fixed handful of queries, whatever the number of tests.
What families read is `core.reading.upcoming_tests`; the journal matched against the
schedule, `core.reading.test_matching`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.errors import NotFound, RuleViolation
from core.models import (
    AcademicYear,
    Period,
    ScheduledTest,
    School,
    SchoolClass,
    Staff,
)
from core.permissions import load_staff, require_class_reader
from core.policy import SchoolPolicy, policy_of
from core.reading.grid import PageRef
from core.reading.journal import group_names, subject_names
from core.reading.journal_pages import (
    ClassChoice,
    current_year_id,
    page_assignments,
    page_refs,
    readable_classes,
)
from core.reading.views import PeriodRef
from core.rows import get_in_school, not_deleted
from core.test_limits import LimitBreach, OtherTest, limit_breaches, week_of
from core.uow import UnitOfWork

MAX_RANGE_DAYS = 400  # a range asked for: a school year and its summer at most


@dataclass(frozen=True)
class Limits:
    """The school's rules, as the pages state them."""

    per_day: int
    per_week: int
    refuse: bool

    @classmethod
    def of(cls, policy: SchoolPolicy) -> Limits:
        return cls(policy.tests_per_day_max, policy.tests_per_week_max, policy.test_limits_refuse)


@dataclass(frozen=True)
class ScheduledEntry:
    """A test in the schedule, as staff read it."""

    test_id: int
    date: dt.date
    class_id: int
    class_name: str
    group_id: int | None
    group: str | None
    subject_id: int
    subject: str
    teacher_id: int
    teacher: str  # «Иванова М.П.»
    work_type: str
    title: str
    warnings: tuple[LimitBreach, ...]  # the limits its class's day or week breaks
    cancellable: bool  # the viewer's own test, today or later

    @property
    def where(self) -> str:
        """«7Б», or «7Б (7Б англ. 1)» for a group's test."""
        return f"{self.class_name} ({self.group})" if self.group else self.class_name


@dataclass(frozen=True)
class Span:
    """The days a schedule shows: a marking period, or a range asked for."""

    first: dt.date
    last: dt.date
    period: PeriodRef | None  # None: a range of dates
    periods: tuple[PeriodRef, ...]  # the year's periods, to choose from


@dataclass(frozen=True)
class TeacherSchedule:
    today: dt.date
    span: Span
    limits: Limits
    pages: tuple[PageRef, ...]  # where the teacher may plan: their assignments this year
    classes: tuple[ClassChoice, ...]  # whose schedule they read
    tests: tuple[ScheduledEntry, ...]  # their own, by date


@dataclass(frozen=True)
class ClassSchedule:
    class_id: int
    class_name: str
    today: dt.date
    span: Span
    limits: Limits
    tests: tuple[ScheduledEntry, ...]  # every subject's, by date


async def teacher_tests(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    period_id: int | None = None,
    around: dt.date | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> TeacherSchedule:
    """The viewer's own planned tests of a period of this school year (`period_id`, or
    the one holding `around`, by default today, else the next to begin) or of the range
    `first`–`last`; with what a planning form needs. Reads only: pass a reading unit of
    work."""
    async with uow:
        staff = await load_staff(uow, actor)
        school = await _school(uow, staff.school_id)
        today = school_today(school, uow.now())
        year_id = await current_year_id(uow, school, uow.now())
        span = await _span(uow, school, year_id, around or today, period_id, (first, last))
        own = await page_assignments(uow, school_id=staff.school_id, teacher_id=staff.id)
        own = [a for a in own if a[0].year_id == year_id]
        classes = await readable_classes(uow, staff, year_id, own)
        rows = await _live_tests(uow, span, teacher_id=staff.id or 0)
        return TeacherSchedule(
            today=today,
            span=span,
            limits=Limits.of(policy_of(school)),
            pages=page_refs(own),
            classes=tuple(ClassChoice(c.id or 0, c.name) for c in classes),
            tests=await _entries(uow, staff, school, rows, today),
        )


async def class_tests(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    class_id: int,
    period_id: int | None = None,
    around: dt.date | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> ClassSchedule:
    """Every subject's tests of a class in a period of its year (`period_id`, or the one
    holding `around`, by default today, else the next to begin) or the range
    `first`–`last`. For the class's readers only. Reads only: pass a reading unit of
    work."""
    async with uow:
        staff = await load_staff(uow, actor)
        klass = await get_in_school(uow, SchoolClass, class_id, staff.school_id, "class")
        await require_class_reader(uow, staff, klass)
        school = await _school(uow, staff.school_id)
        today = school_today(school, uow.now())
        span = await _span(uow, school, klass.year_id, around or today, period_id, (first, last))
        rows = await _live_tests(uow, span, class_id=klass.id or 0)
        return ClassSchedule(
            class_id=klass.id or 0,
            class_name=klass.name,
            today=today,
            span=span,
            limits=Limits.of(policy_of(school)),
            tests=await _entries(uow, staff, school, rows, today),
        )


async def _school(uow: UnitOfWork, school_id: int) -> School:
    school = await uow.session.get(School, school_id)
    assert school is not None
    return school


async def _live_tests(
    uow: UnitOfWork, span: Span, *, teacher_id: int | None = None, class_id: int | None = None
) -> list[ScheduledTest]:
    """The live tests of the span: a teacher's, or a class's."""
    query = select(ScheduledTest).where(
        ScheduledTest.date >= span.first,
        ScheduledTest.date <= span.last,
        not_deleted(ScheduledTest),
    )
    if teacher_id is not None:
        query = query.where(ScheduledTest.teacher_id == teacher_id)
    if class_id is not None:
        query = query.where(ScheduledTest.class_id == class_id)
    return list((await uow.session.exec(query)).all())


def check_range(first: dt.date, last: dt.date) -> None:
    """A range of days read at once: forward, and at most `MAX_RANGE_DAYS` long."""
    if last < first or (last - first).days > MAX_RANGE_DAYS:
        raise RuleViolation("test_range_bad", days=MAX_RANGE_DAYS)


async def _span(
    uow: UnitOfWork,
    school: School,
    year_id: int | None,
    day: dt.date,
    period_id: int | None,
    dates: tuple[dt.date | None, dt.date | None],
) -> Span:
    """The range asked for, else the period asked for, else the one holding `day`."""
    rows = (await uow.session.exec(select(Period).where(Period.year_id == year_id))).all()
    periods = tuple(
        PeriodRef(p.id or 0, p.name, p.starts_on, p.ends_on)
        for p in sorted(rows, key=lambda p: (p.starts_on, p.starts_on - p.ends_on, p.id or 0))
    )
    first, last = dates
    if first is not None or last is not None:
        first, last = first or last or day, last or first or day
        check_range(first, last)
        return Span(first, last, None, periods)
    period = _chosen(periods, period_id, day)
    if period is None:
        year = await uow.session.get(AcademicYear, year_id) if year_id else None
        if year is None or year.school_id != school.id:
            return Span(day, day, None, periods)
        period = PeriodRef(0, year.name, year.starts_on, year.ends_on)
    return Span(period.starts_on, period.ends_on, period, periods)


def _chosen(periods: Sequence[PeriodRef], period_id: int | None, day: dt.date) -> PeriodRef | None:
    """The period asked for (NotFound if it is not the year's); else the shortest one
    holding `day`, else the next to begin (planning in the holidays), else the last."""
    if period_id is not None:
        found = next((p for p in periods if p.period_id == period_id), None)
        if found is None:
            raise NotFound(what="period")
        return found
    holding = [p for p in periods if p.starts_on <= day <= p.ends_on]
    if holding:
        return min(holding, key=lambda p: (p.ends_on - p.starts_on, p.period_id))
    ahead = [p for p in periods if p.starts_on > day]
    if ahead:
        return min(ahead, key=lambda p: p.starts_on)
    return periods[-1] if periods else None


async def _entries(
    uow: UnitOfWork, staff: Staff, school: School, rows: list[ScheduledTest], today: dt.date
) -> tuple[ScheduledEntry, ...]:
    """The rows as entries, each with the limits its class's day and week break (the
    class's other tests of those weeks, every subject, read in one query)."""
    if not rows:
        return ()
    class_ids = {r.class_id for r in rows}
    classes = {
        c.id or 0: c
        for c in (
            await uow.session.exec(select(SchoolClass).where(col(SchoolClass.id).in_(class_ids)))
        ).all()
    }
    week = await _class_weeks(uow, class_ids, rows)
    subject_ids = {r.subject_id for r in rows} | {t.subject_id for t in week}
    subjects = await subject_names(uow, subject_ids)
    groups = await group_names(uow, {r.group_id for r in rows if r.group_id is not None})
    teachers = await _teachers(uow, {r.teacher_id for r in rows})
    by_class: dict[int, list[ScheduledTest]] = defaultdict(list)
    for other in week:
        by_class[other.class_id].append(other)
    policy = policy_of(school)
    entries = []
    for row in rows:
        klass = classes[row.class_id]
        others = [
            OtherTest(o.date, subjects.get(o.subject_id, "?"))
            for o in by_class[row.class_id]
            if o.id != row.id
        ]
        entries.append(
            ScheduledEntry(
                test_id=row.id or 0,
                date=row.date,
                class_id=row.class_id,
                class_name=klass.name,
                group_id=row.group_id,
                group=groups.get(row.group_id) if row.group_id else None,
                subject_id=row.subject_id,
                subject=subjects.get(row.subject_id, "?"),
                teacher_id=row.teacher_id,
                teacher=teachers.get(row.teacher_id, "?"),
                work_type=row.work_type,
                title=row.title,
                warnings=limit_breaches(policy, klass=klass.name, day=row.date, others=others),
                cancellable=row.teacher_id == staff.id and row.date >= today,
            )
        )
    entries.sort(key=lambda e: (e.date, classes[e.class_id].grade, e.class_name, e.subject))
    return tuple(entries)


async def _class_weeks(
    uow: UnitOfWork, class_ids: set[int], rows: list[ScheduledTest]
) -> list[ScheduledTest]:
    """The classes' live tests from the Monday of the first row's week to the Sunday of
    the last one's (a little more than needed: the limits look at each row's own week)."""
    first, _ = week_of(min(r.date for r in rows))
    _, last = week_of(max(r.date for r in rows))
    query = select(ScheduledTest).where(
        col(ScheduledTest.class_id).in_(class_ids),
        ScheduledTest.date >= first,
        ScheduledTest.date <= last,
        not_deleted(ScheduledTest),
    )
    return list((await uow.session.exec(query)).all())


async def _teachers(uow: UnitOfWork, ids: set[int]) -> dict[int, str]:
    rows = await uow.session.exec(select(Staff).where(col(Staff.id).in_(sorted(ids))))
    return {s.id or 0: s.short_name for s in rows.all()}
