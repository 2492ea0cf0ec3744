"""The next lesson of a journal page: the journal's, or the timetable's.

Homework given through the bot goes on the page's next lesson. On a Sunday evening
Monday's lesson is in the timetable but not yet in the journal (a lesson row is made
when the teacher records it); it is put in the journal then, in the same transaction
as the homework, with the rules of `core.services.lessons.place_lesson`.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from core.journal_page import JournalPage
from core.models import AcademicYear, Holiday, Lesson, TimetableEntry
from core.rows import not_deleted
from core.services.lessons import place_lesson
from core.uow import UnitOfWork


async def _first_in_journal(uow: UnitOfWork, page: JournalPage, on: dt.date) -> Lesson | None:
    """The page's first live lesson on `on` or later (by date, then bell)."""
    query = select(Lesson).where(
        Lesson.class_id == page.klass.id,
        Lesson.subject_id == page.subject.id,
        Lesson.date >= on,
        not_deleted(Lesson),
        col(Lesson.group_id).is_(None) if page.group is None else Lesson.group_id == page.group_id,
    )
    found = await uow.session.exec(query.order_by(col(Lesson.date), col(Lesson.slot)).limit(1))
    return found.first()


async def _timetable(uow: UnitOfWork, page: JournalPage) -> dict[int, int]:
    """Weekday (0 = Monday) → the page's first bell that day in the timetable."""
    query = select(TimetableEntry.weekday, TimetableEntry.slot).where(
        TimetableEntry.class_id == page.klass.id,
        TimetableEntry.subject_id == page.subject.id,
        col(TimetableEntry.group_id).is_(None)
        if page.group is None
        else TimetableEntry.group_id == page.group_id,
    )
    bells: dict[int, int] = {}
    for weekday, slot in (await uow.session.exec(query)).all():
        bells[weekday] = min(slot, bells.get(weekday, slot))
    return bells


async def _days_off(
    uow: UnitOfWork, page: JournalPage, first: dt.date, last: dt.date
) -> set[dt.date]:
    query = select(Holiday).where(
        Holiday.school_id == page.school.id, Holiday.ends_on >= first, Holiday.starts_on <= last
    )
    days: set[dt.date] = set()
    for holiday in (await uow.session.exec(query)).all():
        day = max(holiday.starts_on, first)
        while day <= min(holiday.ends_on, last):
            days.add(day)
            day += dt.timedelta(days=1)
    return days


async def _first_in_timetable(
    uow: UnitOfWork, page: JournalPage, on: dt.date
) -> tuple[dt.date, int] | None:
    """The first school day from `on` to the end of the class's year on which the
    timetable has the page, and its bell."""
    bells = await _timetable(uow, page)
    year = await uow.session.get(AcademicYear, page.klass.year_id)
    if not bells or year is None:
        return None
    day, last = max(on, year.starts_on), year.ends_on
    days_off = await _days_off(uow, page, day, last)
    while day <= last:
        if day.weekday() in bells and day not in days_off:
            return day, bells[day.weekday()]
        day += dt.timedelta(days=1)
    return None


async def next_lesson(uow: UnitOfWork, page: JournalPage, on: dt.date) -> Lesson | None:
    """The page's next lesson from `on`: the earlier of the journal's next one and the
    timetable's, the latter put in the journal (inside the caller's unit of work).

    None when neither the journal nor the timetable has one until the end of the year.
    """
    recorded = await _first_in_journal(uow, page, on)
    planned = await _first_in_timetable(uow, page, on)
    if planned is None or (recorded is not None and (recorded.date, recorded.slot) <= planned):
        return recorded
    return await place_lesson(uow, page, *planned)
