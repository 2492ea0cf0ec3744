"""The entries a breach report voided on an account, as the administrator reviews them
before restoring any (`core.services.breach_restore`; administrator only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, select

from core.actors import StaffActor
from core.breach_rules import BreachEntry, restore_refusal, voided_row
from core.models import (
    Attendance,
    BreachVoid,
    Homework,
    Lesson,
    Mark,
    Role,
    SchoolClass,
    Staff,
    Student,
    Subject,
)
from core.permissions import load_staff, require_role
from core.rows import get_in_school
from core.uow import UnitOfWork


@dataclass(frozen=True)
class VoidedEntry:
    """One voided entry: what it was, where, for whom, and whether it may come back."""

    void_id: int
    kind: str  # mark | attendance | homework | remark
    day: dt.date | None  # the lesson's date (a remark may have no lesson)
    place: str  # «7Б Математика»; "" for a remark without a lesson
    pupil: str | None  # the pupil's full name; None for homework
    value: str  # a mark's value, an attendance code, the homework's or remark's text
    minutes_late: int | None
    written_at: dt.datetime
    voided_at: dt.datetime
    restored_at: dt.datetime | None
    restored_by: str | None  # «Белов И.А.»
    refusal: str | None  # why it cannot be restored now: a core.errors code


@dataclass(frozen=True)
class BreachVoids:
    """A breached account's voided entries, newest voiding first."""

    staff_id: int
    staff_name: str
    locked: bool
    entries: tuple[VoidedEntry, ...]


async def breach_voids(uow: UnitOfWork, *, actor: StaffActor, staff_id: int) -> BreachVoids:
    """The entries breach reports voided on `staff_id`'s account (administrator only)."""
    async with uow:
        admin = await load_staff(uow, actor)
        require_role(admin, Role.admin)
        target = await get_in_school(uow, Staff, staff_id, admin.school_id, "staff")
        query = (
            select(BreachVoid)
            .where(BreachVoid.school_id == admin.school_id, BreachVoid.staff_id == staff_id)
            .order_by(col(BreachVoid.voided_at).desc(), col(BreachVoid.id))
        )
        voids = list((await uow.session.exec(query)).all())
        entries = [await _entry(uow, void, await voided_row(uow, void)) for void in voids]
        return BreachVoids(
            staff_id=staff_id,
            staff_name=target.short_name,
            locked=target.locked_at is not None,
            entries=tuple(entries),
        )


async def _entry(uow: UnitOfWork, void: BreachVoid, row: BreachEntry) -> VoidedEntry:
    session = uow.session
    lesson = await session.get(Lesson, row.lesson_id) if row.lesson_id else None
    student_id = None if isinstance(row, Homework) else row.student_id
    student = await session.get(Student, student_id) if student_id else None
    klass = await session.get(SchoolClass, lesson.class_id) if lesson else None
    subject = await session.get(Subject, lesson.subject_id) if lesson else None
    restorer = await session.get(Staff, void.restored_by) if void.restored_by else None
    refusal = await restore_refusal(uow, void, row)
    place = " ".join(p for p in (klass.name if klass else "", subject.name if subject else "") if p)
    return VoidedEntry(
        void_id=void.id or 0,
        kind=void.entity,
        day=lesson.date if lesson else None,
        place=place,
        pupil=student.full_name if student else None,
        value=_value(row),
        minutes_late=row.minutes_late if isinstance(row, Attendance) else None,
        written_at=row.created_at,
        voided_at=void.voided_at,
        restored_at=void.restored_at,
        restored_by=restorer.short_name if restorer else None,
        refusal=refusal.code if refusal else None,
    )


def _value(row: BreachEntry) -> str:
    if isinstance(row, Mark):
        return str(row.value)
    if isinstance(row, Attendance):
        return row.status
    return row.text
