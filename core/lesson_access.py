"""What every journal write needs first: the lesson, who writes it, and the rules.

Shared by the services that write a lesson's entries and by the pages that show
whether they may (`core/reading/lesson_page.py`, `core/reading/grid.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlmodel import col, select

from core.actors import StaffActor
from core.closing import Closure, admit, closure_on
from core.enrolment import membership
from core.errors import NotFound, RuleViolation
from core.events import LessonRef
from core.i18n import DEFAULT_LANGUAGE, texts
from core.models import Group, Lesson, School, SchoolClass, Staff, Student, Subject
from core.permissions import load_staff, require_lesson_writer, require_student_reader
from core.policy import SchoolPolicy, policy_of
from core.rows import get_in_school
from core.uow import UnitOfWork
from core.validation import is_row_id


@dataclass(frozen=True)
class LessonContext:
    lesson: Lesson
    klass: SchoolClass
    subject: Subject
    group: Group | None
    staff: Staff
    school: School
    policy: SchoolPolicy

    @property
    def ref(self) -> LessonRef:
        return LessonRef(
            lesson_id=self.lesson.id or 0,
            date=self.lesson.date,
            slot=self.lesson.slot,
            class_id=self.klass.id or 0,
            class_name=self.klass.name,
            grade=self.klass.grade,
            group_id=self.lesson.group_id,
            subject_id=self.subject.id or 0,
            subject=self.subject.name,
            teacher_id=self.lesson.teacher_id,
        )


async def lesson_for_writing(uow: UnitOfWork, actor: StaffActor, lesson_id: int) -> LessonContext:
    """Load a lesson with its class, subject and policy, refusing non-writers and a
    lesson of a closed period or year (`core.closing`)."""
    staff = await load_staff(uow, actor)
    lesson = await get_in_school(uow, Lesson, lesson_id, staff.school_id, "lesson")
    if lesson.deleted_at is not None:
        raise NotFound(what="lesson")
    ctx = await lesson_context(uow, lesson, staff)
    closure = await closure_on(uow, year_id=ctx.klass.year_id, on=lesson.date)
    await require_writable(uow, ctx, closure)
    return ctx


async def require_writable(
    uow: UnitOfWork, ctx: LessonContext, closure: Closure | None, *, teaching: bool | None = None
) -> None:
    """`lesson_for_writing`'s rules for a lesson whose context, closure (`closure_on`,
    `journal_day`) and, if known, whether the writer teaches it (`teaches_lesson`) the
    caller has read itself (the journal grid reads them with the cell)."""
    # Closed first: a closed journal is closed to all, and an administrator, who writes
    # no lesson of their own, is told how to correct it.
    admit(uow, ctx.staff, closure, ctx.lesson.date)
    await require_lesson_writer(uow, ctx.staff, ctx.lesson, teaching=teaching)


async def lesson_context(uow: UnitOfWork, lesson: Lesson, staff: Staff) -> LessonContext:
    klass = await uow.session.get(SchoolClass, lesson.class_id)
    subject = await uow.session.get(Subject, lesson.subject_id)
    school = await uow.session.get(School, lesson.school_id)
    group = await uow.session.get(Group, lesson.group_id) if lesson.group_id else None
    assert klass is not None and subject is not None and school is not None
    return LessonContext(lesson, klass, subject, group, staff, school, policy_of(school))


class MarkScope(Protocol):
    """Where a mark would go: a lesson (`LessonContext`) or a period's subject line."""

    @property
    def klass(self) -> SchoolClass: ...

    @property
    def group(self) -> Group | None: ...

    @property
    def subject(self) -> Subject: ...

    @property
    def policy(self) -> SchoolPolicy: ...


def require_marks_allowed(ctx: MarkScope) -> None:
    """Seed 002 §2.6 (no marks in grade 1), §2.5.7 (electives: attendance only), and a
    subject the school teaches without marks («безотметочное обучение», `graded`).

    Serves lesson marks and period marks alike, so the two can never disagree.
    """
    if ctx.klass.grade < ctx.policy.marks_from_grade:
        raise RuleViolation("no_marks_in_grade", grade=ctx.klass.grade)
    if (
        ctx.group is not None
        and ctx.group.kind == "elective"
        and ctx.policy.electives_attendance_only
    ):
        raise RuleViolation("elective_attendance_only", group=ctx.group.name)
    if not ctx.subject.graded:
        raise RuleViolation("subject_not_graded", subject=ctx.subject.name)


def substitution_note(name: str) -> str:
    """Seed 002 §2.5.10: «Замена. Фамилия И.О.», as the journal records a substitution.

    Written into the journal itself (a homework entry), so in the journal's language,
    Russian, whoever reads it later.
    """
    # TRANSLATORS: the journal's record of a substitute teacher, «Замена. Фамилия И.О.».
    return texts("core", DEFAULT_LANGUAGE)._("Substitution. %(name)s", name=name)


async def student_of_lesson(uow: UnitOfWork, ctx: LessonContext, student_id: int) -> Student:
    """The student, refusing one who was not in the lesson's class or group that day.

    One statement: the student's row and their membership (`core.enrolment.membership`).
    """
    in_lesson = membership(
        col(Student.id),
        class_id=ctx.klass.id or 0,
        group_id=ctx.lesson.group_id,
        on=ctx.lesson.date,
    )
    query = select(Student, in_lesson).where(Student.id == student_id)
    found = (await uow.session.exec(query)).first() if is_row_id(student_id) else None
    student, member = found if found is not None else (None, False)
    return await admit_student(uow, ctx, student, member=bool(member))


async def admit_student(
    uow: UnitOfWork, ctx: LessonContext, student: Student | None, *, member: bool
) -> Student:
    """`student_of_lesson`'s rule for a pupil's row (None: no such pupil) and membership
    (`core.enrolment.lesson_membership`) the caller has read."""
    if student is None or student.school_id != ctx.school.id:
        raise NotFound(what="student")
    if not member:
        await require_student_reader(uow, ctx.staff, student.id or 0)  # the error names the pupil
        where = f"{ctx.klass.name} ({ctx.group.name})" if ctx.group else ctx.klass.name
        raise RuleViolation(
            "student_not_in_lesson",
            student=student.full_name,
            klass=where,
            date=ctx.lesson.date,
        )
    return student
