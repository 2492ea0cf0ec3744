"""The items behind the figures of the dashboard's two sections of their own: the
homework overload days (`control_overload`) and the tests off the schedule
(`control_tests`: held off it, or scheduled and not held).

They read the sections as `core.reading.control_summary` does
(`core.reading.control_sections`), for the same span (`SpanAsked`), and narrow them by
the dashboard's filter (`core.reading.control_items.Filter`): a teacher — the days
their homework is part of, their tests —, a class, a class's page. So a list holds
what its number counted. The deputy director and the administrator read the school's;
a teacher their own part only (another's is refused). A fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.errors import Forbidden
from core.models import Group, Role, School, SchoolClass, Staff, Subject
from core.permissions import has_role, load_staff
from core.reading.control import Names
from core.reading.control_items import Filter
from core.reading.control_sections import (
    OverloadDay,
    entry_names,
    entry_place,
    overload_day,
)
from core.reading.control_span import ControlSpan, SpanAsked, resolve_span_in
from core.reading.homework_load import overload_days_in
from core.reading.test_matching import OffScheduleEntry, off_schedule_in
from core.uow import UnitOfWork


class ScheduleList(StrEnum):
    off_schedule = "off_schedule"  # lessons of written work with no test scheduled
    not_held = "not_held"  # scheduled tests whose day passed without one


T = TypeVar("T")
NO_FILTER = Filter()  # the whole part the reader sees


@dataclass(frozen=True)
class SectionList(Generic[T]):
    span: ControlSpan
    now: dt.datetime
    whole_school: bool  # the reader sees the school's (the administration); else their own
    names: Names  # to say whose the list is (`Filter.words`)
    items: tuple[T, ...]

    @property
    def total(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class _Opened:
    span: ControlSpan
    school: School
    whole_school: bool
    teacher_id: int | None  # whose part: the filter's, or a teacher's own
    names: Names


async def control_overload(
    uow: UnitOfWork, *, actor: StaffActor, asked: SpanAsked, where: Filter = NO_FILTER
) -> SectionList[OverloadDay]:
    """The days of the span a class's homework went over the limit, narrowed by `where`:
    a teacher's (or a page's) are those their homework is part of. Reads only."""
    async with uow:
        opened = await _open(uow, actor, asked, where)
        span = opened.span
        loads = await overload_days_in(uow, opened.school, span.start, span.end)
        days = [overload_day(load, opened.names) for load in loads]
    items = tuple(day for day in days if _takes_day(day, where, opened.teacher_id))
    return SectionList(span, uow.now(), opened.whole_school, opened.names, items)


async def control_tests(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    asked: SpanAsked,
    what: ScheduleList,
    where: Filter = NO_FILTER,
) -> SectionList[OffScheduleEntry]:
    """The tests of the span held off the schedule, or scheduled and not held, narrowed
    by `where`. Reads only."""
    async with uow:
        opened = await _open(uow, actor, asked, where)
        span, school = opened.span, opened.school
        found = await off_schedule_in(
            uow,
            school_id=school.id or 0,
            today=school_today(school, uow.now()),
            first=span.start,
            last=span.end,
            names=entry_names(opened.names),
        )
    entries = found.held_off_schedule if what == ScheduleList.off_schedule else found.not_held
    items = tuple(
        e
        for e in entries
        if where.takes(entry_place(e)) and opened.teacher_id in (None, e.teacher_id)
    )
    return SectionList(span, uow.now(), opened.whole_school, opened.names, items)


def _takes_day(day: OverloadDay, where: Filter, teacher_id: int | None) -> bool:
    if where.class_id is not None and day.class_id != where.class_id:
        return False
    return any(where.takes(place) and teacher_id in (None, t) for t, place in day.givers)


async def _open(uow: UnitOfWork, actor: StaffActor, asked: SpanAsked, where: Filter) -> _Opened:
    """The span, and whose part: the administration's choice, a teacher's own only."""
    span = await resolve_span_in(uow, actor, asked)  # refuses who reads no control
    staff = await load_staff(uow, actor)
    overseer = has_role(staff, Role.deputy, Role.admin)
    if not overseer and where.teacher_id not in (None, staff.id):
        raise Forbidden("control_own_part_only")
    school = await uow.session.get(School, staff.school_id)
    assert school is not None
    teacher_id = where.teacher_id if overseer else staff.id
    names = await _names(uow, staff.school_id)
    return _Opened(span, school, overseer, teacher_id, names)


async def _names(uow: UnitOfWork, school_id: int) -> Names:
    classes = await uow.session.exec(
        select(SchoolClass.id, SchoolClass.grade, SchoolClass.letter).where(
            SchoolClass.school_id == school_id
        )
    )
    groups = await uow.session.exec(
        select(Group.id, Group.name).where(Group.school_id == school_id)
    )
    subjects = await uow.session.exec(
        select(Subject.id, Subject.name).where(Subject.school_id == school_id)
    )
    staff = await uow.session.exec(select(Staff).where(col(Staff.school_id) == school_id))
    return Names(
        classes={cid or 0: f"{grade}{letter}" for cid, grade, letter in classes.all()},
        groups={gid or 0: name for gid, name in groups.all()},
        subjects={sid or 0: name for sid, name in subjects.all()},
        staff={row.id or 0: row.short_name for row in staff.all()},
    )
