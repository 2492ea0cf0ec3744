"""Voiding a breached account's journal entries (seed 002 §4.4, seed 003 §4.4).

Every operation made with the account since the head of the school learned of the
breach is invalid. Entries are soft-deleted like any withdrawn entry (the row and
its history stay), each in the audit log, and families are told through the same
events as an ordinary deletion, so a mark they were sent is withdrawn for them too.
Each voided entry is listed (`BreachVoid`) for the administrator, who may restore a
wrongly voided one (`core.services.breach_restore`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlmodel import col, select

from core.breach_rules import EntryCounts, entries_since
from core.events import AttendanceMarked, HomeworkChanged, LessonRef, MarkDeleted
from core.lesson_access import lesson_context
from core.models import (
    Attendance,
    BreachVoid,
    Homework,
    HomeworkStudent,
    Lesson,
    Mark,
    Remark,
    Staff,
)
from core.uow import UnitOfWork, snapshot

Entry = TypeVar("Entry", Mark, Attendance, Homework, Remark)


class _Voider:
    """One breach report's voiding pass: who voids, and lesson refs read once each."""

    def __init__(self, uow: UnitOfWork, author: Staff, by: Staff) -> None:
        self.uow = uow
        self.author = author
        self.by = by
        self._refs: dict[int, LessonRef] = {}

    async def created_since(
        self, model: type[Entry], author: Staff, since: datetime
    ) -> list[Entry]:
        query = select(model).where(*entries_since(model, author, since)).order_by(col(model.id))
        return list((await self.uow.session.exec(query)).all())

    def soft_delete(self, row: Entry) -> None:
        old = snapshot(row)
        row.deleted_at, row.deleted_by = self.uow.now(), self.by.id
        if isinstance(row, Mark | Homework):
            row.version += 1  # delivery tells a withdrawn value from the one it sent
        self.uow.session.add(row)
        self.uow.audit(row, school_id=row.school_id, action="delete", actor_id=self.by.id, old=old)
        # Listed for the administrator, who may restore it (core.services.breach_restore).
        voided = BreachVoid(
            school_id=row.school_id,
            staff_id=self.author.id or 0,
            entity=str(row.__tablename__),
            entity_id=row.id or 0,
            voided_at=self.uow.now(),
            voided_by=self.by.id or 0,
        )
        self.uow.session.add(voided)

    async def ref(self, lesson_id: int) -> LessonRef:
        if lesson_id not in self._refs:
            lesson = await self.uow.session.get(Lesson, lesson_id)
            assert lesson is not None  # a foreign key
            self._refs[lesson_id] = (await lesson_context(self.uow, lesson, self.by)).ref
        return self._refs[lesson_id]


async def void_entries_since(
    uow: UnitOfWork, *, author: Staff, by: Staff, since: datetime
) -> EntryCounts:
    """Soft-delete the marks, attendance, homework and remarks `author` created at or
    after `since`, in the caller's transaction; returns how many of each were voided."""
    voider = _Voider(uow, author, by)
    return EntryCounts(
        marks=await _void_marks(voider, author, since),
        attendance=await _void_attendance(voider, author, since),
        homework=await _void_homework(voider, author, since),
        remarks=await _void_remarks(voider, author, since),
    )


async def _void_marks(voider: _Voider, author: Staff, since: datetime) -> int:
    marks = await voider.created_since(Mark, author, since)
    for mark in marks:
        voider.soft_delete(mark)
        voider.uow.record(
            MarkDeleted(
                school_id=mark.school_id,
                mark_id=mark.id or 0,
                student_id=mark.student_id,
                lesson=await voider.ref(mark.lesson_id),
                old_value=mark.value,
                version=mark.version,
            )
        )
    return len(marks)


async def _void_attendance(voider: _Voider, author: Staff, since: datetime) -> int:
    entries = await voider.created_since(Attendance, author, since)
    for entry in entries:
        voider.soft_delete(entry)
        voider.uow.record(
            AttendanceMarked(
                school_id=entry.school_id,
                attendance_id=entry.id or 0,
                student_id=entry.student_id,
                lesson=await voider.ref(entry.lesson_id),
                status=None,
                old_status=entry.status,
            )
        )
    return len(entries)


async def _void_homework(voider: _Voider, author: Staff, since: datetime) -> int:
    tasks = await voider.created_since(Homework, author, since)
    for task in tasks:
        voider.soft_delete(task)
        query = (
            select(HomeworkStudent.student_id)
            .where(HomeworkStudent.homework_id == task.id)
            .order_by(col(HomeworkStudent.student_id))
        )
        voider.uow.record(
            HomeworkChanged(
                school_id=task.school_id,
                homework_id=task.id or 0,
                lesson=await voider.ref(task.lesson_id),
                old_text=task.text,
                text=task.text,
                due_date=task.due_date,
                student_ids=tuple((await voider.uow.session.exec(query)).all()),
                deleted=True,
            )
        )
    return len(tasks)


async def _void_remarks(voider: _Voider, author: Staff, since: datetime) -> int:
    # events.py has no "remark withdrawn" fact: a voided remark is withdrawn in the
    # journal only, families who were sent it are not told.
    remarks = await voider.created_since(Remark, author, since)
    for remark in remarks:
        voider.soft_delete(remark)
    return len(remarks)
