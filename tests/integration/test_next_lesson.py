"""Homework given through the bot goes on the next lesson of the timetable, put in the
journal when it is not there yet (a Sunday evening for Monday's class)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select

from core.actors import StaffActor
from core.db import Database
from core.errors import RuleViolation
from core.models import Homework, Lesson, TimetableEntry
from core.services.homework import set_homework_for_next_lesson
from tests.builders import TODAY, World, build_world, insert, uow_at
from tests.integration.outbox_helpers import audit_trail, outbox

MSK = dt.timezone(dt.timedelta(hours=3))
SUNDAY_EVENING = dt.datetime(2026, 11, 22, 21, 30, tzinfo=MSK)  # TODAY is the Monday after


async def _timetable(db: Database, w: World, *bells: tuple[int, int]) -> None:
    """10А's mathematics on these (weekday, bell)s; the journal has no 10А lesson."""
    await insert(
        db,
        *(
            TimetableEntry(
                school_id=w.school_id,
                class_id=w.classes["10А"],
                subject_id=w.subjects["Математика"],
                teacher_id=w.staff["math"],
                weekday=weekday,
                slot=slot,
            )
            for weekday, slot in bells
        ),
    )


async def _give(db: Database, w: World, at: dt.datetime, text: str = "§ 4, № 1–3") -> Homework:
    return await set_homework_for_next_lesson(
        uow_at(db, at),
        actor=StaffActor(staff_id=w.staff["math"], school_id=w.school_id),
        class_id=w.classes["10А"],
        subject_id=w.subjects["Математика"],
        text=text,
    )


async def _lessons_of_10a(db: Database, w: World) -> list[Lesson]:
    async with db.session() as s:
        query = select(Lesson).where(Lesson.class_id == w.classes["10А"])
        return list((await s.exec(query.order_by(col(Lesson.date)))).all())


async def test_on_sunday_evening_homework_goes_on_mondays_timetable_lesson(db: Database) -> None:
    w = await build_world(db)
    await _timetable(db, w, (2, 1), (0, 3))  # Wednesday 1st bell, Monday 3rd bell

    homework = await _give(db, w, SUNDAY_EVENING)

    [lesson] = await _lessons_of_10a(db, w)
    assert (lesson.date, lesson.slot, lesson.teacher_id) == (TODAY, 3, w.staff["math"])
    assert homework.lesson_id == lesson.id and homework.source == "journal"
    [event] = await outbox(db, "homework_set")
    assert event.payload["lesson"]["date"] == TODAY.isoformat()
    assert [a.action for a in await audit_trail(db, "lesson", lesson.id or 0)] == ["create"]
    # A second homework that evening finds Monday's lesson in the journal now.
    again = await _give(db, w, SUNDAY_EVENING + dt.timedelta(minutes=5), "Повторить § 3")
    assert again.lesson_id == lesson.id and len(await _lessons_of_10a(db, w)) == 1


async def test_a_timetable_lesson_before_the_journals_next_one_comes_first(db: Database) -> None:
    w = await build_world(db)
    await _timetable(db, w, (0, 3))
    [wednesday] = await insert(
        db,
        Lesson(
            school_id=w.school_id,
            class_id=w.classes["10А"],
            subject_id=w.subjects["Математика"],
            teacher_id=w.staff["math"],
            date=TODAY + dt.timedelta(days=2),
            slot=1,
            created_at=SUNDAY_EVENING,
        ),
    )
    homework = await _give(db, w, SUNDAY_EVENING)
    assert homework.lesson_id != wednesday
    # On Tuesday the journal's Wednesday lesson is the next one.
    tuesday = await _give(db, w, SUNDAY_EVENING + dt.timedelta(days=2))
    assert tuesday.lesson_id == wednesday


async def test_holidays_are_skipped(db: Database) -> None:
    w = await build_world(db)
    await _timetable(db, w, (0, 3), (2, 1))
    # The autumn holidays run from Monday 26 October to Wednesday 4 November.
    before = dt.datetime(2026, 10, 25, 20, 0, tzinfo=MSK)
    await _give(db, w, before)
    [lesson] = await _lessons_of_10a(db, w)
    assert (lesson.date, lesson.slot) == (dt.date(2026, 11, 9), 3)


async def test_the_fallback_replay_puts_mondays_lesson_in_the_journal_too(db: Database) -> None:
    w = await build_world(db)
    await _timetable(db, w, (0, 3))
    homework = await set_homework_for_next_lesson(
        uow_at(db, SUNDAY_EVENING + dt.timedelta(hours=12)),  # replayed on Monday morning
        actor=StaffActor(staff_id=w.staff["math"], school_id=w.school_id),
        class_id=w.classes["10А"],
        subject_id=w.subjects["Математика"],
        text="№ 7",
        entered_at=SUNDAY_EVENING,  # broadcast on Sunday evening
        fallback_key="e" * 32,
    )
    [lesson] = await _lessons_of_10a(db, w)
    assert (lesson.date, homework.lesson_id, homework.source) == (TODAY, lesson.id, "fallback")


async def test_neither_journal_nor_timetable_says_so(db: Database) -> None:
    w = await build_world(db)
    with pytest.raises(RuleViolation) as refused:
        await _give(db, w, SUNDAY_EVENING)
    assert str(refused.value) == (
        "Ни в журнале, ни в расписании нет урока «Математика» в 10А с 22.11.2026 до конца "
        "учебного года: сначала добавьте урок в расписание или запишите его в журнал."
    )
    assert await _lessons_of_10a(db, w) == []
