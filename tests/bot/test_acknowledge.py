"""«Ознакомлен» through the real bot: an announcement delivered by the worker's own job
(through the notifier's TelegramChannel, into the emulator) carries the button; the
parent's press is recorded and the button then shows when it was pressed.

Соколова (chat MOTHER, Russian) and Новиков (chat FATHER, English) have children in
7Б; Морозова (chat 10А_MOTHER) has a daughter in 10А.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from core.models import Acknowledgement, Guardian
from core.services.announcements import post_announcement
from core.settings import Settings
from notifier.base import OutgoingMessage
from notifier.ratelimit import RateLimiter
from notifier.telegram import TelegramChannel
from tests.bot.harness import BotUnderTest
from tests.builders import World, update_row
from tests.integration.delivery_helpers import Clock, msk, relay_and_dispatch, start_due
from workers.deliveries import deliver

MOTHER, FATHER, LENAS_MOTHER, STRANGER = 6001, 6002, 6003, 7777
MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture
async def linked(bot_system: BotUnderTest, world: World) -> BotUnderTest:
    db = bot_system.db
    await update_row(db, Guardian, world.guardians["sokolova"], telegram_chat_id=MOTHER)
    await update_row(
        db, Guardian, world.guardians["novikov"], telegram_chat_id=FATHER, language="en"
    )
    await update_row(db, Guardian, world.guardians["morozova"], telegram_chat_id=LENAS_MOTHER)
    return bot_system


@pytest.fixture
async def channel(linked: BotUnderTest) -> AsyncIterator[TelegramChannel]:
    """The channel the delivery worker sends with: same token, paced by the shared limiter."""
    emulator = linked.emulator
    telegram = TelegramChannel(
        emulator.token, limiter=RateLimiter(linked.redis), api_url=emulator.base_url
    )
    yield telegram
    await telegram.close()


async def deliver_announcement(system: BotUnderTest, world: World, channel: TelegramChannel) -> int:
    """Class teacher Петров posts to 7Б; the workers' steps deliver it by Telegram."""
    clock = Clock(system.db, msk(10))
    announcement = await post_announcement(
        clock.uow(),
        actor=world.actor("russian"),
        class_id=world.classes["7Б"],
        title="Родительское собрание",
        body="В четверг в 18:00, кабинет 21.",
    )
    await relay_and_dispatch(clock)
    clock.advance(120)
    ctx: dict[str, Any] = {
        "db": system.db,
        "channels": {"telegram": channel},
        "settings": Settings(),
    }
    for delivery_id in await start_due(clock):
        assert await deliver(ctx, delivery_id) == "sent"
    return announcement.id or 0


async def presses(system: BotUnderTest) -> list[Acknowledgement]:
    async with system.db.session() as s:
        return list((await s.exec(select(Acknowledgement))).all())


async def last_callback_answer(system: BotUnderTest) -> dict[str, Any]:
    return (await system.emulator.control.callback_answers())[-1]


def stamp(instant: dt.datetime, pattern: str = "%d.%m %H:%M") -> str:
    """When a press was recorded, on the school's clock, as the reader's language writes
    dates: «06.12 08:27» in Russian, "06/12 08:27" in English."""
    return instant.astimezone(MOSCOW).strftime(pattern)


async def test_the_delivered_button_records_the_press_and_shows_its_time(
    linked: BotUnderTest, world: World, channel: TelegramChannel
) -> None:
    announcement_id = await deliver_announcement(linked, world, channel)
    data = f"ack:announcement:{announcement_id}"
    mother = linked.person(MOTHER)
    [message] = await mother.history()
    assert "Родительское собрание" in message.text
    assert message.buttons == [("✅ Ознакомлен", data)]

    [edited] = await mother.tap("✅ Ознакомлен")
    [row] = await presses(linked)
    assert (row.guardian_id, row.announcement_id, row.via) == (
        world.guardians["sokolova"],
        announcement_id,
        "telegram",
    )
    at = stamp(row.at)
    assert edited.message_id == message.message_id
    assert edited.buttons == [(f"✓ Ознакомлен(а) {at}", data)]
    assert "Родительское собрание" in edited.text  # the text itself is untouched
    answer = await last_callback_answer(linked)
    assert answer["text"] == f"Спасибо, отмечено: {at}" and not answer["show_alert"]

    # A second press keeps the first one and says so.
    assert await mother.tap(data) == []
    assert (await last_callback_answer(linked))["text"] == f"Уже отмечено: {at}"
    assert len(await presses(linked)) == 1


async def test_the_english_button_and_its_answer(
    linked: BotUnderTest, world: World, channel: TelegramChannel
) -> None:
    announcement_id = await deliver_announcement(linked, world, channel)
    father = linked.person(FATHER, language_code="en")
    [message] = await father.history()
    assert message.buttons == [("✅ Acknowledged", f"ack:announcement:{announcement_id}")]
    [edited] = await father.tap("✅ Acknowledged")
    [row] = await presses(linked)
    assert row.guardian_id == world.guardians["novikov"]
    assert edited.buttons[0][0] == f"✓ Acknowledged {stamp(row.at, '%d/%m %H:%M')}"
    assert (await last_callback_answer(linked))["text"].startswith("Thank you, acknowledged")


async def button_message(channel: TelegramChannel, chat: int, data: str) -> None:
    """A message with an «Ознакомлен» button, sent as the worker sends one."""
    sent = await channel.send(
        OutgoingMessage(address=str(chat), text="Сообщение", buttons=(("✅ Ознакомлен", data),))
    )
    assert sent.outcome == "sent"


async def test_a_press_from_a_chat_that_is_not_the_guardians_is_refused(
    linked: BotUnderTest, world: World, channel: TelegramChannel
) -> None:
    announcement_id = await deliver_announcement(linked, world, channel)
    for_7b = f"ack:announcement:{announcement_id}"
    petyas_week = f"ack:week:{world.students['petya']}:2026-11-23"
    no_ru, no_en = "Эта отметка вам недоступна.", "This acknowledgement is not available to you."
    cases = [
        (STRANGER, for_7b, no_ru),  # a chat linked to nobody
        (LENAS_MOTHER, for_7b, no_ru),  # her daughter is in 10А
        (FATHER, petyas_week, no_en),  # not his child (he reads English)
        (MOTHER, "ack:announcement:999999", no_ru),  # no such announcement
    ]
    for chat, data, refusal in cases:
        await button_message(channel, chat, data)
        person = linked.person(chat)
        await person.tap(data)
        message = (await person.history())[-1]
        assert message.buttons == [("✅ Ознакомлен", data)]  # left as it was
        assert message.raw["edited_at"] is None
        answer = await last_callback_answer(linked)
        assert (answer["text"], answer["show_alert"]) == (refusal, True)
    assert await presses(linked) == []


async def test_the_weekly_summary_button_records_the_week(
    linked: BotUnderTest, world: World, channel: TelegramChannel
) -> None:
    today = dt.datetime.now(MOSCOW).date()
    monday = today - dt.timedelta(days=today.weekday())
    data = f"ack:week:{world.students['masha']}:{monday.isoformat()}"
    await button_message(channel, MOTHER, data)
    [edited] = await linked.person(MOTHER).tap(data)
    [row] = await presses(linked)
    assert (row.subject, row.student_id, row.announcement_id) == (
        data.removeprefix("ack:"),
        world.students["masha"],
        None,
    )
    assert edited.buttons == [(f"✓ Ознакомлен(а) {stamp(row.at)}", data)]
