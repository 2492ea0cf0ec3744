"""A teacher's day: their lessons by the bell schedule, and what each still lacks.

Seed 003 §2.3.1: lessons and attendance are entered on the day of the lesson;
§2.3.2: homework during the lesson or soon after. The "Today" page shows, per lesson,
whether the topic, attendance and homework are in the journal yet. A lesson the
teacher substitutes is theirs to fill (seed 002 §2.5.10); their own lesson taken by a
substitute is shown with the substitute's name. A timetable lesson not yet in the
journal is listed too: it lacks everything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.models import (
    AcademicYear,
    Attendance,
    Group,
    Holiday,
    Homework,
    Lesson,
    School,
    SchoolClass,
    Staff,
    Subject,
    TimetableEntry,
)
from core.permissions import load_staff
from core.rows import not_deleted
from core.uow import UnitOfWork


@dataclass(frozen=True)
class DayLesson:
    """One lesson of the day as the teacher sees it."""

    slot: int
    starts: str  # «08:30», "" when the bell schedule does not say
    ends: str
    class_name: str  # «7Б», or «7Б (7Б англ. 1)» for a group
    subject: str
    lesson_id: int | None  # None: in the timetable, not yet in the journal
    topic: str
    has_attendance: bool
    has_homework: bool
    substituting_for: str | None = None  # I replace this teacher («Иванова М.П.»)
    substituted_by: str | None = None  # my lesson is given by this substitute
    room: str = ""

    @property
    def missing(self) -> tuple[str, ...]:
        """What is not in the journal yet: of "topic", "attendance", "homework"."""
        gaps = (
            ("topic", bool(self.topic)),
            ("attendance", self.has_attendance),
            ("homework", self.has_homework),
        )
        return tuple(name for name, done in gaps if not done)


@dataclass(frozen=True)
class TeacherDay:
    day: dt.date
    holiday: str | None  # the name of the holiday the day falls on
    lessons: tuple[DayLesson, ...]


@dataclass(frozen=True)
class _Names:
    classes: dict[int, SchoolClass]
    groups: dict[int, Group]
    subjects: dict[int, Subject]
    staff: dict[int, Staff]

    def where(self, class_id: int, group_id: int | None) -> str:
        klass = self.classes[class_id].name
        return f"{klass} ({self.groups[group_id].name})" if group_id else klass


async def teacher_day(
    uow: UnitOfWork, *, actor: StaffActor, on: dt.date | None = None
) -> TeacherDay:
    """The acting staff member's lessons on `on` (the school's today by default).

    Reads only: pass a reading unit of work (it is never committed).
    """
    async with uow:
        staff = await load_staff(uow, actor)
        school = await uow.session.get(School, staff.school_id)
        assert school is not None
        day = on or school_today(school, uow.now())
        holiday = await _holiday(uow, school.id or 0, day)
        lessons = await _journal_lessons(uow, staff, day)
        planned = [] if holiday else await _timetable_entries(uow, staff, day, lessons)
        names = await _names(uow, lessons, planned)
        done = await _filled(uow, [lesson.id or 0 for lesson in lessons])
        bells = _bells(school)
        rows = [_from_lesson(lesson, staff, names, bells, done) for lesson in lessons]
        rows += [_from_plan(entry, names, bells) for entry in planned]
        rows.sort(key=lambda row: (row.slot, row.class_name, row.subject))
        return TeacherDay(day, holiday, tuple(rows))


async def _holiday(uow: UnitOfWork, school_id: int, day: dt.date) -> str | None:
    query = select(Holiday.name).where(
        Holiday.school_id == school_id, Holiday.starts_on <= day, Holiday.ends_on >= day
    )
    return (await uow.session.exec(query.limit(1))).first()


async def _journal_lessons(uow: UnitOfWork, staff: Staff, day: dt.date) -> list[Lesson]:
    query = select(Lesson).where(
        Lesson.school_id == staff.school_id,
        Lesson.date == day,
        not_deleted(Lesson),
        (col(Lesson.teacher_id) == staff.id) | (col(Lesson.substitute_id) == staff.id),
    )
    return list((await uow.session.exec(query)).all())


async def _timetable_entries(
    uow: UnitOfWork, staff: Staff, day: dt.date, lessons: Sequence[Lesson]
) -> list[TimetableEntry]:
    """The staff member's timetable for the weekday, less what the journal already has."""
    query = select(TimetableEntry).where(
        TimetableEntry.school_id == staff.school_id,
        TimetableEntry.teacher_id == staff.id,
        TimetableEntry.weekday == day.weekday(),
    )
    entries = list((await uow.session.exec(query)).all())
    recorded = {(x.class_id, x.group_id, x.subject_id, x.slot) for x in lessons}
    entries = [e for e in entries if (e.class_id, e.group_id, e.subject_id, e.slot) not in recorded]
    # A timetable lesson outside its class's academic year is no lesson at all.
    in_year = await _classes_in_year(uow, {e.class_id for e in entries}, day)
    return [e for e in entries if e.class_id in in_year]


