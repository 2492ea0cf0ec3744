"""A delivered announcement carries its «Ознакомлен» button on Telegram, and only there.

Delivery runs the worker's own `deliver` job with the notifier's channels against the
Telegram emulator and the SMTP stand-in. SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from core.db import Database
from core.models import Guardian
from core.services.announcements import post_announcement
from core.settings import Settings
from notifier.email import EmailChannel, EmailConfig
from notifier.standins.smtp import SmtpStandin, run_smtp_standin
from notifier.standins.telegram_control import RunningEmulator, run_telegram_emulator
from notifier.telegram import TelegramChannel
from tests.builders import World, build_world, update_row
from tests.integration.delivery_helpers import (
    Clock,
    add_guardian,
    msk,
    post,
    relay_and_dispatch,
    start_due,
)
from workers.deliveries import deliver

MOTHER, FATHER = 1001, 1002


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with run_telegram_emulator() as running:
        yield running


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpStandin]:
    async with run_smtp_standin() as standin:
        yield standin


@pytest.fixture
async def channels(emulator: RunningEmulator, smtp: SmtpStandin) -> AsyncIterator[dict[str, Any]]:
    telegram = TelegramChannel(emulator.token, limiter=None, api_url=emulator.base_url)
    email = EmailChannel(
        EmailConfig(
            host="127.0.0.1", port=smtp.port, mail_from="Звонок <noreply@school.test>", tls="none"
        )
    )
    yield {"telegram": telegram, "email": email}
    await telegram.close()
    await email.close()


async def families(db: Database, w: World) -> int:
    """Mother on Telegram in Russian, father on Telegram in English, granny by email."""
    await update_row(db, Guardian, w.guardians["sokolova"], telegram_chat_id=MOTHER)
    await update_row(db, Guardian, w.guardians["novikov"], telegram_chat_id=FATHER, language="en")
    return await add_guardian(db, w, "granny", ["petya"], email="granny@example.ru")


async def deliver_due(clock: Clock, db: Database, channels: dict[str, Any]) -> None:
    await relay_and_dispatch(clock)
    clock.advance(120)
    ctx: dict[str, Any] = {"db": db, "channels": channels, "settings": Settings()}
    for delivery_id in await start_due(clock):
        assert await deliver(ctx, delivery_id) == "sent"


async def test_a_delivered_announcement_carries_the_button_on_telegram_only(
    db: Database, emulator: RunningEmulator, smtp: SmtpStandin, channels: dict[str, Any]
) -> None:
    w = await build_world(db)
    await families(db, w)
    clock = Clock(db, msk(10))
    announcement = await post_announcement(
        clock.uow(),
        actor=w.actor("russian"),
        class_id=w.classes["7Б"],
        title="Родительское собрание",
        body="В четверг в 18:00, кабинет 21.",
    )
    await deliver_due(clock, db, channels)
    data = f"ack:announcement:{announcement.id}"

    [mother] = await emulator.control.sent(chat_id=MOTHER)
    assert "Родительское собрание" in (mother["text"] or "")
    assert mother["reply_markup"] == {
        "inline_keyboard": [[{"text": "✅ Ознакомлен", "callback_data": data}]]
    }
    [father] = await emulator.control.sent(chat_id=FATHER)
    assert father["reply_markup"]["inline_keyboard"][0][0] == {
        "text": "✅ Acknowledged",
        "callback_data": data,
    }
    [letter] = smtp.messages
    assert letter.rcpt_tos == ("granny@example.ru",)
    raw = letter.raw.decode(errors="replace")
    assert "ack:" not in raw  # email is unchanged: no button, no callback data


async def test_a_mark_delivered_by_telegram_has_no_button(
    db: Database, emulator: RunningEmulator, channels: dict[str, Any]
) -> None:
    w = await build_world(db)
    await families(db, w)
    clock = Clock(db, msk(10))
    await post(clock, w, "vanya", 5)
    await deliver_due(clock, db, channels)
    [father] = await emulator.control.sent(chat_id=FATHER)
    assert "Mark" in (father["text"] or "") and father["reply_markup"] is None
