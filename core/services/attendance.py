"""Attendance: «н» absent, «б» ill, «оп» late. One row per pupil and lesson.

Stored as the codes `absent`, `ill`, `late` (`AttendanceStatus`); a teacher may give
either the code or the journal's letter (`TYPED_ATTENDANCE`).

Seed 002 §2.5.2: attendance is marked every lesson. It is exactly what electives get
(§2.5.7) and grade 1 keeps it like any class (§2.6), so the marks rules do not apply.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from core.actors import StaffActor
from core.errors import RuleViolation
from core.events import AttendanceMarked
from core.lesson_access import LessonContext, lesson_for_writing, student_of_lesson
from core.models import ATTENDANCE_LETTERS, Attendance, AttendanceStatus
from core.uow import UnitOfWork, snapshot, transactional

# A lesson lasts 45 minutes: a pupil who missed all of it is absent («н»), not late.
MAX_MINUTES_LATE = 45

# What a teacher may type for attendance: the code, the journal's letter, or the same
# letters in Latin for a keyboard left in the English layout.
TYPED_ATTENDANCE: dict[str, AttendanceStatus] = {
    **{status.value: status for status in AttendanceStatus},
    **{letter: status for status, letter in ATTENDANCE_LETTERS.items()},
    "n": AttendanceStatus.absent,
    "b": AttendanceStatus.ill,
    "op": AttendanceStatus.late,
}


def _check_status(status: object) -> str | None:
    if status is None:
        return None
    value = status.strip().lower() if isinstance(status, str) else status
    if not isinstance(value, str) or value not in TYPED_ATTENDANCE:
        raise RuleViolation("bad_attendance", value=status)
    return TYPED_ATTENDANCE[value].value


def _check_minutes(status: str | None, minutes_late: object) -> int | None:
    if minutes_late is None:
        return None
    if (
        status != AttendanceStatus.late
        or isinstance(minutes_late, bool)
        or not isinstance(minutes_late, int)
        or not 1 <= minutes_late <= MAX_MINUTES_LATE
    ):
        raise RuleViolation("bad_minutes_late", limit=MAX_MINUTES_LATE)
    return minutes_late


async def _existing(uow: UnitOfWork, lesson_id: int, student_id: int) -> Attendance | None:
    query = select(Attendance).where(
        Attendance.lesson_id == lesson_id, Attendance.student_id == student_id
    )
    return (await uow.session.exec(query)).first()


def _apply(
    uow: UnitOfWork,
    ctx: LessonContext,
    row: Attendance | None,
    *,
    student_id: int,
    status: str | None,
    minutes_late: int | None,
) -> tuple[Attendance, str, dict[str, Any] | None]:
    """The row after the change, the audit action and the values before."""
    now, by = uow.now(), ctx.staff.id
    if row is None:
        assert status is not None
        created = Attendance(
            school_id=ctx.school.id or 0,
            lesson_id=ctx.lesson.id or 0,
            student_id=student_id,
            status=status,
            minutes_late=minutes_late,
            created_at=now,
            created_by=by,
        )
        return created, "create", None
    old = snapshot(row)
    if status is None:
        # The last status stays on the row: the history shows what was cleared.
        row.deleted_at, row.deleted_by = now, by
        return row, "delete", old
    # (lesson, pupil) is unique, so a cleared mark comes back on the same row.
    row.status, row.minutes_late = status, minutes_late
    row.deleted_at = row.deleted_by = None
    row.updated_at, row.updated_by = now, by
    return row, "update", old


async def mark_attendance_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    lesson_id: int,
    student_id: int,
    status: str | None,
    minutes_late: int | None = None,
) -> Attendance | None:
    """Mark a pupil absent, ill or late at a lesson, or clear the mark (`status` None).

    Families hear of every change; re-saving the same mark changes nothing and
    writes neither history nor a message. Returns None when the mark was cleared.
    """
    status = _check_status(status)
    minutes_late = _check_minutes(status, minutes_late)
    ctx = await lesson_for_writing(uow, actor, lesson_id)
    await student_of_lesson(uow, ctx, student_id)
    row = await _existing(uow, lesson_id, student_id)
    return await mark_prechecked_attendance(
        uow, ctx, row, student_id=student_id, status=status, minutes_late=minutes_late
    )


async def mark_prechecked_attendance(
    uow: UnitOfWork,
    ctx: LessonContext,
    row: Attendance | None,
    *,
    student_id: int,
    status: str | None,
    minutes_late: int | None = None,
) -> Attendance | None:
    """`mark_attendance_in`'s write, for a caller that made its checks in this unit of
    work (`lesson_for_writing` or `require_writable`, `student_of_lesson`) and read the
    pupil's attendance row at the lesson, withdrawn or not (`row`: None if none)."""
    status = _check_status(status)
    minutes_late = _check_minutes(status, minutes_late)
    live = row if row is not None and row.deleted_at is None else None
    before = (live.status, live.minutes_late) if live else (None, None)
    if before == (status, minutes_late):
        return live  # nothing changed: no history row, no message
    row, action, old = _apply(
        uow, ctx, row, student_id=student_id, status=status, minutes_late=minutes_late
    )
    await uow.save(row, action=action, actor_id=ctx.staff.id, old=old)
    uow.record(
        AttendanceMarked(
            school_id=row.school_id,
            attendance_id=row.id or 0,
            student_id=student_id,
            lesson=ctx.ref,
            status=status,
            old_status=before[0],
            minutes_late=minutes_late,
        )
    )
    return row if status is not None else None


mark_attendance = transactional(mark_attendance_in)
