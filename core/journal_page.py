"""A journal page: a class (or one of its groups) and a subject, and the days it has.

Shared by the entries that are not written against an existing lesson: a new
lesson and the test schedule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import select

from core.actors import StaffActor
from core.closing import is_correcting, require_open
from core.errors import Forbidden, NotFound, RuleViolation
from core.models import AcademicYear, Group, Holiday, School, SchoolClass, Staff, Subject
from core.permissions import load_staff, teaches
from core.rows import get_in_school
from core.uow import UnitOfWork


@dataclass(frozen=True)
class JournalPage:
    """The journal page an entry goes on: a class (or one of its groups) and a subject."""

    staff: Staff
    school: School
    klass: SchoolClass
    group: Group | None
    subject: Subject

    @property
    def group_id(self) -> int | None:
        return self.group.id if self.group else None

    @property
    def where(self) -> str:
        return f"{self.klass.name} ({self.group.name})" if self.group else self.klass.name


async def load_page(
    uow: UnitOfWork, actor: StaffActor, *, class_id: int, subject_id: int, group_id: int | None
) -> JournalPage:
    """The page, refusing another school's class, subject or a group of another class."""
    staff = await load_staff(uow, actor)
    sid = staff.school_id
    klass = await get_in_school(uow, SchoolClass, class_id, sid, "class")
    subject = await get_in_school(uow, Subject, subject_id, sid, "subject")
    group = None
    if group_id is not None:
        group = await get_in_school(uow, Group, group_id, sid, "group")
        if group.class_id != klass.id:
            raise NotFound(what="group")
    school = await uow.session.get(School, sid)
    assert school is not None
    return JournalPage(staff, school, klass, group, subject)


async def require_page_teacher(uow: UnitOfWork, page: JournalPage) -> None:
    """Seed 002 §2.5.1: a teacher writes only the pages of the classes and groups they teach.

    An administrator's correction of a closed journal passes (`core.closing`).
    """
    if is_correcting(uow, page.staff):
        return
    assigned = await teaches(
        uow,
        page.staff,
        class_id=page.klass.id or 0,
        subject_id=page.subject.id or 0,
        group_id=page.group_id,
    )
    if not assigned:
        raise Forbidden("not_your_class", subject=page.subject.name, klass=page.where)


async def require_school_day(uow: UnitOfWork, page: JournalPage, on: dt.date) -> None:
    """The day lies in the class's academic year, on no holiday (both ends inclusive),
    and its journal is not closed (`core.closing.require_open`).

    Seed 002 §2.2: the administrator sets the year and its holidays up by 5 September.
    """
    year = await uow.session.get(AcademicYear, page.klass.year_id)
    assert year is not None
    if not year.starts_on <= on <= year.ends_on:
        raise RuleViolation("lesson_outside_year", date=on, year=year.name)
    query = select(Holiday).where(
        Holiday.school_id == page.school.id, Holiday.starts_on <= on, Holiday.ends_on >= on
    )
    holiday = (await uow.session.exec(query.limit(1))).first()
    if holiday is not None:
        raise RuleViolation("lesson_on_holiday", date=on, holiday=holiday.name)
    await require_open(uow, page.staff, year_id=page.klass.year_id, on=on)
