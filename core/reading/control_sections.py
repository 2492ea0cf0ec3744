"""The dashboard's two sections beyond the journal's own rules: homework over SanPiN's
daily limit, and tests off the test schedule.

- **Homework volume** (`core.reading.homework_load`): the days of the span on which a
  class's homework went over the school's limit for its grade (SanPiN 1.2.3685-21,
  table 6.6) — the coming days of the span too, whose homework is already set — each
  with its total (the most loaded pupil's), the limit, how many pupils are over it and
  the assignments making up the total (subject, who gave it, minutes).
- **Tests** (`core.reading.test_matching`): lessons of written work held with no test
  of their class and subject in the schedule that day, and scheduled tests whose day
  passed with no such lesson (seed 002 §2.5.3: the schedule is made in September).

Who reads what: the deputy director and the administrator the school's, or one
teacher's part; a teacher their own part — their own tests, and the overload days their
homework is part of (it reaches a pupil over the limit: the day a teacher may read for
that homework with `homework_day_load`). Whose an overload day is: every teacher whose
homework reaches a pupil over the limit, and their class × subject pages, so a day
counts once for the school and once for each of them.

The summary reads both inside its own unit of work (`read_sections_in`: fifteen
queries whatever the school's size and the span); the lists behind the figures
(`core.reading.control_lists`) read them again with the same span and filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from core.models import School
from core.reading.control import JournalControl, Names, Place
from core.reading.control_span import ControlSpan
from core.reading.homework_load import DayLoad, overload_days_in
from core.reading.test_matching import EntryNames, OffSchedule, OffScheduleEntry, off_schedule_in
from core.uow import UnitOfWork

Giver = tuple[int, Place]  # a teacher and the page they gave homework on


@dataclass(frozen=True)
class OverloadAssignment:
    """One homework of an overload day, as the dashboard lists it."""

    homework_id: int
    lesson_id: int
    subject: str
    group: str | None
    teacher_id: int
    teacher: str  # «Иванова М.П.»
    minutes: int | None  # the teacher's estimate
    set_on: dt.date
    individual: bool


@dataclass(frozen=True)
class OverloadDay:
    """A class's day whose homework goes over the limit for its grade."""

    class_id: int
    class_name: str
    grade: int
    day: dt.date
    total: int  # minutes: the most loaded pupil's
    limit: int  # minutes: the school's for the grade
    pupils_over: int
    assignments: tuple[OverloadAssignment, ...]  # what makes up `total`
    givers: tuple[Giver, ...]  # whose homework reaches a pupil over the limit

    def given_by(self, teacher_id: int | None, place: Place | None = None) -> bool:
        """Whether the teacher's homework (on the page, if given) is part of it."""
        return any(teacher_id in (None, t) and place in (None, p) for t, p in self.givers)


@dataclass(frozen=True)
class OverloadClass:
    """A class's overload days in the span."""

    class_id: int
    class_name: str
    limit: int
    days: int
    most: int  # minutes: the heaviest day's total


@dataclass(frozen=True)
class Sections:
    overload: tuple[OverloadDay, ...]  # by day, grade, class
    tests_off: tuple[OffScheduleEntry, ...]  # held off the schedule, by date
    tests_not_held: tuple[OffScheduleEntry, ...]  # scheduled and not held, by date

    @property
    def overload_classes(self) -> tuple[OverloadClass, ...]:
        """Per class, in the order of the grades."""
        found: dict[int, list[OverloadDay]] = {}
        for day in self.overload:
            found.setdefault(day.class_id, []).append(day)
        lines = [
            OverloadClass(
                days[0].class_id,
                days[0].class_name,
                days[0].limit,
                len(days),
                max(d.total for d in days),
            )
            for days in found.values()
        ]
        grades = {day.class_id: day.grade for day in self.overload}
        return tuple(sorted(lines, key=lambda c: (grades[c.class_id], c.class_name)))


NO_SECTIONS = Sections((), (), ())


async def read_sections_in(
    uow: UnitOfWork, *, control: JournalControl, span: ControlSpan, teacher_id: int | None
) -> Sections:
    """Both sections for the span, inside an open unit of work: the school's, or the part
    of `teacher_id` (the caller, `control_summary`, has checked who reads it)."""
    school = await uow.session.get(School, control.school_id)
    assert school is not None
    loads = await overload_days_in(uow, school, span.start, span.end)
    tests = await off_schedule_in(
        uow,
        school_id=control.school_id,
        today=control.today,
        first=span.start,
        last=span.end,
        names=entry_names(control.names),
    )
    return sections_of(loads, tests, control.names, teacher_id)


def entry_names(names: Names) -> EntryNames:
    return EntryNames(
        classes=names.classes, groups=names.groups, subjects=names.subjects, staff=names.staff
    )


def sections_of(
    loads: Iterable[DayLoad], tests: OffSchedule, names: Names, teacher_id: int | None
) -> Sections:
    """The sections of the school's overload days and tests off schedule, or of one
    teacher's part: the days their homework is part of (and only their share of whose
    they are), their own tests."""
    days = [overload_day(load, names) for load in loads]
    if teacher_id is not None:
        days = [
            replace(day, givers=tuple(g for g in day.givers if g[0] == teacher_id))
            for day in days
            if day.given_by(teacher_id)
        ]

    def mine(entries: Iterable[OffScheduleEntry]) -> tuple[OffScheduleEntry, ...]:
        return tuple(e for e in entries if teacher_id in (None, e.teacher_id))

    return Sections(tuple(days), mine(tests.held_off_schedule), mine(tests.not_held))


def overload_day(load: DayLoad, names: Names) -> OverloadDay:
    givers = {
        (a.teacher_id, Place(load.class_id, a.group_id, a.subject_id)) for a in load.overloading
    }
    return OverloadDay(
        class_id=load.class_id,
        class_name=load.class_name,
        grade=load.grade,
        day=load.day,
        total=load.total,
        limit=load.limit,
        pupils_over=load.pupils_over,
        assignments=tuple(
            OverloadAssignment(
                homework_id=a.homework_id,
                lesson_id=a.lesson_id,
                subject=a.subject,
                group=a.group,
                teacher_id=a.teacher_id,
                teacher=names.staff.get(a.teacher_id, ""),
                minutes=a.minutes,
                set_on=a.set_on,
                individual=a.individual,
            )
            for a in load.assignments
        ),
        givers=tuple(sorted(givers, key=_giver_order)),
    )


def _giver_order(giver: Giver) -> tuple[int, int, int, int]:
    teacher, place = giver
    return (teacher, place.class_id, place.subject_id, place.group_id or 0)


def entry_place(entry: OffScheduleEntry) -> Place:
    """The page of a test's entry."""
    return Place(entry.class_id, entry.group_id, entry.subject_id)
