"""Homework volume: a class's estimated minutes a day against SanPiN's limits.

SanPiN 1.2.3685-21, table 6.6 limits the time homework takes a day by grade (grade 1 —
1 h, 2–3 — 1.5 h, 4–5 — 2 h, 6–8 — 2.5 h, 9–11 — 3.5 h; per school in the policy,
`core.policy.homework_minutes_limit`). Teachers may estimate each assignment's time
(`Homework.minutes`); this module adds the estimates up.

**The day a homework is for** is the evening it is done before: its due date when the
teacher gave one; else the day of its page's next lesson (the class or group and the
subject) after the day it was set — the earlier of the journal's next lesson and the
timetable's next school day with that page, holidays skipped (the rule of
`core.services.next_lesson`, which puts the bot's homework on that lesson); else, with
no lesson left in the year, the day it was set.

**A class's total for a day** is what its most loaded pupil gets: class homework
reaches everyone enrolled on the day it was set, a group's only the group's members
(parallel language subgroups are not added up, an elective counts for those who take
it), individual homework only the pupils named. Homework without an estimate adds
nothing but is listed. Every function reads in a fixed number of queries, whatever
the school's size and the span of days.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from core.actors import StaffActor
from core.errors import Forbidden, NotFound
from core.models import Homework, Lesson, Role, School, SchoolClass
from core.permissions import (
    load_staff,
    require_class_reader,
    require_lesson_writer,
    require_role,
)
from core.policy import homework_minutes_limit, policy_of
from core.reading.homework_targets import (
    LOOKBACK,
    Assignment,
    Facts,
    Item,
    items_between,
    load_facts,
    next_day,
    reached,
)
from core.rows import get_in_school
from core.uow import UnitOfWork


@dataclass(frozen=True)
class DayLoad:
    """A class's homework for one day: the most loaded pupil's total and assignments."""

    class_id: int
    class_name: str  # «7Б»
    grade: int
    day: dt.date
    total: int  # minutes, the most loaded pupil's
    limit: int  # minutes, the school's limit for the grade
    assignments: tuple[Assignment, ...]  # what makes up `total`, by the day it was set
    pupils_over: int = 0  # how many pupils get more than `limit`
    # Every assignment that reaches a pupil over the limit (any of them, not only the
    # most loaded): whose homework makes the overload, for the journal control.
    overloading: tuple[Assignment, ...] = ()

    @property
    def over(self) -> bool:
        return self.total > self.limit


async def homework_overload(
    uow: UnitOfWork, actor: StaffActor, start: dt.date, end: dt.date
) -> list[DayLoad]:
    """The school's days from `start` to `end` on which a class's homework goes over
    the limit for its grade, by day and class; for the deputy director and
    administrators (the journal control dashboard). Reads only: pass a reading unit
    of work."""
    async with uow:
        staff = await load_staff(uow, actor)
        require_role(staff, Role.deputy, Role.admin)
        school = await _school(uow, staff.school_id)
        return await overload_days_in(uow, school, start, end)


async def overload_days_in(
    uow: UnitOfWork, school: School, start: dt.date, end: dt.date
) -> list[DayLoad]:
    """`homework_overload` inside an open unit of work, for a caller that has checked
    who reads the school's days (the journal control's summary)."""
    loads = await day_loads(uow, school, start, end, over_only=True)
    return [load for load in loads if load.over]


async def homework_day_load(uow: UnitOfWork, *, actor: StaffActor, homework_id: int) -> DayLoad:
    """The load of the day a homework is for, in its lesson's class; for the lesson's
    writer (the teacher who just set it, or its substitute) and whoever reads the
    class's journal. Reads only."""
    async with uow:
        staff = await load_staff(uow, actor)
        homework = await get_in_school(uow, Homework, homework_id, staff.school_id, "homework")
        lesson = await get_in_school(uow, Lesson, homework.lesson_id, staff.school_id, "lesson")
        klass = await get_in_school(uow, SchoolClass, lesson.class_id, staff.school_id, "class")
        try:
            await require_lesson_writer(uow, staff, lesson)
        except Forbidden:
            await require_class_reader(uow, staff, klass)
        school = await _school(uow, staff.school_id)
        return await lesson_day_load(uow, school, klass, lesson, homework.due_date)


