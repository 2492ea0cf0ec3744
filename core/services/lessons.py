"""Lessons (date, slot, topic) and substitutions (the test schedule is
`core.services.test_schedule`).

Families do not hear about topics or substitutions, so nothing here records an outbox
event; every change is still audited.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from core.actors import StaffActor
from core.closing import require_open
from core.errors import NotFound, RuleViolation
from core.journal_page import JournalPage, load_page, require_page_teacher, require_school_day
from core.limits import check_length
from core.models import Lesson, Role, School, SchoolClass, Staff, Subject
from core.permissions import load_staff, require_lesson_writer, require_role
from core.rows import get_in_school, not_deleted
from core.uow import UnitOfWork, snapshot, transactional


def _check_slot(school: School, slot: object) -> int:
    """A bell number of the school's schedule; any non-negative one while bells are unset.

    Zero is allowed: many schools have a «нулевой урок» before the first bell.
    """
    if isinstance(slot, bool) or not isinstance(slot, int) or slot < 0:
        raise RuleViolation("lesson_bad_slot", slot=slot)
    bells = {bell.get("slot") for bell in school.bells}
    if bells and slot not in bells:
        raise RuleViolation("lesson_bad_slot", slot=slot)
    return slot


async def _lessons_in_slot(
    uow: UnitOfWork, page: JournalPage, on: dt.date, slot: int
) -> tuple[Lesson | None, Lesson | None]:
    """This page's lesson in the slot, and another lesson the same pupils have then.

    A whole-class lesson overlaps every lesson of the class; a group's lesson overlaps
    whole-class lessons and its own group's, not a parallel group (language subgroups).
    """
    query = select(Lesson).where(
        Lesson.class_id == page.klass.id,
        Lesson.date == on,
        Lesson.slot == slot,
        not_deleted(Lesson),
    )
    if page.group is not None:
        query = query.where(col(Lesson.group_id).is_(None) | (Lesson.group_id == page.group_id))
    rows = list((await uow.session.exec(query.order_by(col(Lesson.id)))).all())
    own = next(
        (r for r in rows if r.group_id == page.group_id and r.subject_id == page.subject.id), None
    )
    clash = next((r for r in rows if r is not own), None)
    return own, clash


async def _slot_taken(uow: UnitOfWork, page: JournalPage, clash: Lesson) -> RuleViolation:
    subject = await uow.session.get(Subject, clash.subject_id)
    return RuleViolation(
        "lesson_slot_taken",
        klass=page.where,
        subject=subject.name if subject else "?",
        date=clash.date,
        slot=clash.slot,
    )


async def _set_topic(uow: UnitOfWork, staff: Staff, lesson: Lesson, topic: str) -> Lesson:
    await require_lesson_writer(uow, staff, lesson)
    if lesson.topic == topic:
        return lesson
    old = snapshot(lesson)
    lesson.topic = topic
    lesson.topic_at = (lesson.topic_at or uow.now()) if topic else None
    lesson.updated_at, lesson.updated_by = uow.now(), staff.id
    await uow.save(lesson, action="update", actor_id=staff.id, old=old)
    return lesson


async def _add_lesson(
    uow: UnitOfWork, page: JournalPage, on: dt.date, slot: int, topic: str, clash: Lesson | None
) -> Lesson:
    await require_page_teacher(uow, page)
    if clash is not None:
        raise await _slot_taken(uow, page, clash)
    lesson = Lesson(
        school_id=page.staff.school_id,
        class_id=page.klass.id or 0,
        group_id=page.group_id,
        subject_id=page.subject.id or 0,
        teacher_id=page.staff.id or 0,
        date=on,
        slot=slot,
        topic=topic,
        topic_at=uow.now() if topic else None,
        created_at=uow.now(),
        created_by=page.staff.id,
    )
    await uow.save(lesson, action="create", actor_id=page.staff.id)
    return lesson


async def place_lesson(uow: UnitOfWork, page: JournalPage, on: dt.date, slot: int) -> Lesson:
    """The page's lesson in the bell, put in the journal if it is not there yet.

    Works inside the caller's open unit of work and does not commit: homework given
    for a timetable lesson creates the lesson in the same transaction. The rules are
    `record_lesson`'s: a bell of the school, a school day, the page's teacher, no
    other lesson of the same pupils in the bell.
    """
    slot = _check_slot(page.school, slot)
    await require_school_day(uow, page, on)
    own, clash = await _lessons_in_slot(uow, page, on, slot)
    if own is not None:
        return own
    return await _add_lesson(uow, page, on, slot, "", clash)


async def record_lesson_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    class_id: int,
    subject_id: int,
    on: dt.date,
    slot: int,
    group_id: int | None = None,
    topic: str = "",
) -> Lesson:
    """Put a lesson in the journal, or set the topic of the one already there.

    Seed 003 §2.3.1: lessons are recorded on the day; §2.6: the topic follows the
    calendar-thematic plan. A named substitute may set the topic (seed 002 §2.5.10).
    """
    topic = check_length("topic", topic.strip())
    page = await load_page(uow, actor, class_id=class_id, subject_id=subject_id, group_id=group_id)
    slot = _check_slot(page.school, slot)
    await require_school_day(uow, page, on)
    own, clash = await _lessons_in_slot(uow, page, on, slot)
    if own is not None:
        lesson = await _set_topic(uow, page.staff, own, topic)
    else:
        lesson = await _add_lesson(uow, page, on, slot, topic, clash)
    return lesson


record_lesson = transactional(record_lesson_in)


async def _check_substitute(uow: UnitOfWork, lesson: Lesson, substitute_id: int) -> None:
    substitute = await get_in_school(uow, Staff, substitute_id, lesson.school_id, "teacher")
    if Role.teacher.value not in substitute.roles:
        raise RuleViolation("substitute_not_teacher", name=substitute.short_name)
    if substitute.locked_at is not None:
        raise RuleViolation("substitute_locked", name=substitute.short_name)
    if substitute.id == lesson.teacher_id:
        raise RuleViolation("substitute_is_teacher", name=substitute.short_name)


async def assign_substitute_in(
    uow: UnitOfWork, *, actor: StaffActor, lesson_id: int, substitute_id: int | None
) -> Lesson:
    """Name the teacher who replaces the absent one (None withdraws the substitution).

    Seed 002 §2.5.10: the substitute gets the absent teacher's journal page for that
    lesson and fills it in; `require_lesson_writer` lets them write it from now on.
    """
    staff = await load_staff(uow, actor)
    require_role(staff, Role.deputy, Role.admin)
    lesson = await get_in_school(uow, Lesson, lesson_id, staff.school_id, "lesson")
    if lesson.deleted_at is not None:
        raise NotFound(what="lesson")
    klass = await get_in_school(uow, SchoolClass, lesson.class_id, staff.school_id, "class")
    await require_open(uow, staff, year_id=klass.year_id, on=lesson.date)
    if substitute_id is not None:
        await _check_substitute(uow, lesson, substitute_id)
    if lesson.substitute_id == substitute_id:
        return lesson
    old = snapshot(lesson)
    lesson.substitute_id = substitute_id
    lesson.updated_at, lesson.updated_by = uow.now(), staff.id
    await uow.save(lesson, action="update", actor_id=staff.id, old=old)
    return lesson


assign_substitute = transactional(assign_substitute_in)
