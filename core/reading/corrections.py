"""The corrections made to a class's journal after it was closed.

A closed period or year changes only by an administrator's correction with a written
reason (`core.closing`); the audit log keeps each change with that reason. This
reader finds them for one class: the archive's journal book prints them as
«Corrections after closing», and the closed journal's pages list them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from core.actors import StaffActor
from core.closing import closure_on
from core.models import AuditEntry, Lesson, Period, SchoolClass, Staff, Student, Subject
from core.permissions import load_staff, require_class_reader
from core.rows import get_in_school
from core.uow import UnitOfWork

# The journal's entries a correction can change, by audit entity (table) name.
ENTITIES = ("lesson", "mark", "attendance", "homework", "remark", "period_mark", "scheduled_test")
# Columns that say who and when, not what: left out of the changes shown.
BOOKKEEPING = frozenset(
    {
        "id",
        "school_id",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "deleted_by",
        "version",
        "topic_at",
        "roll_called_by",
        "entered_at",
    }
)


@dataclass(frozen=True)
class FieldChange:
    field: str  # the column: value, status, topic, text, deleted_at...
    old: Any
    new: Any


@dataclass(frozen=True)
class Correction:
    """One corrected entry: where in the journal, what changed, who, when, why."""

    at: dt.datetime  # when the correction was made
    by: str  # the administrator's short name
    reason: str
    entity: str  # one of ENTITIES
    action: str  # create | update | delete
    date: dt.date  # the lesson's day; a period mark: the period's last day
    subject: str
    student: str  # "" for a lesson's own fields or a test
    lesson_id: int | None
    period: str  # a period mark's period, else ""
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class _Where:
    class_id: int
    date: dt.date
    subject_id: int
    student_id: int | None
    lesson_id: int | None
    period: str


async def _where(uow: UnitOfWork, entry: AuditEntry) -> _Where | None:
    """Where the entry's row is in the journal, from its values (after, else before)."""
    row: dict[str, Any] = entry.new or entry.old or {}
    student_id = row.get("student_id")
    if entry.entity == "period_mark":
        period = await uow.session.get(Period, row["period_id"])
        if period is None:
            return None
        return _Where(
            row["class_id"], period.ends_on, row["subject_id"], student_id, None, period.name
        )
    if entry.entity == "scheduled_test":
        return _Where(
            row["class_id"], dt.date.fromisoformat(row["date"]), row["subject_id"], None, None, ""
        )
    lesson_id = entry.entity_id if entry.entity == "lesson" else row.get("lesson_id")
    if lesson_id is None:
        return None  # a remark written without a lesson
    lesson = await uow.session.get(Lesson, lesson_id)
    if lesson is None:
        return None
    return _Where(lesson.class_id, lesson.date, lesson.subject_id, student_id, lesson_id, "")


def _changes(entry: AuditEntry) -> tuple[FieldChange, ...]:
    old, new = entry.old or {}, entry.new or {}
    names = [n for n in (new or old) if n not in BOOKKEEPING and not n.endswith("_id")]
    return tuple(
        FieldChange(n, old.get(n), new.get(n))
        for n in names
        if entry.action != "update" or old.get(n) != new.get(n)
    )


async def class_corrections(
    uow: UnitOfWork, *, actor: StaffActor, class_id: int
) -> list[Correction]:
    """The corrections made to the class's journal after its period or year was closed,
    oldest first. Read by whoever reads the class's journal."""
    async with uow:
        staff = await load_staff(uow, actor)
        klass = await get_in_school(uow, SchoolClass, class_id, staff.school_id, "class")
        await require_class_reader(uow, staff, klass)
        query = (
            select(AuditEntry)
            .where(
                AuditEntry.school_id == staff.school_id,
                col(AuditEntry.reason).is_not(None),
                col(AuditEntry.entity).in_(ENTITIES),
            )
            .order_by(col(AuditEntry.seq))
        )
        found = []
        for entry in (await uow.session.exec(query)).all():
            correction = await _correction(uow, klass, entry)
            if correction is not None:
                found.append(correction)
        return found


async def _correction(uow: UnitOfWork, klass: SchoolClass, entry: AuditEntry) -> Correction | None:
    where = await _where(uow, entry)
    if where is None or where.class_id != klass.id:
        return None
    closed = await closure_on(uow, year_id=klass.year_id, on=where.date)
    if closed is None or closed.closed_at > entry.at:
        return None  # a reasoned change before closing (a restored entry) is no correction
    subject = await uow.session.get(Subject, where.subject_id)
    student = await uow.session.get(Student, where.student_id) if where.student_id else None
    by = await uow.session.get(Staff, entry.actor_id) if entry.actor_id else None
    return Correction(
        at=entry.at,
        by=by.short_name if by else "",
        reason=entry.reason or "",
        entity=entry.entity,
        action=entry.action,
        date=where.date,
        subject=subject.name if subject else "",
        student=student.full_name if student else "",
        lesson_id=where.lesson_id,
        period=where.period,
        changes=_changes(entry),
    )
