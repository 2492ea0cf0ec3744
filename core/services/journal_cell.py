"""What saving a journal grid cell reads first (`core.services.journal_grid.save_cell_in`).

A cell save is the web app's busiest write (50 teachers saving at once, bench/README.md
"Web app"), and the web process's CPU per save is mostly SQLAlchemy's per statement
work. So the cell and all its checks need are read in three statements:

1. the lesson with its class, subject, school and group, the writer (`load_staff`'s
   row), whether they teach it (`teaches_lesson`), the pupil, their membership on the
   lesson's day (`lesson_membership`) and their attendance row at the lesson;
2. the day's closure and the school's periods (`core.closing.journal_day`), of which
   the average's period;
3. the pupil's marks on the page in that period (the cell's among them).

The statements are built once, here, with bound parameters: building an ORM
statement and its cache key on every request costs as much as running it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Date, Integer, bindparam
from sqlmodel import col, select
from sqlmodel.sql.expression import Select

from core.actors import StaffActor
from core.closing import JournalDay, journal_day
from core.enrolment import lesson_membership
from core.errors import NotFound
from core.lesson_access import LessonContext
from core.models import (
    Attendance,
    Group,
    Lesson,
    Mark,
    Period,
    School,
    SchoolClass,
    Staff,
    Student,
    Subject,
)
from core.permissions import admit_staff, teaches_lesson
from core.policy import policy_of
from core.reading.marks import pick_period
from core.rows import not_deleted
from core.uow import UnitOfWork
from core.validation import is_row_id

_STAFF = bindparam("staff_id", type_=Integer)
_STUDENT = bindparam("student_id", type_=Integer)

_CellRow = Select[
    Lesson,
    SchoolClass,
    Subject,
    School,
    Group | None,
    Staff | None,
    Student | None,
    Attendance | None,
    bool,
    bool,
]
# Ten columns: more than sqlmodel's `select` types, hence its class and the cast.
_ENTITIES = (Lesson, SchoolClass, Subject, School, Group, Staff, Student, Attendance)
_CELL = (
    cast(_CellRow, Select(*_ENTITIES, teaches_lesson(_STAFF), lesson_membership(_STUDENT)))
    .join(SchoolClass, col(SchoolClass.id) == col(Lesson.class_id))
    .join(Subject, col(Subject.id) == col(Lesson.subject_id))
    .join(School, col(School.id) == col(Lesson.school_id))
    .outerjoin(Group, col(Group.id) == col(Lesson.group_id))
    .outerjoin(Staff, (col(Staff.id) == _STAFF) & (col(Staff.school_id) == col(Lesson.school_id)))
    .outerjoin(
        Student, (col(Student.id) == _STUDENT) & (col(Student.school_id) == col(Lesson.school_id))
    )
    .outerjoin(
        Attendance,
        (col(Attendance.lesson_id) == col(Lesson.id)) & (col(Attendance.student_id) == _STUDENT),
    )
    .where(
        col(Lesson.id) == bindparam("lesson_id", type_=Integer),
        col(Lesson.school_id) == bindparam("school_id", type_=Integer),
    )
)
_PAGE_MARKS = (
    select(Mark, Lesson)
    .join(Lesson, col(Lesson.id) == col(Mark.lesson_id))
    .where(
        col(Mark.student_id) == _STUDENT,
        not_deleted(Mark),
        col(Lesson.class_id) == bindparam("class_id", type_=Integer),
        col(Lesson.subject_id) == bindparam("subject_id", type_=Integer),
        col(Lesson.group_id).is_not_distinct_from(bindparam("group_id", type_=Integer)),
        not_deleted(Lesson),
        col(Lesson.date) >= bindparam("first", type_=Date),
        col(Lesson.date) <= bindparam("last", type_=Date),
    )
    .order_by(col(Mark.created_at), col(Mark.id))
)


@dataclass(frozen=True)
class Cell:
    """The cell before the save, with all its checks and its answer need.

    The rows are held here: the session's identity map keeps only weak references,
    and the save writes these very rows (a correction, the attendance, the roll call).
    """

    ctx: LessonContext
    teaching: bool  # the writer teaches the lesson's page
    student: Student | None  # None: no such pupil in the school
    member: bool  # the pupil was in the lesson's class (and group) that day
    day: JournalDay
    span: tuple[dt.date, dt.date]  # the period of the average
    page: list[tuple[Mark, Lesson]]  # the pupil's live marks on the page, in order given
    attendance_row: Attendance | None  # the pupil's row at the lesson, withdrawn or not

    @property
    def marks(self) -> tuple[tuple[Mark, int], ...]:
        """The cell's live marks and their values before the save, in order given."""
        lesson_id = self.ctx.lesson.id
        return tuple((mark, mark.value) for mark, _ in self.page if mark.lesson_id == lesson_id)

    @property
    def attendance(self) -> str | None:
        row = self.attendance_row
        return row.status if row is not None and row.deleted_at is None else None


async def read_cell(
    uow: UnitOfWork, actor: StaffActor, lesson_id: int, student_id: int, period_id: int | None
) -> Cell:
    """The cell of the pupil at the lesson (NotFound: no such lesson in the actor's
    school), refusing an unknown or locked writer (`load_staff`'s rule)."""
    params = {
        "lesson_id": lesson_id,
        "school_id": actor.school_id,
        "staff_id": actor.staff_id,
        "student_id": student_id if is_row_id(student_id) else 0,
    }
    found = (await uow.session.exec(_CELL, params=params)).first() if is_row_id(lesson_id) else None
    if found is None or found[0].deleted_at is not None:
        raise NotFound(what="lesson")
    lesson, klass, subject, school, group, staff, student, attendance, teaching, member = found
    ctx = LessonContext(
        lesson, klass, subject, group, admit_staff(staff, actor), school, policy_of(school)
    )
    day = await journal_day(uow, year_id=klass.year_id, on=lesson.date)
    span = await _period_span(uow, lesson, day, period_id)
    return Cell(
        ctx=ctx,
        teaching=bool(teaching),
        student=student,
        member=bool(member),
        day=day,
        span=span,
        page=await _page_marks(uow, lesson, params["student_id"], span),
        attendance_row=attendance,
    )


async def _page_marks(
    uow: UnitOfWork, lesson: Lesson, student_id: int, span: tuple[dt.date, dt.date]
) -> list[tuple[Mark, Lesson]]:
    """The pupil's live marks at the page's lessons in `span` and on the lesson's day."""
    first, last = span
    params: dict[str, Any] = {
        "student_id": student_id,
        "class_id": lesson.class_id,
        "subject_id": lesson.subject_id,
        "group_id": lesson.group_id,
        "first": min(first, lesson.date),
        "last": max(last, lesson.date),
    }
    return list((await uow.session.exec(_PAGE_MARKS, params=params)).all())


async def _period_span(
    uow: UnitOfWork, lesson: Lesson, day: JournalDay, period_id: int | None
) -> tuple[dt.date, dt.date]:
    """The period of the average: the one asked for, else the one holding the lesson."""
    if period_id and is_row_id(period_id):
        # The page's period has begun by its lessons' days: read with the day.
        known = (p for p in day.periods if p.id == period_id)
        period = next(known, None) or await uow.session.get(Period, period_id)
        if period is not None and period.school_id == lesson.school_id:
            return period.starts_on, period.ends_on
    found = pick_period(day.periods, lesson.date)
    if found is None or not found.starts_on <= lesson.date <= found.ends_on:
        return lesson.date, lesson.date
    return found.starts_on, found.ends_on
