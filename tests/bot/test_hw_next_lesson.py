"""/hw through the real bot, on Telegram and on MAX: homework for a lesson the timetable has and the journal not
yet (it is put in the journal), and a refused entry that keeps its text and offers what
to do next."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from core.db import Database
from core.models import Homework, Lesson, TimetableEntry, utcnow
from tests.bot.harness import BotUnderTest, Person
from tests.bot.settings_helpers import link_teacher
from tests.builders import World, insert

TEACHER = 9001  # math: 1А, 7Б, 10А
KEPT = "Домашнее задание не записано. Ваш текст сохранён:"
NEXT_STEPS = ["Отправить ещё раз", "Другой класс или предмет", "Изменить текст", "Отмена"]


async def teacher_of(system: BotUnderTest, world: World) -> Person:
    """The mathematics teacher, linked to the bot in the messenger of the test."""
    await link_teacher(system.db, world, "math", system.messenger, TEACHER)
    return system.person(TEACHER)


def school_today() -> dt.date:
    return utcnow().astimezone(ZoneInfo("Europe/Moscow")).date()


async def timetable_for_10a(db: Database, w: World, day: dt.date, slot: int) -> None:
    """10А's mathematics on `day`'s weekday, at `slot`: in the timetable only."""
    await insert(
        db,
        TimetableEntry(
            school_id=w.school_id,
            class_id=w.classes["10А"],
            subject_id=w.subjects["Математика"],
            teacher_id=w.staff["math"],
            weekday=day.weekday(),
            slot=slot,
        ),
    )


async def lessons_of_10a(db: Database, w: World) -> list[Lesson]:
    async with db.session() as s:
        query = select(Lesson).where(Lesson.class_id == w.classes["10А"])
        return list((await s.exec(query.order_by(col(Lesson.id)))).all())


async def homework_rows(db: Database) -> list[Homework]:
    async with db.session() as s:
        return list((await s.exec(select(Homework).order_by(col(Homework.id)))).all())


async def test_homework_goes_on_tomorrows_timetable_lesson(
    bot_system: BotUnderTest, world: World, sqlite_db: Database
) -> None:
    tomorrow = school_today() + dt.timedelta(days=1)
    await timetable_for_10a(sqlite_db, world, tomorrow, 3)
    teacher = await teacher_of(bot_system, world)
    await teacher.send("/hw")
    await teacher.tap("10А · Математика")
    [preview] = await teacher.send("§ 4, № 1–3")
    [done] = await teacher.tap("Отправить", on=preview)

    assert f"Записано в журнал: 10А, Математика, урок {tomorrow:%d.%m.%Y}" in done.text
    [lesson] = await lessons_of_10a(sqlite_db, world)
    assert (lesson.date, lesson.slot, lesson.teacher_id) == (tomorrow, 3, world.staff["math"])
    [row] = await homework_rows(sqlite_db)
    assert (row.lesson_id, row.text) == (lesson.id, "§ 4, № 1–3")


async def test_a_refused_entry_keeps_the_text_and_offers_what_next(
    bot_system: BotUnderTest, world: World, sqlite_db: Database
) -> None:
    teacher = await teacher_of(bot_system, world)
    await teacher.send("/hw")
    await teacher.tap("10А · Математика")
    [preview] = await teacher.send("Выучить таблицу умножения на 7")
    [refused] = await teacher.tap("Отправить", on=preview)
    assert refused.message_id == preview.message_id
    assert "нет урока «Математика» в 10А" in refused.text
    assert KEPT in refused.text and "Выучить таблицу умножения на 7" in refused.text
    assert [label for label, _ in refused.buttons] == NEXT_STEPS
    assert await homework_rows(sqlite_db) == []

    # The deputy puts the lesson in the timetable; the same text goes now.
    await timetable_for_10a(sqlite_db, world, school_today(), 6)
    [again] = await teacher.tap("Отправить ещё раз", on=refused)
    assert "Выучить таблицу умножения на 7" in again.text
    assert [label for label, _ in again.buttons] == ["Отправить", "Отмена"]
    [done] = await teacher.tap("Отправить", on=again)
    assert "Записано в журнал: 10А, Математика" in done.text
    [row] = await homework_rows(sqlite_db)
    assert row.text == "Выучить таблицу умножения на 7"


async def test_a_refused_entry_goes_to_another_class_or_with_another_text(
    bot_system: BotUnderTest, world: World, sqlite_db: Database
) -> None:
    await timetable_for_10a(sqlite_db, world, school_today(), 6)
    teacher = await teacher_of(bot_system, world)
    await teacher.send("/hw")
    await teacher.tap("1А · Математика")
    [preview] = await teacher.send("Прописи, с. 12")
    [refused] = await teacher.tap("Отправить", on=preview)
    assert KEPT in refused.text  # 1А has no mathematics lesson ahead either

    [pages] = await teacher.tap("Другой класс или предмет", on=refused)
    assert "10А · Математика" in [label for label, _ in pages.buttons]
    [other] = await teacher.tap("10А · Математика", on=pages)
    assert "10А, Математика" in other.text and "Прописи, с. 12" in other.text  # not retyped
    [done] = await teacher.tap("Отправить", on=other)
    assert "Записано в журнал: 10А, Математика" in done.text

    await teacher.send("/hw")
    await teacher.tap("1А · Математика")
    [preview] = await teacher.send("Прописи, с. 13")
    [refused] = await teacher.tap("Отправить", on=preview)
    [ask] = await teacher.tap("Изменить текст", on=refused)
    assert "1А, Математика" in ask.text and not ask.buttons
    [preview] = await teacher.send("Прописи, с. 14")
    assert "Прописи, с. 14" in preview.text
    [cancelled] = await teacher.tap("Отмена", on=preview)
    assert cancelled.text.startswith("Отменено")
    assert [row.text for row in await homework_rows(sqlite_db)] == ["Прописи, с. 12"]
