"""An SMS points to Telegram or email only when the guardian has them. SQLite and PostgreSQL.

The composition of a notification says which other channels its guardian has (a linked
chat, an email address, neither found dead); the SMS rendered from it says the
essentials and sends the parent elsewhere for details only where they can look.
"""

from __future__ import annotations

from core.db import Database
from core.models import Guardian
from notifier.render import render
from tests.builders import World, build_world, update_row
from tests.integration.delivery_helpers import (
    Clock,
    composed,
    msk,
    notifications,
    post,
    relay_and_dispatch,
)
from tests.integration.fallback_helpers import kill_chat


async def channels_now(db: Database, w: World) -> tuple[str, ...]:
    [note] = await notifications(db, w.guardians["novikov"])
    composition = await composed(db, note.id or 0)
    assert composition is not None
    return composition.channels


async def test_the_composition_names_the_channels_the_guardian_really_has(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    await post(clock, w, "vanya", 4, work_type="test")
    await relay_and_dispatch(clock)
    novikov = w.guardians["novikov"]
    assert await channels_now(db, w) == ("email",)  # a phone and an email, no chat

    await update_row(db, Guardian, novikov, email=None)
    assert await channels_now(db, w) == ()  # SMS only: nowhere to point to

    await update_row(db, Guardian, novikov, telegram_chat_id=7002)
    assert await channels_now(db, w) == ("telegram",)

    await kill_chat(db, w, "novikov", 7002)  # he blocked the bot
    assert await channels_now(db, w) == ()


async def test_an_sms_only_parent_reads_the_mark_itself(db: Database) -> None:
    w = await build_world(db)
    await update_row(db, Guardian, w.guardians["novikov"], email=None)
    clock = Clock(db, msk(10))
    await post(clock, w, "vanya", 4, work_type="test")
    await relay_and_dispatch(clock)
    [note] = await notifications(db, w.guardians["novikov"])
    composition = await composed(db, note.id or 0)
    assert composition is not None
    sms = render(composition, "sms", school_name="Школа №1")
    assert sms.text == "Иван: 4 (к/р) математика 23.11"
