"""A parent reads homework, the week's diary and marks for each of their children."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from core.db import Database
from core.models import Lesson, Messenger
from core.services.homework import set_homework
from core.services.subscriptions import unlink_chat
from core.uow import UnitOfWork
from tests.bot.harness import Answer, BotUnderTest, running_bot
from tests.bot.reading_helpers import about, at_now, leaked, link_chat, plain
from tests.builders import NOW, TODAY, World, insert, uow_at
from tests.integration.reading_helpers import write_week

CHAT = 8101
WEEKDAYS = ("пн ", "вт ", "ср ", "чт ", "пт ", "сб ")
LONG = (
    "Прочитать параграф 14 и ответить письменно на вопросы 1–6 на с. 88; выучить "
    "определения; решить задачи 5, 7 и 9 из рабочей тетради"
)
# A message's text at most: Telegram's 4,096 and MAX's 4,000 characters.
TEXT_LIMIT = {Messenger.telegram: 4096, Messenger.max: 4000}
PETYA, DASHA, MASHA = "👤 Пётр Соколов, 7Б", "👤 Дарья Соколова, 1А", "👤 Мария Соколова, 7Б"


@pytest.fixture
async def system(bot_system: BotUnderTest, world: World) -> BotUnderTest:
    await write_week(bot_system.db, world)
    await link_chat(bot_system.db, world, "sokolova", bot_system.chat(CHAT))
    return at_now(bot_system)


def _by_child(answers: list[Answer]) -> dict[str, str]:
    return {plain(a).split("\n", 1)[0]: plain(a) for a in answers}


async def test_homework_comes_once_per_child_and_names_each(system: BotUnderTest) -> None:
    parent = system.person(CHAT)
    answers = await parent.send("/homework")

    assert about(answers) == [PETYA, DASHA, MASHA]
    texts = _by_child(answers)
    petya = texts[PETYA]
    assert "Сегодня, пн 23.11" in petya and "Завтра, вт 24.11" in petya
    assert "• Математика: № 5–7, с. 34 (к 25.11)" in petya
    assert "• Математика: Карточка №4 (лично)" in petya
    assert "• Английский язык: Workbook p. 12" in petya
    assert "• Математика: §12, № 1–4 (задано 20.11)" in petya
    assert "Карточка №9" not in petya  # Vanya's own homework
    masha = texts[MASHA]
    assert "№ 5–7, с. 34" in masha and "Workbook p. 12" in masha and "Карточка" not in masha
    assert "заданий нет" in texts[DASHA]
    [greeting] = await parent.send("/start")
    assert "📚 Домашнее задание" in greeting.keyboard
    again = await parent.menu("📚 Домашнее задание")
    assert [plain(a) for a in again] == [plain(a) for a in answers]


async def test_the_diary_moves_by_week_in_the_same_message(
    system: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    parent = system.person(CHAT)
    answers = await parent.send("/diary")
    assert about(answers) == [PETYA, DASHA, MASHA]
    petya = answers[0]
    text = plain(petya)
    assert "📅 Дневник: 23–28 ноября 2026" in text
    for line in (
        "пн 23.11",
        "2. Математика — 5 к/р, 3 устн.",
        "Сложение дробей",
        "📝 № 5–7, с. 34 (к 25.11)",
        "📝 Карточка №4 (лично)",
        "3. Русский язык — оп 10 мин",
        "🌟 Благодарность: Отличный ответ у доски",
        "7. Робототехника — н",
        "🌟 Благодарность: Победа в школьной олимпиаде",
        "вт 24.11\n1. Математика\n    Проценты",
        "чт 26.11 — уроков нет",
    ):
        assert line in text, line
    assert "Не выполнил" not in text  # not ticked for parents
    assert "Забыл тетрадь" not in text  # deleted
    assert [t for t, _ in petya.buttons] == ["◀", "▶"]
    assert "Робототехника" not in plain(answers[2])  # Masha is not in the elective

    [later] = await parent.tap("▶", on=petya)
    assert later.message_id == petya.message_id  # edited, not sent anew
    assert plain(later).startswith(PETYA)
    assert "30 ноября – 5 декабря 2026" in plain(later)
    assert "пн 30.11 — уроков нет" in plain(later)
    # A double tap (the stale ▶ again) shows the same week: nothing changes, no error.
    # (Telegram refuses an edit that changes nothing; MAX takes it: the same text again.)
    twice = await parent.tap("▶", on=petya)
    assert all(
        (a.message_id, a.text, a.buttons) == (later.message_id, later.text, later.buttons)
        for a in twice
    )
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    [back] = await parent.tap("◀", on=later)
    assert "23–28 ноября 2026" in plain(back)
    [before] = await parent.tap("◀", on=back)
    assert before.message_id == petya.message_id
    assert "16–21 ноября 2026" in plain(before)
    assert "пт 20.11\n1. Математика\n    📝 §12, № 1–4 (к 24.11)" in plain(before)
    # Masha's diary was left where it was.
    assert "23–28 ноября 2026" in plain((await parent.history())[-1])


async def test_marks_with_weighted_averages_and_absences(system: BotUnderTest) -> None:
    parent = system.person(CHAT)
    await parent.send("/start")
    texts = _by_child(await parent.menu("📊 Оценки"))
    assert list(texts) == [PETYA, DASHA, MASHA]
    petya = texts[PETYA]
    assert "📊 Оценки за 14 дн." in petya
    assert "23.11 Английский язык — 5 устн." in petya
    assert "23.11 Математика — 3 устн." in petya and "23.11 Математика — 5 к/р" in petya
    assert "Средние за 2 четверть" in petya
    assert "Математика — 4,33 (5 3)" in petya and "Английский язык — 5,00 (5)" in petya
    assert "Математика — 4,00 (4)" in texts[MASHA]
    assert "В этом классе отметки не ставятся." in texts[DASHA]

    absences = _by_child(await parent.send("/absences"))
    assert "н — 1 · б — 0 · оп — 1" in absences[PETYA]
    assert "23.11 Робототехника — н" in absences[PETYA]
    assert "23.11 Русский язык — оп 10 мин" in absences[PETYA]
    assert "Пропусков и опозданий нет." in absences[MASHA]


async def test_a_parent_who_chose_english_reads_english(
    bot_system: BotUnderTest, world: World
) -> None:
    await write_week(bot_system.db, world)
    await link_chat(bot_system.db, world, "novikov", bot_system.chat(8201), language="en")
    system = at_now(bot_system)
    father = system.person(8201, language_code="en")
    [diary] = await father.send("/diary")
    text = plain(diary)
    assert text.startswith("👤 Иван Новиков, 7Б\n📅 Diary: 23–28 November 2026")
    assert "Mon 23 Nov" in text and "📝 Карточка №9 (individual)" in text
    await father.send("/start")
    [marks] = await father.menu("📊 Marks")
    assert "Averages, 2 четверть" in plain(marks) and "Математика — 3.00 (3)" in plain(marks)


async def test_a_long_week_comes_in_parts_each_naming_the_child(
    bot_system: BotUnderTest, world: World
) -> None:
    db = bot_system.db
    lessons = [
        Lesson(
            school_id=world.school_id,
            class_id=world.classes["7Б"],
            subject_id=world.subjects["Математика"],
            teacher_id=world.staff["math"],
            date=TODAY + dt.timedelta(days=day),
            slot=slot,
            created_at=NOW,
        )
        for day in range(1, 6)
        for slot in range(1, 8)
    ]
    for lesson_id in await insert(db, *lessons):
        await set_homework(uow_at(db), actor=world.actor("math"), lesson_id=lesson_id, text=LONG)
    await link_chat(db, world, "novikov", bot_system.chat(8250))
    system = at_now(bot_system)
    father = system.person(8250)

    parts = await father.send("/diary")
    assert len(parts) >= 2
    assert all(len(p.text) <= TEXT_LIMIT[system.messenger] for p in parts)
    assert about(parts) == ["👤 Иван Новиков, 7Б"] * len(parts)
    assert [bool(p.buttons) for p in parts] == [False] * (len(parts) - 1) + [True]
    days = [line for p in parts for line in plain(p).split("\n") if line[:3] in WEEKDAYS]
    assert days == [
        "пн 23.11",
        "вт 24.11",
        "ср 25.11",
        "чт 26.11",
        "пт 27.11",
        "сб 28.11",
    ]
    assert sum(plain(p).count(LONG) for p in parts) == 35

    [previous] = await father.tap("◀", on=parts[-1])
    assert previous.message_id == parts[-1].message_id
    assert "16–21 ноября 2026" in plain(previous) and previous.buttons
    # Back to the long week: the tapped message takes its first part, the rest follow.
    again = await father.tap("▶", on=previous)
    assert again[0].message_id == previous.message_id
    assert [plain(a) for a in again] == [plain(p) for p in parts]
    assert [bool(a.buttons) for a in again] == [bool(p.buttons) for p in parts]


async def test_a_stranger_reads_nothing(system: BotUnderTest) -> None:
    for number, text in enumerate(
        ["/homework", "/diary", "/marks", "/absences", "📅 Дневник на неделю", "🚪 Пропуски"]
    ):
        answers = await system.person(8300 + number).send(text)
        assert answers, text
        assert leaked(answers) == [], (text, [a.text for a in answers])
        assert all(a.buttons == [] for a in answers)
        assert "не подключён" in plain(answers[0])


# Telegram only: a Telegram client may send any callback data with a message's id (a
# modified client forges it); MAX sends only the payload of a button the message carries
# (its stand-in refuses any other), so there the forgery cannot happen. The stale button
# of the next scenario is the same refusal in both.
@pytest.mark.parametrize("messenger", [Messenger.telegram], ids=["telegram"])
async def test_another_familys_week_button_shows_nothing(
    system: BotUnderTest, world: World
) -> None:
    """A diary button carrying a child this chat does not follow (a forged callback)."""
    await link_chat(system.db, world, "novikov", system.chat(8401))
    novikov = system.person(8401)
    [own] = await novikov.send("/diary")
    forged = Answer(
        {
            "message_id": own.message_id,
            "reply_markup": {
                "inline_keyboard": [
                    [{"text": "▶", "callback_data": f"diary:{world.students['petya']}:2026-11-23"}]
                ]
            },
        }
    )
    assert await novikov.tap("▶", on=forged) == []
    alert = (await system.alerts())[-1]
    assert (alert["text"], alert["show_alert"]) == ("Эта кнопка больше не действует.", True)
    assert "Соколов" not in plain((await novikov.history())[-1])


async def test_a_week_button_of_a_child_no_longer_followed_shows_nothing(
    system: BotUnderTest, world: World
) -> None:
    """The chat unsubscribed from one family and now follows another: the first family's
    old diary buttons refuse and show nothing of them."""
    chat = system.chat(8402)
    await link_chat(system.db, world, "sokolova", chat)
    parent = system.person(8402)
    petya = (await parent.send("/diary"))[0]
    assert plain(petya).startswith(PETYA)
    await unlink_chat(UnitOfWork(system.db), chat=chat)
    await link_chat(system.db, world, "novikov", chat)

    assert await parent.tap("▶", on=petya) == []
    alert = (await system.alerts())[-1]
    assert (alert["text"], alert["show_alert"]) == ("Эта кнопка больше не действует.", True)
    [still] = [a for a in await parent.history() if a.message_id == petya.message_id]
    assert (still.text, still.edited_at) == (petya.text, None)


async def test_with_the_journal_down_the_parent_is_told(
    redis_url: str, messenger: Messenger
) -> None:
    unreachable = Database("postgresql+asyncpg://zvonok:zvonok@127.0.0.1:1/zvonok")
    try:
        async with running_bot(unreachable, redis_url, messenger) as system:
            [down] = await system.person(8501).send("/diary")
            assert plain(down) == "Электронный журнал сейчас недоступен. Попробуйте позже."
    finally:
        await unreachable.dispose()


async def test_the_teachers_estimate_of_the_time_comes_with_the_task(
    bot_system: BotUnderTest, world: World
) -> None:
    db = bot_system.db
    await set_homework(
        uow_at(db),
        actor=world.actor("math"),
        lesson_id=world.lessons["math7"],
        text="Задачи 8–10",
        minutes=30,
    )
    await link_chat(db, world, "novikov", bot_system.chat(8260))
    father = at_now(bot_system).person(8260)
    [homework] = await father.send("/homework")
    assert "• Математика: Задачи 8–10 ~30 мин" in plain(homework)
    [diary] = await father.send("/diary")
    assert "📝 Задачи 8–10 ~30 мин" in plain(diary)
