"""One student's lessons over some days, with what was written at them for that student.

A student sees the lessons of their class and of their groups on each date, as
`core.enrolment.is_member` decides for one lesson; here the student's
enrolments and group memberships are read once and applied to many lessons, so a
class's weekly summaries stay a handful of queries per student. Deleted rows
(`deleted_at` set) are never read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from core.models import (
    Attendance,
    Enrollment,
    Group,
    GroupMembership,
    Homework,
    HomeworkStudent,
    Lesson,
    Mark,
    Remark,
    Subject,
)
from core.reading.access import ReadScope
from core.reading.views import AttendanceEntry, HomeworkEntry, MarkEntry, RemarkEntry
from core.rows import not_deleted
from core.uow import UnitOfWork


@dataclass(frozen=True)
class Span:
    """A membership of a class or a group from `since` to `until` (inclusive)."""

    owner_id: int
    since: dt.date
    until: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class Memberships:
    classes: tuple[Span, ...]
    groups: tuple[Span, ...]

    @property
    def class_ids(self) -> set[int]:
        return {span.owner_id for span in self.classes}

    def attends(self, lesson: Lesson) -> bool:
        """The rule of `is_member`: in the lesson's class that day, and in its group if any."""
        return self.member_of(lesson.class_id, lesson.group_id, lesson.date)

    def member_of(self, class_id: int, group_id: int | None, day: dt.date) -> bool:
        """In the class on `day`, and in the group if one is named."""
        if not any(s.owner_id == class_id and s.covers(day) for s in self.classes):
            return False
        if group_id is None:
            return True
        return any(s.owner_id == group_id and s.covers(day) for s in self.groups)


async def load_memberships(uow: UnitOfWork, student_id: int) -> Memberships:
    enrolments = await uow.session.exec(
        select(Enrollment).where(Enrollment.student_id == student_id)
    )
    groups = await uow.session.exec(
        select(GroupMembership).where(GroupMembership.student_id == student_id)
    )
    return Memberships(
        tuple(Span(e.class_id, e.since, e.until) for e in enrolments.all()),
        tuple(Span(g.group_id, g.since, g.until) for g in groups.all()),
    )


async def student_lessons(
    uow: UnitOfWork, scope: ReadScope, first: dt.date, last: dt.date
) -> list[Lesson]:
    """The student's lessons from `first` to `last`, by date and slot."""
    member = await load_memberships(uow, scope.student.id or 0)
    if not member.class_ids:
        return []
    query = (
        select(Lesson)
        .where(
            Lesson.school_id == scope.student.school_id,
            col(Lesson.class_id).in_(member.class_ids),
            Lesson.date >= first,
            Lesson.date <= last,
            not_deleted(Lesson),
        )
        .order_by(col(Lesson.date), col(Lesson.slot), col(Lesson.id))
    )
    return [lesson for lesson in (await uow.session.exec(query)).all() if member.attends(lesson)]


@dataclass
class LessonNotes:
    """What the journal holds for one student at some lessons, keyed by lesson id."""

    subjects: dict[int, str] = field(default_factory=dict)  # subject id -> name
    groups: dict[int, str] = field(default_factory=dict)  # group id -> name
    marks: dict[int, list[MarkEntry]] = field(default_factory=lambda: defaultdict(list))
    attendance: dict[int, AttendanceEntry] = field(default_factory=dict)
    homework: dict[int, list[HomeworkEntry]] = field(default_factory=lambda: defaultdict(list))
    remarks: dict[int, list[RemarkEntry]] = field(default_factory=lambda: defaultdict(list))


async def subject_names(uow: UnitOfWork, subject_ids: set[int]) -> dict[int, str]:
    if not subject_ids:
        return {}
    rows = await uow.session.exec(select(Subject).where(col(Subject.id).in_(subject_ids)))
    return {s.id or 0: s.name for s in rows.all()}


async def group_names(uow: UnitOfWork, ids: set[int]) -> dict[int, str]:
    """Group id -> name."""
    if not ids:
        return {}
    rows = await uow.session.exec(select(Group).where(col(Group.id).in_(sorted(ids))))
    return {g.id or 0: g.name for g in rows.all()}


async def lesson_notes(uow: UnitOfWork, scope: ReadScope, lessons: list[Lesson]) -> LessonNotes:
    """Marks, attendance, homework and remarks of the student at `lessons`."""
    notes = LessonNotes()
    if not lessons:
        return notes
    by_id = {lesson.id or 0: lesson for lesson in lessons}
    notes.subjects = await subject_names(uow, {lesson.subject_id for lesson in lessons})
    group_ids = {lesson.group_id for lesson in lessons if lesson.group_id is not None}
    if group_ids:
        rows = await uow.session.exec(select(Group).where(col(Group.id).in_(group_ids)))
        notes.groups = {g.id or 0: g.name for g in rows.all()}
    await _marks(uow, scope, by_id, notes)
    await _attendance(uow, scope, by_id, notes)
    for homework in await homework_for_student(uow, scope, list(by_id)):
        lesson = by_id[homework[0].lesson_id]
        notes.homework[lesson.id or 0].append(_homework_entry(homework, lesson, notes.subjects))
    await _remarks(uow, scope, by_id, notes)
    return notes


