"""Homework for a lesson: for the class (or group), or for named pupils only.

Seed 002 §2.5.9 and seed 003 §2.7: homework goes in during the lesson or soon after
(`core.policy.homework_deadline` tells what is late; nothing is refused for it).
The teacher may estimate the time it takes (`minutes`, 1 to 600): a class's total a
day is read against SanPiN's limits by `core.reading.homework_load`.
When the journal is down the teacher broadcasts the homework through the bot, and
it is entered here later with source "fallback" and the original time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.closing import require_open
from core.errors import RuleViolation
from core.events import HomeworkChanged, HomeworkSet
from core.journal_page import JournalPage, load_page, require_page_teacher
from core.lesson_access import (
    LessonContext,
    lesson_context,
    lesson_for_writing,
    student_of_lesson,
    substitution_note,
)
from core.limits import check_length
from core.models import Homework, HomeworkStudent
from core.models.journal import HOMEWORK_MINUTES_MAX
from core.permissions import require_lesson_writer
from core.rows import get_in_school
from core.services.next_lesson import next_lesson
from core.uow import UnitOfWork, snapshot, transactional
from core.validation import require_text

SOURCES = ("journal", "fallback")


def substitution_line(ctx: LessonContext) -> str | None:
    """Seed 002 §2.5.10: «Замена. Фамилия И.О.» when the lesson's substitute writes."""
    if ctx.lesson.substitute_id is None or ctx.staff.id != ctx.lesson.substitute_id:
        return None
    return substitution_note(ctx.staff.short_name)


def _homework_text(ctx: LessonContext, text: str) -> str:
    text = check_length("homework", require_text(text))
    line = substitution_line(ctx)
    # Once only: a substitute editing their own homework must not stack the line.
    if line is None or line in (part.strip() for part in text.splitlines()):
        return text
    return f"{text}\n{line}"


def _check_due(ctx: LessonContext, due_date: dt.date | None) -> None:
    if due_date is not None and due_date < ctx.lesson.date:
        raise RuleViolation("homework_due_before_lesson", due=due_date, date=ctx.lesson.date)


def _check_minutes(minutes: object) -> int | None:
    """The teacher's estimate: whole minutes, 1 to HOMEWORK_MINUTES_MAX, or none."""
    if minutes is None:
        return None
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not 1 <= minutes <= HOMEWORK_MINUTES_MAX
    ):
        raise RuleViolation("bad_homework_minutes", value=str(minutes), limit=HOMEWORK_MINUTES_MAX)
    return minutes


def _check_entry(source: str, entered_at: dt.datetime | None) -> None:
    if source not in SOURCES:
        raise RuleViolation("bad_value", reason="homework_source", value=source)
    if entered_at is not None and entered_at.tzinfo is None:
        raise RuleViolation("bad_value", reason="naive_entry_time")


async def _students_of(uow: UnitOfWork, homework: Homework) -> tuple[int, ...]:
    query = select(HomeworkStudent.student_id).where(HomeworkStudent.homework_id == homework.id)
    return tuple(sorted((await uow.session.exec(query.order_by(col(HomeworkStudent.id)))).all()))


async def set_homework_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    lesson_id: int,
    text: str,
    due_date: dt.date | None = None,
    student_ids: Iterable[int] = (),
    source: str = "journal",
    entered_at: dt.datetime | None = None,
    minutes: int | None = None,
) -> Homework:
    """Set homework for a lesson; with `student_ids`, for those pupils only; with
    `minutes`, the teacher's estimate of the time it takes (1 to 600).

    Allowed in grade 1 and electives alike (seed 002 §2.6, §2.5.7 restrict marks only),
    and in a subject that owes none (`Subject.homework` false): a teacher may still give some.
    """
    _check_entry(source, entered_at)
    minutes = _check_minutes(minutes)
    ctx = await lesson_for_writing(uow, actor, lesson_id)
    text = _homework_text(ctx, text)
    _check_due(ctx, due_date)
    students = tuple(sorted(set(student_ids)))
    for student_id in students:
        await student_of_lesson(uow, ctx, student_id)
    homework = Homework(
        school_id=ctx.school.id or 0,
        lesson_id=lesson_id,
        text=text,
        due_date=due_date,
        source=source,
        entered_at=entered_at or uow.now(),
        minutes=minutes,
        created_at=uow.now(),
        created_by=ctx.staff.id,
    )
    await uow.save(homework, action="create", actor_id=ctx.staff.id)
    uow.session.add_all(
        HomeworkStudent(school_id=homework.school_id, homework_id=homework.id or 0, student_id=s)
        for s in students
    )
    uow.record(
        HomeworkSet(
            school_id=homework.school_id,
            homework_id=homework.id or 0,
            lesson=ctx.ref,
            text=homework.text,
            due_date=homework.due_date,
            student_ids=students,
            source=homework.source,
        )
    )
    return homework


set_homework = transactional(set_homework_in)


async def _homework_for_writing(
    uow: UnitOfWork, actor: StaffActor, homework_id: int
) -> tuple[Homework, LessonContext]:
    homework = await get_in_school(uow, Homework, homework_id, actor.school_id, "homework")
    if homework.deleted_at is not None:
        raise RuleViolation("already_deleted")
    return homework, await lesson_for_writing(uow, actor, homework.lesson_id)


