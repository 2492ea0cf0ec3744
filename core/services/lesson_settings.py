"""A lesson's own settings from the journal: its topic and its column's work type.

Families hear of neither, so nothing here records an outbox event of its own; the
marks retyped with a column follow `change_mark`'s rules (history kept, families not
told again when the value stays the same). The lesson page's topic form saves both
at once (`set_topic_and_work_type`): one transaction, so a refused work type leaves
the topic as it was.
"""

from __future__ import annotations

from sqlmodel import select

from core.actors import StaffActor
from core.errors import NotFound
from core.lesson_access import lesson_for_writing
from core.models import Lesson, Mark
from core.permissions import load_staff
from core.reading.grid import DEFAULT_WORK_TYPE
from core.rows import get_in_school, not_deleted
from core.services.lessons import record_lesson_in
from core.services.marks import change_mark_in
from core.uow import UnitOfWork, snapshot, transactional
from core.validation import check_work_type


async def set_lesson_topic_in(
    uow: UnitOfWork, *, actor: StaffActor, lesson_id: int, topic: str
) -> Lesson:
    """Set the topic of a lesson already in the journal (`record_lesson`'s rules)."""
    staff = await load_staff(uow, actor)
    lesson = await get_in_school(uow, Lesson, lesson_id, staff.school_id, "lesson")
    if lesson.deleted_at is not None:
        raise NotFound(what="lesson")
    return await record_lesson_in(
        uow,
        actor=actor,
        class_id=lesson.class_id,
        subject_id=lesson.subject_id,
        group_id=lesson.group_id,
        on=lesson.date,
        slot=lesson.slot,
        topic=topic,
    )


set_lesson_topic = transactional(set_lesson_topic_in)


async def set_lesson_work_type_in(
    uow: UnitOfWork, *, actor: StaffActor, lesson_id: int, work_type: str
) -> Lesson:
    """Set the work a lesson's column is marked for (a test, a dictation...).

    The marks already in the column that had the column's previous work type take
    the new one (and its weight) through `change_mark`, in the same transaction as
    the column: their history is kept, and families are not told again, as the value
    stays the same.
    """
    work_type = check_work_type(work_type)
    ctx = await lesson_for_writing(uow, actor, lesson_id)
    lesson = ctx.lesson
    previous = lesson.work_type or DEFAULT_WORK_TYPE
    if previous == work_type:
        return lesson
    old = snapshot(lesson)
    lesson.work_type = work_type
    lesson.updated_at, lesson.updated_by = uow.now(), ctx.staff.id
    await uow.save(lesson, action="update", actor_id=ctx.staff.id, old=old)
    query = select(Mark.id).where(
        Mark.lesson_id == lesson_id, Mark.work_type == previous, not_deleted(Mark)
    )
    for mark_id in list((await uow.session.exec(query)).all()):
        await change_mark_in(uow, actor=actor, mark_id=mark_id or 0, work_type=work_type)
    return lesson


set_lesson_work_type = transactional(set_lesson_work_type_in)


async def set_topic_and_work_type_in(
    uow: UnitOfWork, *, actor: StaffActor, lesson_id: int, topic: str, work_type: str | None
) -> Lesson:
    """The lesson page's topic form: the topic and, when given, the column's work type.

    One transaction: when either is refused, neither is saved.
    """
    lesson = await set_lesson_topic_in(uow, actor=actor, lesson_id=lesson_id, topic=topic)
    if work_type:
        lesson = await set_lesson_work_type_in(
            uow, actor=actor, lesson_id=lesson_id, work_type=work_type
        )
    return lesson


set_topic_and_work_type = transactional(set_topic_and_work_type_in)
