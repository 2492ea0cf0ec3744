"""One lesson's page: topic, work type, substitution, homework, remarks, the pupils' cells.

The lesson's writer (its teacher, or the substitute named for it: seed 002 §2.5.10)
fills it in; whoever reads the class journal (`can_read_class`: the class teacher,
teachers of the class, the deputy director, administrators) reads it. A substitution
is shown as the journal records it: «Замена. Фамилия И.О.».
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import col, select

from core.actors import StaffActor
from core.closing import closure_on
from core.errors import Forbidden, NotFound
from core.journal_page import JournalPage
from core.lesson_access import lesson_context, substitution_note
from core.models import (
    Homework,
    HomeworkStudent,
    Lesson,
    Remark,
    Role,
    School,
    SchoolClass,
    Staff,
)
from core.permissions import can_read_class, has_role, load_staff, require_lesson_writer
from core.reading.grid import (
    DEFAULT_WORK_TYPE,
    GridCell,
    PageRef,
    grid_mark,
    marks_allowed,
    page_ref,
)
from core.reading.homework_load import DayLoad, lesson_day_load
from core.reading.page_data import lesson_attendance, lesson_marks, page_roster, staff_names
from core.rows import get_in_school, not_deleted
from core.uow import UnitOfWork


@dataclass(frozen=True)
class LessonPupil:
    student_id: int
    name: str  # «Соколов Пётр»
    cell: GridCell


@dataclass(frozen=True)
class LessonHomework:
    homework_id: int
    text: str
    due_date: dt.date | None
    for_students: tuple[str, ...]  # empty: the whole class (or group)
    minutes: int | None = None  # the teacher's estimate of the time it takes


@dataclass(frozen=True)
class LessonRemark:
    remark_id: int
    student: str
    kind: str  # remark | praise | appeal
    text: str
    send_to_parents: bool
    author: str


@dataclass(frozen=True)
class Teacher:
    staff_id: int
    name: str  # «Сидорова Е.В.»


@dataclass(frozen=True)
class LessonPage:
    lesson_id: int
    page: PageRef
    date: dt.date
    slot: int
    topic: str
    work_type: str
    teacher: str  # the lesson's own teacher, «Иванова М.П.»
    substitute: str | None  # the substitute's «Фамилия И.О.», when one is named
    substitute_id: int | None
    writable: bool  # the viewer writes this lesson
    marks_allowed: bool
    pupils: tuple[LessonPupil, ...]
    homework: tuple[LessonHomework, ...]
    remarks: tuple[LessonRemark, ...]
    # Filled for those who name substitutes (the deputy director, administrators).
    substitutes: tuple[Teacher, ...] = ()
    # The class's homework on the day this lesson's homework is for (its latest
    # homework's day, or the day new homework would be for), against SanPiN's limit.
    homework_load: DayLoad | None = None
    closed: str = ""  # the closed year or period holding the lesson (core.closing)
    correctable: bool = False  # closed, and the viewer is the administrator

    @property
    def substitution(self) -> str | None:
        """Seed 002 §2.5.10: «Замена. Фамилия И.О.»."""
        return substitution_note(self.substitute) if self.substitute else None


async def lesson_page(uow: UnitOfWork, *, actor: StaffActor, lesson_id: int) -> LessonPage:
    """The lesson as its writer fills it in, or as a reader of the class reads it.

    Reads only: pass a reading unit of work.
    """
    async with uow:
        staff = await load_staff(uow, actor)
        lesson = await get_in_school(uow, Lesson, lesson_id, staff.school_id, "lesson")
        if lesson.deleted_at is not None:
            raise NotFound(what="lesson")
        ctx = await lesson_context(uow, lesson, staff)
        page = JournalPage(staff, ctx.school, ctx.klass, ctx.group, ctx.subject)
        writable = await _writes(uow, staff, lesson)
        if not writable and not await can_read_class(uow, staff, ctx.klass):
            raise Forbidden("journal_not_yours", subject=ctx.subject.name, klass=page.where)
        closed = await closure_on(uow, year_id=ctx.klass.year_id, on=lesson.date)
        # A closed lesson is read-only; the administrator corrects it with a reason.
        correctable = closed is not None and has_role(staff, Role.admin)
        writable = (writable and closed is None) or correctable
        pupils = await _pupils(uow, page, lesson)
        names = {p.student_id: p.name for p in pupils}
        people = await staff_names(uow, {lesson.teacher_id, lesson.substitute_id})
        homework = await _homework(uow, lesson_id, names)
        return LessonPage(
            lesson_id=lesson_id,
            page=page_ref(page),
            date=lesson.date,
            slot=lesson.slot,
            topic=lesson.topic,
            work_type=lesson.work_type or DEFAULT_WORK_TYPE,
            teacher=people.get(lesson.teacher_id, ""),
            substitute=people.get(lesson.substitute_id or 0),
            substitute_id=lesson.substitute_id,
            writable=writable,
            marks_allowed=marks_allowed(page),
            pupils=pupils,
            homework=homework,
            remarks=await _remarks(uow, lesson_id, names),
            substitutes=await _substitutes(uow, staff, lesson),
            homework_load=await _homework_load(uow, ctx.school, ctx.klass, lesson, homework),
            closed=closed.name if closed else "",
            correctable=correctable,
        )


async def _homework_load(
    uow: UnitOfWork,
    school: School,
    klass: SchoolClass,
    lesson: Lesson,
    homework: tuple[LessonHomework, ...],
) -> DayLoad:
    latest = homework[-1].due_date if homework else None
    return await lesson_day_load(uow, school, klass, lesson, latest)


async def _writes(uow: UnitOfWork, staff: Staff, lesson: Lesson) -> bool:
    try:
        await require_lesson_writer(uow, staff, lesson)
    except Forbidden:
        return False
    return True


async def _pupils(uow: UnitOfWork, page: JournalPage, lesson: Lesson) -> tuple[LessonPupil, ...]:
    """The class's (or group's) pupils on the lesson's day, with their cells."""
    roster = [
        x for x in await page_roster(uow, page, lesson.date, lesson.date) if x.attends(lesson)
    ]
    ids = [line.student.id or 0 for line in roster]
    marks = await lesson_marks(uow, [lesson.id or 0], ids)
    attendance = await lesson_attendance(uow, [lesson.id or 0], ids)
    pupils = []
    for line in roster:
        key = (lesson.id or 0, line.student.id or 0)
        row = attendance.get(key)
        cell = GridCell(
            lesson_id=lesson.id or 0,
            member=True,
            marks=tuple(grid_mark(mark) for mark in marks.get(key, [])),
            attendance=row.status if row else None,
            minutes_late=row.minutes_late if row else None,
        )
        name = f"{line.student.last_name} {line.student.first_name}"
        pupils.append(LessonPupil(line.student.id or 0, name, cell))
    return tuple(pupils)


