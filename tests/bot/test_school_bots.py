"""A school's own bot beside the deployment's, served by one bot process: a family of
that school subscribes through it, and the chat remembers which bot it talks to (a bot
writes only to those who started it). Each scenario runs on Telegram and on MAX."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bots.app import run_bots
from core.db import Database
from core.messengers import linked
from core.models import Messenger
from core.settings import Settings
from notifier.ratelimit import Rate
from notifier.standins import max_injection
from notifier.standins.max_control import run_max_standin
from notifier.standins.max_rules import Limits
from notifier.standins.telegram_control import run_telegram_emulator
from notifier.standins.telegram_rules import FloodLimits
from tests.bot.harness import CHAT_RATE, MAX_BOT_RATE, TwoBots, running_school_bot
from tests.bot.subscribe_helpers import guardian_code, guardian_row, second_school_family
from tests.bot.test_webhook import SECRET, webhook_url
from tests.builders import World
from tests.school_bots import (
    SCHOOL_BOT_KEY,
    SCHOOL_BOT_USERNAME,
    SCHOOL_MAX_TOKEN,
    SCHOOL_TELEGRAM_TOKEN,
    school_bots_file,
)

pytestmark = pytest.mark.both_messengers


@pytest.fixture
async def bots(
    sqlite_db: Database, world: World, redis_url: str, messenger: Messenger, tmp_path: Path
) -> AsyncIterator[TwoBots]:
    """Школа №2 has its own bot; Школа №1 uses the deployment's."""
    async with running_school_bot(
        sqlite_db, redis_url, messenger, tmp_path, [world.other_school_id]
    ) as both:
        yield both


async def test_a_family_subscribes_through_its_schools_own_bot(
    bots: TwoBots, world: World, messenger: Messenger
) -> None:
    db = bots.school.db
    guardian_id, code = await second_school_family(db, world)
    parent = bots.school.person(7301)

    [offer] = await parent.open_link(code)
    assert "Школа №2" in offer.text
    await parent.tap("Согласен")

    chat = linked(await guardian_row(db, guardian_id), messenger)
    assert chat is not None and chat.id == 7301
    assert chat.bot == SCHOOL_BOT_KEY
    assert chat.address == f"{SCHOOL_BOT_KEY}:7301"  # what deliveries are addressed to
    # The deployment's bot said nothing to this parent: the school's bot did it all.
    assert await bots.deployment.person(7301).history() == []
    # The invite sheet and the notices name the school's bot for its families.
    assert bots.school.settings.bot_username(messenger.value, world.other_school_id) == (
        SCHOOL_BOT_USERNAME
    )
    # A person is one id for every bot of a messenger: the parent who writes to the
    # deployment's bot is recognised there too.
    answers = await bots.deployment.person(7301).send("/start")
    assert answers and "Артём" in answers[-1].text


async def test_other_schools_keep_the_deployments_bot(
    bots: TwoBots, world: World, messenger: Messenger
) -> None:
    db = bots.deployment.db
    code = await guardian_code(db, world, "novikov", who="russian")
    parent = bots.deployment.person(7302)

    [offer] = await parent.open_link(code)
    assert "Школа №1" in offer.text
    await parent.tap("Согласен")

    chat = linked(await guardian_row(db, world.guardians["novikov"]), messenger)
    assert chat is not None and chat.id == 7302 and chat.bot is None
    assert chat.address == "7302"
    assert await bots.school.person(7302).history() == []
    assert bots.deployment.settings.bot_username(messenger.value, world.school_id) == (
        "zvonok_demo_bot"
    )


async def test_in_webhook_mode_each_bot_gets_its_updates_at_a_path_of_its_own(
    sqlite_db: Database, world: World, redis_url: str, messenger: Messenger, tmp_path: Path
) -> None:
    """The messengers post each bot's updates to its own URL: the webhook URL for the
    deployment's bot, that URL followed by the key for a school's; one server takes both."""
    url, port = webhook_url(f"/{messenger.value}/hook")
    _, code = await second_school_family(sqlite_db, world)
    base: dict[str, Any] = {
        "database_url": sqlite_db.url,
        "redis_url": redis_url,
        "telegram_chat_rate": CHAT_RATE,
        "max_bot_rate": MAX_BOT_RATE,
        "bots_file": school_bots_file(tmp_path, [world.other_school_id]),
    }
    async with contextlib.AsyncExitStack() as stack:
        if messenger is Messenger.telegram:
            emulator = await stack.enter_async_context(
                run_telegram_emulator(
                    limits=FloodLimits(per_chat=Rate(CHAT_RATE, 1.0)),
                    school_tokens=[SCHOOL_TELEGRAM_TOKEN],
                )
            )
            school = emulator.school_bots[SCHOOL_TELEGRAM_TOKEN]
            settings = Settings(
                **base,
                telegram_token=emulator.token,
                telegram_api_url=emulator.base_url,
                telegram_webhook_url=url,
                telegram_webhook_secret=SecretStr(SECRET),
                telegram_webhook_port=port,
            )

            def hooked() -> tuple[str | None, str | None]:
                main, own = emulator.emulator.updates.webhook, school.emulator.updates.webhook
                return (main.url if main else None, own.url if own else None)

            async def start_in_school_bot() -> str:
                await school.control.inject_start(7401, code)
                [answer] = await school.control.wait_sent(1, chat_id=7401, within=10)
                return str(answer["text"])
        else:
            standin = await stack.enter_async_context(
                run_max_standin(
                    limits=Limits(per_bot=Rate(MAX_BOT_RATE, 1.0)),
                    school_bots={SCHOOL_MAX_TOKEN: SCHOOL_BOT_USERNAME},
                )
            )
            own_max = standin.school_bots[SCHOOL_MAX_TOKEN]
            settings = Settings(
                **base,
                max_token=standin.token,
                max_api_url=standin.base_url,
                max_webhook_url=url,
                max_webhook_secret=SecretStr(SECRET),
                max_webhook_port=port,
            )

            def hooked() -> tuple[str | None, str | None]:
                main = list(standin.standin.updates.webhooks)
                own = list(own_max.standin.updates.webhooks)
                return (main[0] if main else None, own[0] if own else None)

            async def start_in_school_bot() -> str:
                body = {"user_id": 7401, "payload": code, "locale": "ru"}
                max_injection.inject_start(own_max.standin, body)
                [answer] = await own_max.control.wait_sent(1, user_id=7401, within=10)
                return str(answer["text"])

        stop = asyncio.Event()
        running = asyncio.create_task(run_bots(settings, stop))
        try:
            for _ in range(100):
                if None not in hooked() or running.done():
                    break
                await asyncio.sleep(0.1)
            assert hooked() == (url, f"{url}/{SCHOOL_BOT_KEY}")
            assert "Школа №2" in await start_in_school_bot()
        finally:
            stop.set()
            await asyncio.wait_for(running, 15)
