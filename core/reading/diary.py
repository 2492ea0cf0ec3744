"""The week's diary and the homework ahead, as a family reads them."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from core.actors import Actor
from core.models import Holiday, Lesson
from core.reading.access import ReadScope, open_student, student_card
from core.reading.journal import (
    LessonNotes,
    homework_entries,
    homework_for_student,
    lesson_notes,
    remarks_outside_lessons,
    student_lessons,
    subject_names,
)
from core.reading.upcoming_tests import student_tests
from core.reading.views import (
    DayHomework,
    DiaryDay,
    DiaryLesson,
    HomeworkAhead,
    HomeworkEntry,
    WeekDiary,
)
from core.uow import UnitOfWork

DIARY_DAYS = 6  # Monday to Saturday, as a paper diary's spread
# How far back a homework's lesson may lie for it to count as "due" on a later day.
DUE_LOOKBACK_DAYS = 60


async def holidays_between(
    uow: UnitOfWork, school_id: int, first: dt.date, last: dt.date
) -> list[Holiday]:
    query = select(Holiday).where(
        Holiday.school_id == school_id, Holiday.starts_on <= last, Holiday.ends_on >= first
    )
    return list((await uow.session.exec(query.order_by(col(Holiday.starts_on)))).all())


def holiday_on(holidays: list[Holiday], day: dt.date) -> str | None:
    return next((h.name for h in holidays if h.starts_on <= day <= h.ends_on), None)


def monday_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s week (a Sunday belongs to the week that ends with it)."""
    return day - dt.timedelta(days=day.weekday())


def next_school_day(day: dt.date, holidays: list[Holiday]) -> dt.date:
    """The first weekday after `day` that is no holiday."""
    candidate = day + dt.timedelta(days=1)
    while candidate.weekday() >= 5 or holiday_on(holidays, candidate) is not None:
        candidate += dt.timedelta(days=1)
    return candidate


def homework_days(today: dt.date, holidays: list[Holiday]) -> list[dt.date]:
    """Today and the next school day; on a weekend or a holiday, the next school day only."""
    upcoming = next_school_day(today, holidays)
    if today.weekday() >= 5 or holiday_on(holidays, today) is not None:
        return [upcoming]
    return [today, upcoming]


async def week_diary(
    uow: UnitOfWork, *, actor: Actor, student_id: int, week_start: dt.date | None = None
) -> WeekDiary:
    """Monday to Saturday of the week holding `week_start` (default: this week): each
    day's lessons by slot with subject, topic, the student's marks, attendance,
    homework and remarks, and the tests planned for the day (the test schedule)."""
    async with uow:
        scope = await open_student(uow, actor, student_id)
        return await build_week(uow, scope, monday_of(week_start or scope.today))


async def build_week(uow: UnitOfWork, scope: ReadScope, monday: dt.date) -> WeekDiary:
    """The week's page for a student already checked by `open_student`."""
    saturday = monday + dt.timedelta(days=DIARY_DAYS - 1)
    lessons = await student_lessons(uow, scope, monday, saturday)
    notes = await lesson_notes(uow, scope, lessons)
    loose = await remarks_outside_lessons(uow, scope, monday, saturday)
    holidays = await holidays_between(uow, scope.school.id or 0, monday, saturday)
    tests = await student_tests(uow, scope, monday, saturday)
    days = []
    for offset in range(DIARY_DAYS):
        day = monday + dt.timedelta(days=offset)
        days.append(
            DiaryDay(
                date=day,
                lessons=tuple(_lesson(x, notes) for x in lessons if x.date == day),
                remarks=tuple(r for r in loose if r.date == day),
                holiday=holiday_on(holidays, day),
                tests=tuple(t for t in tests if t.date == day),
            )
        )
    card = await student_card(uow, scope, min(saturday, max(monday, scope.today)))
    return WeekDiary(card, monday, scope.today, tuple(days))


def _lesson(lesson: Lesson, notes: LessonNotes) -> DiaryLesson:
    key = lesson.id or 0
    return DiaryLesson(
        lesson_id=key,
        slot=lesson.slot,
        subject=notes.subjects.get(lesson.subject_id, "?"),
        group=notes.groups.get(lesson.group_id) if lesson.group_id else None,
        topic=lesson.topic,
        marks=tuple(notes.marks.get(key, ())),
        attendance=notes.attendance.get(key),
        homework=tuple(notes.homework.get(key, ())),
        remarks=tuple(notes.remarks.get(key, ())),
    )


async def homework_ahead(uow: UnitOfWork, *, actor: Actor, student_id: int) -> HomeworkAhead:
    """Today's and the next school day's homework (on a weekend, the next school day's)."""
    async with uow:
        scope = await open_student(uow, actor, student_id)
        holidays = await holidays_between(
            uow, scope.school.id or 0, scope.today, scope.today + dt.timedelta(days=60)
        )
        days = tuple(
            [
                await _day_homework(uow, scope, d, holidays)
                for d in homework_days(scope.today, holidays)
            ]
        )
        return HomeworkAhead(await student_card(uow, scope, scope.today), scope.today, days)


async def homework_for_day(
    uow: UnitOfWork, *, actor: Actor, student_id: int, day: dt.date
) -> DayHomework:
    """The student's homework for `day`: set at that day's lessons (the class's, and
    individual homework for them alone; never another pupil's), then homework set at
    earlier lessons that is due that day."""
    async with uow:
        scope = await open_student(uow, actor, student_id)
        holidays = await holidays_between(uow, scope.school.id or 0, day, day)
        return await _day_homework(uow, scope, day, holidays)


async def _day_homework(
    uow: UnitOfWork, scope: ReadScope, day: dt.date, holidays: list[Holiday]
) -> DayHomework:
    earliest = day - dt.timedelta(days=DUE_LOOKBACK_DAYS)
    lessons = {x.id or 0: x for x in await student_lessons(uow, scope, earliest, day)}
    today_ids = [key for key, lesson in lessons.items() if lesson.date == day]
    earlier_ids = [key for key, lesson in lessons.items() if lesson.date < day]
    set_today = await homework_for_student(uow, scope, today_ids)
    due_today = await homework_for_student(uow, scope, earlier_ids, due_on=day)
    subjects = await subject_names(uow, {x.subject_id for x in lessons.values()})
    items: list[HomeworkEntry] = homework_entries(set_today, lessons, subjects)
    items.sort(key=lambda h: (h.slot, h.homework_id))
    items += homework_entries(due_today, lessons, subjects)
    return DayHomework(day, tuple(items), holiday_on(holidays, day))
