"""The roll call: the teacher records that attendance was taken at a lesson.

Seed 002 §2.5.2: attendance is marked every lesson. Absences and lateness are rows
(`core.services.attendance`); a lesson everyone attended has none, so the roll call
is recorded on the lesson itself, and "Today" stops listing attendance as missing.
Families hear nothing of it: no outbox event. The change is audited.
"""

from __future__ import annotations

from core.actors import StaffActor
from core.lesson_access import LessonContext, lesson_for_writing
from core.models import Lesson
from core.uow import UnitOfWork, snapshot, transactional


async def record_roll_call_in(uow: UnitOfWork, *, actor: StaffActor, lesson_id: int) -> Lesson:
    """Record that attendance was taken (by the lesson's teacher or its substitute).

    Recording it again keeps the first time: the journal shows when the roll was
    actually called.
    """
    return await record_prechecked_roll_call(uow, await lesson_for_writing(uow, actor, lesson_id))


async def record_prechecked_roll_call(uow: UnitOfWork, ctx: LessonContext) -> Lesson:
    """`record_roll_call_in`'s write, for a caller whose lesson passed
    `lesson_for_writing` (or `require_writable`) in this unit of work."""
    lesson = ctx.lesson
    if lesson.roll_called_at is None:
        old = snapshot(lesson)
        lesson.roll_called_at, lesson.roll_called_by = uow.now(), ctx.staff.id
        await uow.save(lesson, action="update", actor_id=ctx.staff.id, old=old)
    return lesson


record_roll_call = transactional(record_roll_call_in)
