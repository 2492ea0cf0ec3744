"""«Ознакомлен» through the real bot: an announcement delivered by the worker's own job
(through the notifier's channel of the messenger, TelegramChannel into the emulator or
MaxChannel into the MAX stand-in) carries the button; the parent's press is recorded
and the button then shows when it was pressed.

Соколова (chat MOTHER, Russian) and Новиков (chat FATHER, English) have children in
7Б; Морозова (chat 10А_MOTHER) has a daughter in 10А.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from core.messengers import CHAT_FIELDS
from core.models import Acknowledgement, Guardian, Messenger
from core.services.announcements import post_announcement
from core.settings import Settings
from notifier.base import Channel, OutgoingMessage
from tests.bot.harness import BotUnderTest
from tests.builders import World, update_row
from tests.integration.delivery_helpers import Clock, msk, relay_and_dispatch, start_due
from workers.deliveries import deliver

# Every scenario on both messengers: «Ознакомлен» edits the delivered message in each messenger's own way.
pytestmark = pytest.mark.both_messengers

MOTHER, FATHER, LENAS_MOTHER, STRANGER = 6001, 6002, 6003, 7777
MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture
async def linked(bot_system: BotUnderTest, world: World) -> BotUnderTest:
    db, field = bot_system.db, CHAT_FIELDS[bot_system.messenger]
    await update_row(db, Guardian, world.guardians["sokolova"], **{field: MOTHER})
    await update_row(db, Guardian, world.guardians["novikov"], **{field: FATHER}, language="en")
    await update_row(db, Guardian, world.guardians["morozova"], **{field: LENAS_MOTHER})
    # They subscribed in the bot before, and the stranger wrote to it: a MAX bot may
    # write only to those who did.
    bot_system.met(MOTHER, FATHER, LENAS_MOTHER, STRANGER)
    return bot_system


@pytest.fixture
def channel(linked: BotUnderTest) -> Channel:
    """The channel the delivery worker sends with (`notifier.channels.build_channels`):
    the bot's token, paced by the shared limiter."""
    return linked.deps.channels[linked.messenger.value]


async def deliver_announcement(system: BotUnderTest, world: World, channel: Channel) -> int:
    """Class teacher Петров posts to 7Б; the workers' steps deliver it by the messenger."""
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
        "channels": {channel.name: channel},
        "settings": Settings(),
    }
    for delivery_id in await start_due(clock):
        assert await deliver(ctx, delivery_id) == "sent"
    return announcement.id or 0


async def presses(system: BotUnderTest) -> list[Acknowledgement]:
    async with system.db.session() as s:
        return list((await s.exec(select(Acknowledgement))).all())


async def last_callback_answer(system: BotUnderTest) -> dict[str, Any]:
    return (await system.alerts())[-1]


def passing(system: BotUnderTest, answer: dict[str, Any]) -> bool:
    """The press's answer is a passing notice, not an alert to dismiss (MAX has one kind
    of answer, a notification)."""
    return not answer["show_alert"] or system.messenger is Messenger.max


def stamp(instant: dt.datetime, pattern: str = "%d.%m %H:%M") -> str:
    """When a press was recorded, on the school's clock, as the reader's language writes
    dates: «06.12 08:27» in Russian, "06/12 08:27" in English."""
    return instant.astimezone(MOSCOW).strftime(pattern)


async def test_the_delivered_button_records_the_press_and_shows_its_time(
    linked: BotUnderTest, world: World, channel: Channel
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
        linked.messenger.value,
    )
    at = stamp(row.at)
    assert edited.message_id == message.message_id
    assert edited.buttons == [(f"✓ Ознакомлен(а) {at}", data)]
    assert "Родительское собрание" in edited.text  # the text itself is untouched
    answer = await last_callback_answer(linked)
    assert answer["text"] == f"Спасибо, отмечено: {at}" and passing(linked, answer)

    # A second press keeps the first one and says so; the message stays as it is
    # (Telegram refuses an edit that changes nothing, MAX takes the same buttons again).
    again = await mother.tap(data)
    assert all(
        (a.message_id, a.text, a.buttons) == (edited.message_id, edited.text, edited.buttons)
        for a in again
    )
    assert (await last_callback_answer(linked))["text"] == f"Уже отмечено: {at}"
    assert len(await presses(linked)) == 1


async def test_the_english_button_and_its_answer(
    linked: BotUnderTest, world: World, channel: Channel
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


async def button_message(channel: Channel, chat: int, data: str) -> None:
    """A message with an «Ознакомлен» button, sent as the worker sends one."""
    sent = await channel.send(
        OutgoingMessage(address=str(chat), text="Сообщение", buttons=(("✅ Ознакомлен", data),))
    )
    assert sent.outcome == "sent"


async def test_a_press_from_a_chat_that_is_not_the_guardians_is_refused(
    linked: BotUnderTest, world: World, channel: Channel
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
        assert message.edited_at is None
        answer = await last_callback_answer(linked)
        assert (answer["text"], answer["show_alert"]) == (refusal, True)
    assert await presses(linked) == []


async def test_the_weekly_summary_button_records_the_week(
    linked: BotUnderTest, world: World, channel: Channel
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
