"""Remarks, praise and appeals to parents written about one pupil.

Seed 002 §2.5.11: a teacher writes a remark or praise against the pupil's name on
the lesson's page, and ticks «отправить сообщение родителям» to have it sent.
Seed 002 §2.4.3: the class teacher records achievements, so a note may also be
written outside any lesson.
"""

from __future__ import annotations

import datetime as dt

from core.actors import StaffActor
from core.calendar import school_today
from core.enrolment import class_on
from core.errors import RuleViolation
from core.events import RemarkPosted
from core.lesson_access import lesson_for_writing, student_of_lesson
from core.limits import check_length
from core.models import Remark, RemarkKind, School, SchoolClass, Staff, Student
from core.permissions import (
    load_staff,
    require_class_teacher_or_teacher,
    require_student_reader,
)
from core.rows import get_in_school
from core.uow import UnitOfWork, transactional
from core.validation import require_text


def _check_kind(kind: object) -> str:
    if kind not in RemarkKind.__members__.values():
        raise RuleViolation("bad_remark_kind", value=kind)
    return str(kind)


async def _class_now(
    uow: UnitOfWork, actor: StaffActor, student_id: int
) -> tuple[Staff, SchoolClass]:
    """The writer and the pupil's class today, refusing who neither teaches nor leads it."""
    staff = await load_staff(uow, actor)
    student = await get_in_school(uow, Student, student_id, staff.school_id, "student")
    school = await uow.session.get(School, staff.school_id)
    assert school is not None
    today = school_today(school, uow.now())
    klass = await class_on(uow, student_id, school_id=staff.school_id, on=today)
    if klass is None:
        await require_student_reader(uow, staff, student_id)  # the error names the pupil
        raise RuleViolation("student_no_class", student=student.full_name, date=today)
    await require_class_teacher_or_teacher(uow, staff, klass)
    return staff, klass


def _posted(
    remark: Remark, klass: SchoolClass, *, subject: str | None, lesson_date: dt.date | None
) -> RemarkPosted:
    return RemarkPosted(
        school_id=remark.school_id,
        remark_id=remark.id or 0,
        student_id=remark.student_id,
        class_id=klass.id or 0,
        grade=klass.grade,
        remark_kind=remark.kind,
        text=remark.text,
        author_id=remark.created_by or 0,
        subject=subject,
        lesson_date=lesson_date,
    )


async def post_remark_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    student_id: int,
    kind: str,
    text: str,
    lesson_id: int | None = None,
    send_to_parents: bool = True,
) -> Remark:
    """Write a remark, praise or appeal about a pupil; parents hear of it if ticked.

    With `lesson_id` the writer must be that lesson's writer and the pupil in it;
    without, the writer must teach in the pupil's class today or be its class teacher.
    """
    kind, text = _check_kind(kind), check_length("remark", require_text(text))
    subject: str | None = None
    lesson_date: dt.date | None = None
    if lesson_id is not None:
        ctx = await lesson_for_writing(uow, actor, lesson_id)
        await student_of_lesson(uow, ctx, student_id)
        staff, klass = ctx.staff, ctx.klass
        subject, lesson_date = ctx.subject.name, ctx.lesson.date
    else:
        staff, klass = await _class_now(uow, actor, student_id)
    remark = Remark(
        school_id=staff.school_id,
        lesson_id=lesson_id,
        student_id=student_id,
        kind=kind,
        text=text,
        send_to_parents=send_to_parents,
        created_at=uow.now(),
        created_by=staff.id,
    )
    await uow.save(remark, action="create", actor_id=staff.id)
    if send_to_parents:
        uow.record(_posted(remark, klass, subject=subject, lesson_date=lesson_date))
    return remark


post_remark = transactional(post_remark_in)