async def _marks(
    uow: UnitOfWork, scope: ReadScope, lessons: dict[int, Lesson], notes: LessonNotes
) -> None:
    query = (
        select(Mark)
        .where(
            col(Mark.lesson_id).in_(list(lessons)),
            Mark.student_id == scope.student.id,
            not_deleted(Mark),
        )
        .order_by(col(Mark.created_at), col(Mark.id))
    )
    for mark in (await uow.session.exec(query)).all():
        lesson = lessons[mark.lesson_id]
        notes.marks[mark.lesson_id].append(mark_entry(mark, lesson, notes.subjects))


def mark_entry(mark: Mark, lesson: Lesson, subjects: dict[int, str]) -> MarkEntry:
    return MarkEntry(
        mark_id=mark.id or 0,
        value=mark.value,
        work_type=mark.work_type,
        weight=mark.weight,
        comment=mark.comment,
        subject=subjects.get(lesson.subject_id, "?"),
        date=lesson.date,
        slot=lesson.slot,
    )


async def _attendance(
    uow: UnitOfWork, scope: ReadScope, lessons: dict[int, Lesson], notes: LessonNotes
) -> None:
    query = select(Attendance).where(
        col(Attendance.lesson_id).in_(list(lessons)),
        Attendance.student_id == scope.student.id,
        not_deleted(Attendance),
    )
    for row in (await uow.session.exec(query)).all():
        lesson = lessons[row.lesson_id]
        notes.attendance[row.lesson_id] = attendance_entry(row, lesson, notes.subjects)


def attendance_entry(row: Attendance, lesson: Lesson, subjects: dict[int, str]) -> AttendanceEntry:
    return AttendanceEntry(
        status=row.status,
        minutes_late=row.minutes_late,
        subject=subjects.get(lesson.subject_id, "?"),
        date=lesson.date,
        slot=lesson.slot,
    )


async def homework_for_student(
    uow: UnitOfWork, scope: ReadScope, lesson_ids: list[int], *, due_on: dt.date | None = None
) -> list[tuple[Homework, bool]]:
    """Homework of the lessons (or, with `due_on`, due that day) meant for the student:
    the class's, and individual homework naming them, never another pupil's own.
    Each comes with True when it is individual."""
    if not lesson_ids:
        return []
    query = select(Homework).where(not_deleted(Homework))
    query = query.where(col(Homework.lesson_id).in_(lesson_ids))
    if due_on is not None:
        query = query.where(Homework.due_date == due_on)
    rows = list((await uow.session.exec(query.order_by(col(Homework.id)))).all())
    if not rows:
        return []
    named = await uow.session.exec(
        select(HomeworkStudent).where(col(HomeworkStudent.homework_id).in_([h.id for h in rows]))
    )
    only_for: dict[int, set[int]] = defaultdict(set)
    for link in named.all():
        only_for[link.homework_id].add(link.student_id)
    student_id = scope.student.id or 0
    return [
        (h, bool(only_for.get(h.id or 0)))
        for h in rows
        if not only_for.get(h.id or 0) or student_id in only_for[h.id or 0]
    ]


def _homework_entry(
    item: tuple[Homework, bool], lesson: Lesson, subjects: dict[int, str]
) -> HomeworkEntry:
    homework, individual = item
    return HomeworkEntry(
        homework_id=homework.id or 0,
        subject=subjects.get(lesson.subject_id, "?"),
        text=homework.text,
        lesson_date=lesson.date,
        slot=lesson.slot,
        due_date=homework.due_date,
        individual=individual,
        minutes=homework.minutes,
    )


def homework_entries(
    items: list[tuple[Homework, bool]], lessons: dict[int, Lesson], subjects: dict[int, str]
) -> list[HomeworkEntry]:
    return [_homework_entry(item, lessons[item[0].lesson_id], subjects) for item in items]


async def _remarks(
    uow: UnitOfWork, scope: ReadScope, lessons: dict[int, Lesson], notes: LessonNotes
) -> None:
    query = select(Remark).where(
        col(Remark.lesson_id).in_(list(lessons)),
        Remark.student_id == scope.student.id,
        not_deleted(Remark),
    )
    if scope.for_family:
        # Seed 002 §2.5.11: families read only what the teacher ticked for them.
        query = query.where(col(Remark.send_to_parents).is_(True))
    for remark in (await uow.session.exec(query.order_by(col(Remark.id)))).all():
        lesson = lessons[remark.lesson_id or 0]
        notes.remarks[lesson.id or 0].append(
            RemarkEntry(
                kind=remark.kind,
                text=remark.text,
                subject=notes.subjects.get(lesson.subject_id, "?"),
                date=lesson.date,
            )
        )


async def remarks_outside_lessons(
    uow: UnitOfWork, scope: ReadScope, first: dt.date, last: dt.date
) -> list[RemarkEntry]:
    """Notes written about the student outside any lesson (achievements, appeals), dated
    by the school's clock when they were written."""
    zone = ZoneInfo(scope.school.timezone)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    query = select(Remark).where(
        Remark.student_id == scope.student.id,
        col(Remark.lesson_id).is_(None),
        not_deleted(Remark),
        Remark.created_at >= start,
        Remark.created_at < end,
    )
    if scope.for_family:
        query = query.where(col(Remark.send_to_parents).is_(True))
    rows = (await uow.session.exec(query.order_by(col(Remark.created_at)))).all()
    return [
        RemarkEntry(
            kind=r.kind, text=r.text, subject=None, date=r.created_at.astimezone(zone).date()
        )
        for r in rows
    ]
