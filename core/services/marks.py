"""Marks: post, change, delete. History is kept; nothing is hard-deleted."""

from __future__ import annotations

from core.actors import StaffActor
from core.errors import NotFound, RuleViolation
from core.events import MarkChanged, MarkDeleted, MarkPosted
from core.lesson_access import (
    LessonContext,
    lesson_for_writing,
    require_marks_allowed,
    student_of_lesson,
)
from core.limits import check_length
from core.models import Lesson, Mark
from core.policy import weight_of
from core.rows import get_in_school
from core.uow import UnitOfWork, snapshot, transactional
from core.validation import check_work_type

MARK_VALUES = range(2, 6)


def _check_value(value: object) -> int:
    # bool is an int in Python; a tick box must not become a mark of 1.
    if isinstance(value, bool) or not isinstance(value, int) or value not in MARK_VALUES:
        raise RuleViolation("bad_mark_value", value=value)
    return value


async def post_mark_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    lesson_id: int,
    student_id: int,
    value: int,
    work_type: str = "oral",
    comment: str = "",
    weight: float | None = None,
) -> Mark:
    """Give a student a mark (2–5) for a lesson's work; families hear of it."""
    value = _check_value(value)
    work_type = check_work_type(work_type)
    ctx = await lesson_for_writing(uow, actor, lesson_id)
    require_marks_allowed(ctx)
    await student_of_lesson(uow, ctx, student_id)
    return await post_prechecked_mark(
        uow,
        ctx,
        student_id=student_id,
        value=value,
        work_type=work_type,
        comment=comment,
        weight=weight,
    )


async def post_prechecked_mark(
    uow: UnitOfWork,
    ctx: LessonContext,
    *,
    student_id: int,
    value: int,
    work_type: str,
    comment: str = "",
    weight: float | None = None,
) -> Mark:
    """`post_mark_in`'s write, for a caller that made its checks in this unit of work:
    the lesson's (`lesson_for_writing` or `require_writable`), `require_marks_allowed`
    and `student_of_lesson` (the journal grid, which reads them once for a cell)."""
    value = _check_value(value)
    work_type = check_work_type(work_type)
    mark = Mark(
        school_id=ctx.school.id or 0,
        lesson_id=ctx.lesson.id or 0,
        student_id=student_id,
        value=value,
        work_type=work_type,
        weight=weight if weight is not None else weight_of(ctx.policy, work_type),
        comment=check_length("comment", comment.strip()),
        created_at=uow.now(),
        created_by=ctx.staff.id,
    )
    await uow.save(mark, action="create", actor_id=ctx.staff.id)
    uow.record(
        MarkPosted(
            school_id=mark.school_id,
            mark_id=mark.id or 0,
            student_id=student_id,
            lesson=ctx.ref,
            value=mark.value,
            work_type=mark.work_type,
            weight=mark.weight,
            comment=mark.comment,
            version=mark.version,
        )
    )
    return mark


post_mark = transactional(post_mark_in)


async def _mark_for_writing(
    uow: UnitOfWork, actor: StaffActor, mark_id: int
) -> tuple[Mark, Lesson]:
    mark = await get_in_school(uow, Mark, mark_id, actor.school_id, "mark")
    if mark.deleted_at is not None:
        raise RuleViolation("already_deleted")
    lesson = await uow.session.get(Lesson, mark.lesson_id)
    if lesson is None:
        raise NotFound(what="lesson")
    return mark, lesson


async def change_mark_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    mark_id: int,
    value: int | None = None,
    work_type: str | None = None,
    comment: str | None = None,
) -> Mark:
    """Correct a mark; the previous values stay in the audit log."""
    mark, lesson = await _mark_for_writing(uow, actor, mark_id)
    ctx = await lesson_for_writing(uow, actor, lesson.id or 0)
    require_marks_allowed(ctx)
    return await change_prechecked_mark(
        uow, ctx, mark, value=value, work_type=work_type, comment=comment
    )


async def change_prechecked_mark(
    uow: UnitOfWork,
    ctx: LessonContext,
    mark: Mark,
    *,
    value: int | None = None,
    work_type: str | None = None,
    comment: str | None = None,
) -> Mark:
    """`change_mark_in`'s write, for a caller that made its checks in this unit of work:
    `mark` is a live mark of `ctx`'s lesson, which passed `lesson_for_writing` (or
    `require_writable`) and `require_marks_allowed`."""
    old = snapshot(mark)
    old_value = mark.value
    if value is not None:
        mark.value = _check_value(value)
    if work_type is not None:
        mark.work_type = check_work_type(work_type)
        mark.weight = weight_of(ctx.policy, mark.work_type)
    if comment is not None:
        mark.comment = check_length("comment", comment.strip())
    if snapshot(mark) == old:
        # Nothing changed: no history row, no message.
        return mark
    mark.version += 1
    mark.updated_at, mark.updated_by = uow.now(), ctx.staff.id
    await uow.save(mark, action="update", actor_id=ctx.staff.id, old=old)
    uow.record(
        MarkChanged(
            school_id=mark.school_id,
            mark_id=mark.id or 0,
            student_id=mark.student_id,
            lesson=ctx.ref,
            old_value=old_value,
            value=mark.value,
            work_type=mark.work_type,
            comment=mark.comment,
            version=mark.version,
        )
    )
    return mark


change_mark = transactional(change_mark_in)


async def delete_mark_in(uow: UnitOfWork, *, actor: StaffActor, mark_id: int) -> Mark:
    """Withdraw a mark. The row stays, marked deleted, with who and when."""
    mark, lesson = await _mark_for_writing(uow, actor, mark_id)
    ctx = await lesson_for_writing(uow, actor, lesson.id or 0)
    return await delete_prechecked_mark(uow, ctx, mark)


async def delete_prechecked_mark(uow: UnitOfWork, ctx: LessonContext, mark: Mark) -> Mark:
    """`delete_mark_in`'s write, for a caller that made its checks in this unit of work:
    `mark` is a live mark of `ctx`'s lesson, which passed `lesson_for_writing` (or
    `require_writable`)."""
    old = snapshot(mark)
    mark.version += 1
    mark.deleted_at, mark.deleted_by = uow.now(), ctx.staff.id
    await uow.save(mark, action="delete", actor_id=ctx.staff.id, old=old)
    uow.record(
        MarkDeleted(
            school_id=mark.school_id,
            mark_id=mark.id or 0,
            student_id=mark.student_id,
            lesson=ctx.ref,
            old_value=mark.value,
            version=mark.version,
        )
    )
    return mark


delete_mark = transactional(delete_mark_in)