async def _classes_in_year(uow: UnitOfWork, class_ids: set[int], day: dt.date) -> set[int]:
    if not class_ids:
        return set()
    query = (
        select(SchoolClass.id)
        .join(AcademicYear, col(AcademicYear.id) == SchoolClass.year_id)
        .where(
            col(SchoolClass.id).in_(class_ids),
            AcademicYear.starts_on <= day,
            AcademicYear.ends_on >= day,
        )
    )
    return {int(row or 0) for row in (await uow.session.exec(query)).all()}


# Each has `id: int | None`; a constrained type variable keeps `_rows` checked for each.
_Row = TypeVar("_Row", SchoolClass, Group, Subject, Staff)


async def _rows(uow: UnitOfWork, model: type[_Row], ids: Iterable[int | None]) -> dict[int, _Row]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = (await uow.session.exec(select(model).where(col(model.id).in_(wanted)))).all()
    return {row.id or 0: row for row in rows}


async def _names(
    uow: UnitOfWork, lessons: Sequence[Lesson], planned: Sequence[TimetableEntry]
) -> _Names:
    items: list[Lesson | TimetableEntry] = [*lessons, *planned]
    people = [x.teacher_id for x in lessons] + [x.substitute_id for x in lessons]
    return _Names(
        classes=await _rows(uow, SchoolClass, (x.class_id for x in items)),
        groups=await _rows(uow, Group, (x.group_id for x in items)),
        subjects=await _rows(uow, Subject, (x.subject_id for x in items)),
        staff=await _rows(uow, Staff, people),
    )


async def _filled(uow: UnitOfWork, lesson_ids: list[int]) -> tuple[set[int], set[int]]:
    """The lessons (of `lesson_ids`) with live attendance rows, and with homework."""
    if not lesson_ids:
        return set(), set()
    attendance = select(Attendance.lesson_id).where(
        col(Attendance.lesson_id).in_(lesson_ids), not_deleted(Attendance)
    )
    homework = select(Homework.lesson_id).where(
        col(Homework.lesson_id).in_(lesson_ids), not_deleted(Homework)
    )
    return (
        set((await uow.session.exec(attendance.distinct())).all()),
        set((await uow.session.exec(homework.distinct())).all()),
    )


_Bells = dict[int, tuple[str, str]]


def _bells(school: School) -> _Bells:
    """slot → (start, end) from the school's bell schedule (either may be missing)."""
    return {
        int(bell["slot"]): (str(bell.get("start", "")), str(bell.get("end", "")))
        for bell in school.bells
        if "slot" in bell
    }


def _from_lesson(
    lesson: Lesson, me: Staff, names: _Names, bells: _Bells, filled: tuple[set[int], set[int]]
) -> DayLesson:
    lesson_id = lesson.id or 0
    with_attendance, with_homework = filled
    mine = lesson.teacher_id == me.id
    substitute = names.staff.get(lesson.substitute_id or 0)
    starts, ends = bells.get(lesson.slot, ("", ""))
    return DayLesson(
        slot=lesson.slot,
        starts=starts,
        ends=ends,
        class_name=names.where(lesson.class_id, lesson.group_id),
        subject=names.subjects[lesson.subject_id].name,
        lesson_id=lesson_id,
        topic=lesson.topic,
        # Seed 002 §2.5.2: the roll call counts even when nobody was missing.
        has_attendance=lesson.roll_called_at is not None or lesson_id in with_attendance,
        has_homework=lesson_id in with_homework,
        substituting_for=None if mine else names.staff[lesson.teacher_id].short_name,
        substituted_by=substitute.short_name if mine and substitute else None,
    )


def _from_plan(entry: TimetableEntry, names: _Names, bells: _Bells) -> DayLesson:
    starts, ends = bells.get(entry.slot, ("", ""))
    return DayLesson(
        slot=entry.slot,
        starts=starts,
        ends=ends,
        class_name=names.where(entry.class_id, entry.group_id),
        subject=names.subjects[entry.subject_id].name,
        lesson_id=None,
        topic="",
        has_attendance=False,
        has_homework=False,
        room=entry.room,
    )