async def _school(uow: UnitOfWork, school_id: int) -> School:
    school = await uow.session.get(School, school_id)
    if school is None:
        raise NotFound(what="school")
    return school


async def lesson_day_load(
    uow: UnitOfWork, school: School, klass: SchoolClass, lesson: Lesson, due: dt.date | None
) -> DayLoad:
    """The class's load on the day homework set at `lesson` is for: `due` when given,
    else this module's rule (the caller has checked who reads the class)."""
    class_ids = [klass.id or 0]
    facts = await load_facts(uow, school, class_ids, lesson.date, lesson.date + LOOKBACK)
    day = due or await next_day(uow, facts, lesson)
    found = await _day_loads(uow, facts, day, day, class_ids)
    if found:
        return found[0]
    limit = homework_minutes_limit(policy_of(school), klass.grade)
    return DayLoad(klass.id or 0, klass.name, klass.grade, day, 0, limit, ())


async def day_loads(
    uow: UnitOfWork,
    school: School,
    start: dt.date,
    end: dt.date,
    *,
    class_ids: list[int] | None = None,
    over_only: bool = False,
) -> list[DayLoad]:
    """Every class's (or these classes') load on each day from `start` to `end` that
    has homework, by day and class (the caller has checked who reads them); with
    `over_only`, only the days that may go over the limit (the others are not added up
    pupil by pupil)."""
    facts = await load_facts(uow, school, class_ids, start, end)
    return await _day_loads(uow, facts, start, end, class_ids, over_only=over_only)


async def _day_loads(
    uow: UnitOfWork,
    facts: Facts,
    start: dt.date,
    end: dt.date,
    class_ids: list[int] | None,
    *,
    over_only: bool = False,
) -> list[DayLoad]:
    items = await items_between(uow, facts, start, end, class_ids)
    by_day: dict[tuple[dt.date, int], list[Item]] = defaultdict(list)
    for item in items:
        by_day[item.day, item.class_id].append(item)
    policy = policy_of(facts.school)
    loads = []
    for (day, class_id), found in by_day.items():
        klass = facts.classes[class_id]
        limit = homework_minutes_limit(policy, klass.grade)
        if over_only and sum(i.assignment.minutes or 0 for i in found) <= limit:
            continue  # nobody can get more than all of it
        loads.append(_load(facts, klass, day, limit, found))
    return sorted(loads, key=lambda x: (x.day, x.grade, x.class_name))


def _load(facts: Facts, klass: SchoolClass, day: dt.date, limit: int, items: list[Item]) -> DayLoad:
    """The most loaded pupil's total and assignments (all of them if nobody is reached)."""
    per_pupil: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        for pupil in reached(facts, item):
            per_pupil[pupil].append(item)
    totals = {
        pupil: sum(i.assignment.minutes or 0 for i in got) for pupil, got in per_pupil.items()
    }
    if totals:
        heaviest = max(totals, key=lambda p: (totals[p], len(per_pupil[p]), -p))
        chosen, total = per_pupil[heaviest], totals[heaviest]
    else:
        chosen, total = items, 0
    over = {pupil for pupil, minutes in totals.items() if minutes > limit}
    overloading = {i.assignment for pupil in over for i in per_pupil[pupil]}
    return DayLoad(
        klass.id or 0,
        klass.name,
        klass.grade,
        day,
        total,
        limit,
        _in_order(i.assignment for i in chosen),
        len(over),
        _in_order(overloading),
    )


def _in_order(assignments: Iterable[Assignment]) -> tuple[Assignment, ...]:
    return tuple(sorted(assignments, key=lambda a: (a.set_on, a.subject, a.homework_id)))
