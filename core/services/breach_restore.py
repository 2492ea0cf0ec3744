"""Restoring entries a breach report voided (issue 11: a wrongly reported breach must
not wipe a teacher's term irreversibly).

The administrator chooses voided entries (`core.reading.breach_voids` lists them) and
writes why. Each is un-deleted, in the audit log with that reason; families hear of
it as of any correction, through the same events the journal's services record: a
mark they were told was withdrawn comes back to them as the mark, an absence as the
absence, homework as the homework. A remark's voiding was not told, nor is its return.
All or nothing: one refused entry (`core.breach_rules.restore_refusal`) refuses the call.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select

from core.actors import StaffActor
from core.breach_rules import BreachEntry, restore_refusal, voided_row
from core.errors import RuleViolation
from core.events import AttendanceMarked, HomeworkChanged, MarkPosted
from core.lesson_access import lesson_context
from core.limits import check_length
from core.models import (
    Attendance,
    BreachVoid,
    Homework,
    HomeworkStudent,
    Lesson,
    Mark,
    Remark,
    Role,
    Staff,
)
from core.permissions import load_staff, require_role
from core.rows import get_in_school
from core.uow import UnitOfWork, snapshot, transactional


async def restore_voided_in(
    uow: UnitOfWork, *, actor: StaffActor, void_ids: Sequence[int], reason: str
) -> int:
    """Restore the voided entries `void_ids` (`BreachVoid` ids) with the written
    `reason` (administrator only); how many were restored."""
    admin = await load_staff(uow, actor)
    require_role(admin, Role.admin)
    reason = check_length("reason", reason.strip())
    if not reason:
        raise RuleViolation("restore_reason_required")
    chosen = list(dict.fromkeys(void_ids))
    if not chosen:
        raise RuleViolation("restore_nothing_chosen")
    for void_id in chosen:
        void = await get_in_school(uow, BreachVoid, void_id, admin.school_id, "voided_entry")
        row = await voided_row(uow, void)
        refusal = await restore_refusal(uow, void, row)
        if refusal is not None:
            raise refusal
        await _restore(uow, admin, void, row, reason)
    return len(chosen)


restore_voided = transactional(restore_voided_in)


async def _restore(
    uow: UnitOfWork, admin: Staff, void: BreachVoid, row: BreachEntry, reason: str
) -> None:
    now = uow.now()
    old = snapshot(row)
    row.deleted_at, row.deleted_by = None, None
    row.updated_at, row.updated_by = now, admin.id
    if isinstance(row, Mark | Homework):
        row.version += 1  # delivery tells the restored value from the withdrawal it sent
    await uow.save(row, action="update", actor_id=admin.id, old=old, reason=reason)
    void.restored_at, void.restored_by = now, admin.id
    uow.session.add(void)
    if not isinstance(row, Remark):
        await _tell_families(uow, admin, row)


async def _tell_families(uow: UnitOfWork, admin: Staff, row: Mark | Attendance | Homework) -> None:
    lesson = await uow.session.get(Lesson, row.lesson_id)
    assert lesson is not None  # a foreign key
    ref = (await lesson_context(uow, lesson, admin)).ref
    if isinstance(row, Mark):
        uow.record(
            MarkPosted(
                school_id=row.school_id,
                mark_id=row.id or 0,
                student_id=row.student_id,
                lesson=ref,
                value=row.value,
                work_type=row.work_type,
                weight=row.weight,
                comment=row.comment,
                version=row.version,
            )
        )
    elif isinstance(row, Attendance):
        uow.record(
            AttendanceMarked(
                school_id=row.school_id,
                attendance_id=row.id or 0,
                student_id=row.student_id,
                lesson=ref,
                status=row.status,
                old_status=None,
                minutes_late=row.minutes_late,
            )
        )
    else:
        query = (
            select(HomeworkStudent.student_id)
            .where(HomeworkStudent.homework_id == row.id)
            .order_by(col(HomeworkStudent.student_id))
        )
        uow.record(
            HomeworkChanged(
                school_id=row.school_id,
                homework_id=row.id or 0,
                lesson=ref,
                old_text="",
                text=row.text,
                due_date=row.due_date,
                student_ids=tuple((await uow.session.exec(query)).all()),
            )
        )
