"""Which journal pages a staff member may open: their own, and the classes they read.

A teacher's own pages are their teaching assignments (seed 002 §2.5.1). A class
teacher also reads the other subjects of their class, read-only (§2.4.2); the deputy
director and administrators read every class of the school (§2.4.1); a teacher reads
the classes they teach (core's `can_read_class`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.models import (
    AcademicYear,
    Group,
    Role,
    School,
    SchoolClass,
    Staff,
    Subject,
    TeachingAssignment,
)
from core.permissions import has_role, load_staff, require_class_reader
from core.reading.grid import PageRef
from core.rows import get_in_school
from core.uow import UnitOfWork


@dataclass(frozen=True)
class ClassChoice:
    class_id: int
    name: str


@dataclass(frozen=True)
class JournalPages:
    mine: tuple[PageRef, ...]  # the pages the viewer teaches (and writes)
    classes: tuple[ClassChoice, ...]  # the classes whose journal the viewer reads
    chosen: ClassChoice | None  # the class whose pages `readable` lists
    readable: tuple[PageRef, ...]  # the chosen class's pages the viewer does not teach


async def journal_pages(
    uow: UnitOfWork, *, actor: StaffActor, class_id: int | None = None
) -> JournalPages:
    """The viewer's pages this school year, the classes they read, and one class's pages.

    Reads only: pass a reading unit of work.
    """
    async with uow:
        staff = await load_staff(uow, actor)
        school = await uow.session.get(School, staff.school_id)
        assert school is not None
        year_id = await current_year_id(uow, school, uow.now())
        own = await page_assignments(uow, school_id=staff.school_id, teacher_id=staff.id)
        own = [a for a in own if a[0].year_id == year_id]
        classes = await readable_classes(uow, staff, year_id, own)
        chosen = await _chosen_class(uow, staff, classes, class_id)
        readable: list[tuple[SchoolClass, Group | None, Subject]] = []
        if chosen is not None:
            mine = {(k.id, g.id if g else None, s.id) for k, g, s in own}
            found = await page_assignments(uow, school_id=staff.school_id, class_id=chosen.id)
            readable = [
                x for x in found if (x[0].id, x[1].id if x[1] else None, x[2].id) not in mine
            ]
        return JournalPages(
            mine=page_refs(own),
            classes=tuple(ClassChoice(c.id or 0, c.name) for c in classes),
            chosen=ClassChoice(chosen.id or 0, chosen.name) if chosen else None,
            readable=page_refs(readable),
        )


async def current_year_id(uow: UnitOfWork, school: School, now: dt.datetime) -> int | None:
    """The academic year holding the school's today, else the last one begun."""
    today = school_today(school, now)
    query = select(AcademicYear).where(
        AcademicYear.school_id == school.id, AcademicYear.starts_on <= today
    )
    years = sorted((await uow.session.exec(query)).all(), key=lambda y: y.starts_on)
    holding = [y for y in years if today <= y.ends_on]
    chosen = holding[-1] if holding else (years[-1] if years else None)
    return chosen.id if chosen else None


Assignment = tuple[SchoolClass, Group | None, Subject]


async def page_assignments(
    uow: UnitOfWork, *, school_id: int, teacher_id: int | None = None, class_id: int | None = None
) -> list[Assignment]:
    """Distinct (class, group, subject) pages of the school's teaching assignments."""
    query = (
        select(TeachingAssignment, SchoolClass, Subject)
        .join(SchoolClass, col(SchoolClass.id) == TeachingAssignment.class_id)
        .join(Subject, col(Subject.id) == TeachingAssignment.subject_id)
        .where(TeachingAssignment.school_id == school_id)
    )
    if teacher_id is not None:
        query = query.where(TeachingAssignment.teacher_id == teacher_id)
    if class_id is not None:
        query = query.where(TeachingAssignment.class_id == class_id)
    rows = (await uow.session.exec(query)).all()
    groups = await _groups(uow, {a.group_id for a, _, _ in rows})
    found: dict[tuple[int, int | None, int], Assignment] = {}
    for assignment, klass, subject in rows:
        group = groups.get(assignment.group_id or 0)
        found[(klass.id or 0, assignment.group_id, subject.id or 0)] = (klass, group, subject)
    return sorted(found.values(), key=_order)


def _order(item: Assignment) -> tuple[int, str, str, str]:
    klass, group, subject = item
    return (klass.grade, klass.letter, subject.name, group.name if group else "")


async def _groups(uow: UnitOfWork, ids: Iterable[int | None]) -> dict[int, Group]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await uow.session.exec(select(Group).where(col(Group.id).in_(wanted)))
    return {g.id or 0: g for g in rows.all()}


async def readable_classes(
    uow: UnitOfWork, staff: Staff, year_id: int | None, own: list[Assignment]
) -> list[SchoolClass]:
    """The year's classes the viewer reads: every one for the deputy director and
    administrators, else those they lead or teach (`can_read_class`, for many at once)."""
    query = select(SchoolClass).where(SchoolClass.school_id == staff.school_id)
    if year_id is not None:
        query = query.where(SchoolClass.year_id == year_id)
    rows = sorted((await uow.session.exec(query)).all(), key=lambda c: (c.grade, c.letter))
    if has_role(staff, Role.deputy, Role.admin):
        return rows
    taught = {klass.id for klass, _, _ in own}
    return [c for c in rows if c.class_teacher_id == staff.id or c.id in taught]


async def _chosen_class(
    uow: UnitOfWork, staff: Staff, classes: list[SchoolClass], class_id: int | None
) -> SchoolClass | None:
    """The class asked for (refused unless core lets the viewer read it), or the one
    class the viewer leads."""
    if class_id is None:
        led = [c for c in classes if c.class_teacher_id == staff.id]
        return led[0] if len(led) == 1 else None
    klass = await get_in_school(uow, SchoolClass, class_id, staff.school_id, "class")
    await require_class_reader(uow, staff, klass)
    return klass


def page_refs(items: list[Assignment]) -> tuple[PageRef, ...]:
    return tuple(
        PageRef(
            class_id=klass.id or 0,
            class_name=klass.name,
            group_id=group.id if group else None,
            group_name=group.name if group else None,
            subject_id=subject.id or 0,
            subject=subject.name,
        )
        for klass, group, subject in items
    )
