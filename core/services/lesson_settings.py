"""A lesson's own settings from the journal: its topic and its column's work type.

Families hear of neither, so nothing here records an outbox event of its own; the
marks retyped with a column follow `change_mark`'s rules (history kept, families not
told again when the value stays the same).
"""

from __future__ import annotations

from sqlmodel import col, select

from core.actors import StaffActor
from core.errors import NotFound
from core.lesson_access import lesson_for_writing
from core.models import Lesson, Mark
from core.permissions import load_staff
from core.reading.access import ReadingUnit
from core.reading.grid import DEFAULT_WORK_TYPE
from core.rows import get_in_school
from core.services.lessons import record_lesson
from core.services.marks import change_mark
from core.uow import UnitOfWork, snapshot
from core.validation import check_work_type


async def set_lesson_topic(
    uow: UnitOfWork, *, actor: StaffActor, lesson_id: int, topic: str
) -> Lesson:
    """Set the topic of a lesson already in the journal (`record_lesson`'s rules)."""
    async with ReadingUnit(uow.db, clock=uow.clock) as reading:
        staff = await load_staff(reading, actor)
        lesson = await get_in_school(reading, Lesson, lesson_id, staff.school_id, "lesson")
        if lesson.deleted_at is not None:
            raise NotFound(what="lesson")
        klass, subject, group = lesson.class_id, lesson.subject_id, lesson.group_id
        on, slot = lesson.date, lesson.slot
    return await record_lesson(
        uow,
        actor=actor,
        class_id=klass,
        subject_id=subject,
        group_id=group,
        on=on,
        slot=slot,
        topic=topic,
    )


async def set_lesson_work_type(
    uow: UnitOfWork, *, actor: StaffActor, lesson_id: int, work_type: str
) -> Lesson:
    """Set the work a lesson's column is marked for (a test, a dictation...).

    The marks already in the column that had the column's previous work type take
    the new one (and its weight) through `change_mark`: their history is kept, and
    families are not told again, as the value stays the same.
    """
    work_type = check_work_type(work_type)
    async with uow:
        ctx = await lesson_for_writing(uow, actor, lesson_id)
        lesson = ctx.lesson
        previous = lesson.work_type or DEFAULT_WORK_TYPE
        if previous == work_type:
            await uow.commit()  # a rollback would expire the row we hand back
            return lesson
        old = snapshot(lesson)
        lesson.work_type = work_type
        lesson.updated_at, lesson.updated_by = uow.now(), ctx.staff.id
        uow.session.add(lesson)
        await uow.session.flush()
        uow.audit(
            lesson, school_id=lesson.school_id, action="update", actor_id=ctx.staff.id, old=old
        )
        query = select(Mark.id).where(
            Mark.lesson_id == lesson_id, Mark.work_type == previous, col(Mark.deleted_at).is_(None)
        )
        retype = list((await uow.session.exec(query)).all())
        await uow.commit()
    for mark_id in retype:
        await change_mark(uow, actor=actor, mark_id=mark_id or 0, work_type=work_type)
    return lesson
