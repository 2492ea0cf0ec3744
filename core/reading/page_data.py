"""What the journal grid and the lesson page read, each in one query whatever the size.

A page's lessons, its roster (enrolments and group memberships over some days), and
the marks, attendance and final period marks of many lessons and students at once:
no query per student or per lesson (core/reading/grid.py, lesson_page.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Select
from sqlalchemy import select as select_columns
from sqlmodel import col, select

from core.journal_page import JournalPage
from core.models import (
    Attendance,
    Enrollment,
    GroupMembership,
    Lesson,
    Mark,
    PeriodMark,
    Staff,
    Student,
)
from core.reading.journal import Span
from core.rows import not_deleted
from core.uow import UnitOfWork

# Lessons to read at: their ids, or a subquery of them (`page_lesson_ids`).
Lessons = list[int] | Select[int | None]


def _page_lessons_where(page: JournalPage, first: dt.date, last: dt.date) -> list[Any]:
    return [
        Lesson.class_id == page.klass.id,
        Lesson.subject_id == page.subject.id,
        col(Lesson.group_id).is_(None) if page.group is None else Lesson.group_id == page.group_id,
        Lesson.date >= first,
        Lesson.date <= last,
        not_deleted(Lesson),
    ]


async def page_lessons(
    uow: UnitOfWork, page: JournalPage, first: dt.date, last: dt.date
) -> list[Lesson]:
    """The page's lessons from `first` to `last`, by date and bell."""
    query = select(Lesson).where(*_page_lessons_where(page, first, last))
    order = (col(Lesson.date), col(Lesson.slot), col(Lesson.id))
    return list((await uow.session.exec(query.order_by(*order))).all())


def page_lesson_ids(page: JournalPage, first: dt.date, last: dt.date) -> Lessons:
    """The page's lessons from `first` to `last`, as a subquery (no list of literals:
    a statement with sixty ids costs more to build than to run)."""
    return select_columns(col(Lesson.id)).where(*_page_lessons_where(page, first, last))


@dataclass(frozen=True)
class RosterLine:
    """A student on the page in the period, with their spans in the class and group."""

    student: Student
    classes: tuple[Span, ...]
    groups: tuple[Span, ...]

    def attends(self, lesson: Lesson) -> bool:
        """The rule of `core.enrolment.is_member`, for one lesson."""
        return self.attends_on(lesson.date, grouped=lesson.group_id is not None)

    def attends_on(self, day: dt.date, *, grouped: bool) -> bool:
        """In the class that day, and in the group too for a group's lesson."""
        in_class = any(span.covers(day) for span in self.classes)
        if not grouped or not in_class:
            return in_class
        return any(span.covers(day) for span in self.groups)


async def page_roster(
    uow: UnitOfWork, page: JournalPage, first: dt.date, last: dt.date
) -> list[RosterLine]:
    """Everyone in the class (and group) on some day from `first` to `last`, by name."""
    query = (
        select(Enrollment, Student)
        .join(Student, col(Student.id) == Enrollment.student_id)
        .where(
            Enrollment.class_id == page.klass.id,
            Enrollment.since <= last,
            col(Enrollment.until).is_(None) | (col(Enrollment.until) >= first),
        )
    )
    classes: dict[int, list[Span]] = defaultdict(list)
    students: dict[int, Student] = {}
    for enrolment, student in (await uow.session.exec(query)).all():
        students[student.id or 0] = student
        classes[student.id or 0].append(Span(page.klass.id or 0, enrolment.since, enrolment.until))
    groups: dict[int, list[Span]] = defaultdict(list)
    if page.group is not None:
        memberships = select(GroupMembership).where(
            GroupMembership.group_id == page.group_id,
            GroupMembership.since <= last,
            col(GroupMembership.until).is_(None) | (col(GroupMembership.until) >= first),
        )
        for row in (await uow.session.exec(memberships)).all():
            groups[row.student_id].append(Span(row.group_id, row.since, row.until))
        students = {sid: s for sid, s in students.items() if sid in groups}
    lines = [
        RosterLine(student, tuple(classes[sid]), tuple(groups.get(sid, ())))
        for sid, student in students.items()
    ]
    lines.sort(key=lambda x: (x.student.last_name.casefold(), x.student.first_name.casefold()))
    return lines


class MarkRow(NamedTuple):
    """A live mark as the grid needs it: plain columns, no ORM object (a grid has
    a thousand of them)."""

    id: int
    lesson_id: int
    student_id: int
    value: int
    work_type: str
    weight: float
    comment: str


class AttendanceRow(NamedTuple):
    lesson_id: int
    student_id: int
    status: str
    minutes_late: int | None


async def lesson_marks(
    uow: UnitOfWork, lessons: Lessons, student_ids: list[int]
) -> dict[tuple[int, int], list[MarkRow]]:
    """The live marks at `lessons` (ids, or `page_lesson_ids`) of these students, by
    (lesson, student), each cell's in the order given."""
    found: dict[tuple[int, int], list[MarkRow]] = defaultdict(list)
    if not student_ids:
        return found
    query = (
        select_columns(
            col(Mark.id),
            col(Mark.lesson_id),
            col(Mark.student_id),
            col(Mark.value),
            col(Mark.work_type),
            col(Mark.weight),
            col(Mark.comment),
        )
        .where(col(Mark.lesson_id).in_(lessons), not_deleted(Mark))
        .order_by(col(Mark.created_at), col(Mark.id))
    )
    wanted = set(student_ids)
    connection = await uow.session.connection()
    for mark_id, lesson_id, student_id, value, work_type, weight, comment in (
        await connection.execute(query)
    ).all():
        mark = MarkRow(mark_id or 0, lesson_id, student_id, value, work_type, weight, comment)
        if mark.student_id in wanted:
            found[(mark.lesson_id, mark.student_id)].append(mark)
    return found


async def lesson_attendance(
    uow: UnitOfWork, lessons: Lessons, student_ids: list[int]
) -> dict[tuple[int, int], AttendanceRow]:
    """The live attendance marks at `lessons` (ids, or `page_lesson_ids`)."""
    if not student_ids:
        return {}
    query = select_columns(
        col(Attendance.lesson_id),
        col(Attendance.student_id),
        col(Attendance.status),
        col(Attendance.minutes_late),
    ).where(col(Attendance.lesson_id).in_(lessons), not_deleted(Attendance))
    wanted = set(student_ids)
    connection = await uow.session.connection()
    rows = (AttendanceRow(*row) for row in (await connection.execute(query)).all())
    return {(r.lesson_id, r.student_id): r for r in rows if r.student_id in wanted}


async def final_period_marks(
    uow: UnitOfWork, subject_id: int, period_id: int, student_ids: list[int]
) -> dict[int, str]:
    if not student_ids or not period_id:
        return {}
    query = select(PeriodMark).where(
        PeriodMark.period_id == period_id,
        PeriodMark.subject_id == subject_id,
        PeriodMark.kind == "final",
        col(PeriodMark.student_id).in_(student_ids),
        not_deleted(PeriodMark),
    )
    return {row.student_id: row.value for row in (await uow.session.exec(query)).all()}


async def staff_names(uow: UnitOfWork, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await uow.session.exec(select(Staff).where(col(Staff.id).in_(wanted)))
    return {staff.id or 0: staff.short_name for staff in rows.all()}