async def _homework(
    uow: UnitOfWork, lesson_id: int, names: dict[int, str]
) -> tuple[LessonHomework, ...]:
    query = select(Homework).where(Homework.lesson_id == lesson_id, not_deleted(Homework))
    rows = list((await uow.session.exec(query.order_by(col(Homework.id)))).all())
    if not rows:
        return ()
    links = await uow.session.exec(
        select(HomeworkStudent).where(col(HomeworkStudent.homework_id).in_([h.id for h in rows]))
    )
    only_for: dict[int, list[str]] = defaultdict(list)
    for link in links.all():
        only_for[link.homework_id].append(names.get(link.student_id, "?"))
    return tuple(
        LessonHomework(
            h.id or 0, h.text, h.due_date, tuple(sorted(only_for.get(h.id or 0, []))), h.minutes
        )
        for h in rows
    )


async def _remarks(
    uow: UnitOfWork, lesson_id: int, names: dict[int, str]
) -> tuple[LessonRemark, ...]:
    query = select(Remark).where(Remark.lesson_id == lesson_id, not_deleted(Remark))
    rows = list((await uow.session.exec(query.order_by(col(Remark.id)))).all())
    authors = await staff_names(uow, {r.created_by for r in rows})
    return tuple(
        LessonRemark(
            remark_id=r.id or 0,
            student=names.get(r.student_id, "?"),
            kind=r.kind,
            text=r.text,
            send_to_parents=r.send_to_parents,
            author=authors.get(r.created_by or 0, ""),
        )
        for r in rows
    )


async def _substitutes(uow: UnitOfWork, staff: Staff, lesson: Lesson) -> tuple[Teacher, ...]:
    """The school's teachers who may replace the lesson's own (`assign_substitute`)."""
    if not has_role(staff, Role.deputy, Role.admin):
        return ()
    query = select(Staff).where(Staff.school_id == lesson.school_id, col(Staff.locked_at).is_(None))
    rows = (await uow.session.exec(query)).all()
    teachers = [
        Teacher(s.id or 0, s.short_name)
        for s in rows
        if Role.teacher.value in s.roles and s.id != lesson.teacher_id
    ]
    return tuple(sorted(teachers, key=lambda t: t.name))