async def _record_change(
    uow: UnitOfWork, ctx: LessonContext, homework: Homework, old: dict[str, object]
) -> None:
    """Keep the values before, and tell families once what the homework is now.

    A new estimate of its time alone is kept but not sent: the task is the same."""
    deleted = homework.deleted_at is not None
    action = "delete" if deleted else "update"
    await uow.save(homework, action=action, actor_id=ctx.staff.id, old=old)
    now = snapshot(homework)
    if all(old[name] == now[name] for name in ("text", "due_date", "deleted_at")):
        return
    uow.record(
        HomeworkChanged(
            school_id=homework.school_id,
            homework_id=homework.id or 0,
            lesson=ctx.ref,
            old_text=str(old["text"]),
            text="" if deleted else homework.text,
            due_date=homework.due_date,
            student_ids=await _students_of(uow, homework),
            deleted=deleted,
        )
    )


async def change_homework_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    homework_id: int,
    text: str | None = None,
    due_date: dt.date | None = None,
    minutes: int | None = None,
    clear_minutes: bool = False,
) -> Homework:
    """Correct the text, the due date or the estimate of its time (`minutes`; with
    `clear_minutes`, no estimate); the previous values stay in the audit log."""
    homework, ctx = await _homework_for_writing(uow, actor, homework_id)
    old = snapshot(homework)
    if text is not None:
        homework.text = _homework_text(ctx, text)
    if due_date is not None:
        _check_due(ctx, due_date)
        homework.due_date = due_date
    if clear_minutes:
        homework.minutes = None
    elif minutes is not None:
        homework.minutes = _check_minutes(minutes)
    if snapshot(homework) == old:
        return homework  # nothing changed: no history row, no message
    homework.version += 1
    homework.updated_at, homework.updated_by = uow.now(), ctx.staff.id
    await _record_change(uow, ctx, homework, old)
    return homework


change_homework = transactional(change_homework_in)


async def delete_homework_in(uow: UnitOfWork, *, actor: StaffActor, homework_id: int) -> Homework:
    """Withdraw homework. The row stays, marked deleted, with who and when."""
    homework, ctx = await _homework_for_writing(uow, actor, homework_id)
    old = snapshot(homework)
    homework.version += 1
    homework.deleted_at, homework.deleted_by = uow.now(), ctx.staff.id
    await _record_change(uow, ctx, homework, old)
    return homework


delete_homework = transactional(delete_homework_in)


# --- homework given through the bot (/hw), and its fallback entries ----------------------


async def _written_entry(uow: UnitOfWork, fallback_key: str) -> Homework | None:
    query = select(Homework).where(Homework.fallback_key == fallback_key)
    return (await uow.session.exec(query)).first()


async def _lesson_of_page(uow: UnitOfWork, page: JournalPage, on: dt.date) -> LessonContext:
    lesson = await next_lesson(uow, page, on)
    if lesson is None:
        raise RuleViolation("no_next_lesson", subject=page.subject.name, klass=page.where, date=on)
    await require_lesson_writer(uow, page.staff, lesson)
    await require_open(uow, page.staff, year_id=page.klass.year_id, on=lesson.date)
    return await lesson_context(uow, lesson, page.staff)


async def set_homework_for_next_lesson_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    class_id: int,
    subject_id: int,
    text: str,
    group_id: int | None = None,
    entered_at: dt.datetime | None = None,
    fallback_key: str | None = None,
    notified_guardian_ids: Iterable[int] = (),
) -> Homework:
    """Homework for a class (or group) and subject, as a teacher gives it through the bot.

    It goes on the page's next lesson: the first on the school's date of `entered_at`
    (now by default) or later, in the journal or in the timetable (the timetable's is
    then put in the journal, `core.services.next_lesson`). With `fallback_key` it is an
    entry the bot broadcast while the journal was down: source "fallback",
    `entered_at` its original time, written at most once per key (a repeat returns the
    row written first), and the guardians the broadcast reached
    (`notified_guardian_ids`) are not notified again.
    """
    source = "journal" if fallback_key is None else "fallback"
    _check_entry(source, entered_at)
    written = await _written_entry(uow, fallback_key) if fallback_key else None
    if written is not None:
        return written
    page = await load_page(uow, actor, class_id=class_id, subject_id=subject_id, group_id=group_id)
    await require_page_teacher(uow, page)
    ctx = await _lesson_of_page(uow, page, school_today(page.school, entered_at or uow.now()))
    homework = Homework(
        school_id=ctx.school.id or 0,
        lesson_id=ctx.lesson.id or 0,
        text=_homework_text(ctx, text),
        source=source,
        entered_at=entered_at or uow.now(),
        fallback_key=fallback_key,
        created_at=uow.now(),
        created_by=ctx.staff.id,
    )
    await uow.save(homework, action="create", actor_id=ctx.staff.id)
    uow.record(
        HomeworkSet(
            school_id=homework.school_id,
            homework_id=homework.id or 0,
            lesson=ctx.ref,
            text=homework.text,
            due_date=None,
            student_ids=(),
            source=source,
            notified_guardian_ids=tuple(sorted(set(notified_guardian_ids))),
        )
    )
    return homework


set_homework_for_next_lesson = transactional(set_homework_for_next_lesson_in)
