"""Webhook mode: the bot's real aiohttp server, with the emulator posting updates to it.

The emulator is Telegram here: `setWebhook` points it at the bot's server, and it
POSTs each injected update with the `X-Telegram-Bot-Api-Secret-Token` header the bot
asked for. Anyone else posting to the same URL without that secret is refused and
handled by nobody.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.types import BotCommandScopeAllPrivateChats
from pydantic import SecretStr

from bots.app import run_bot
from bots.commands import bot_commands
from core.cli.redis_server import free_port
from core.db import Database
from core.settings import Settings, SettingsError, load_settings
from notifier.standins.telegram_control import RunningEmulator, run_telegram_emulator
from tests.bot.subscribe_helpers import invite_row, staff_code
from tests.builders import World
from tests.integration.telegram_fixtures import bot_for
from tests.keys import BACKUP_KEY

SECRET = "zvonok-webhook-secret_42"
WITHIN = 10.0


@dataclass
class WebhookBot:
    emulator: RunningEmulator
    url: str
    bot: Bot


def update_from(user_id: int, text: str, update_id: int = 900001) -> dict[str, Any]:
    """The update Telegram would post when `user_id` types `text` (a command)."""
    user = {"id": user_id, "is_bot": False, "first_name": "Mallory", "language_code": "ru"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 77,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Mallory"},
            "from": user,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    }


async def webhook_url_of(bot: Bot) -> str:
    return (await bot.get_webhook_info()).url


async def wait_for_webhook(bot: Bot, running: asyncio.Task[None]) -> str:
    deadline = time.monotonic() + WITHIN
    while not (url := await webhook_url_of(bot)):
        assert not running.done(), f"the bot stopped: {running.exception()!r}"
        assert time.monotonic() < deadline, "the bot never called setWebhook"
        await asyncio.sleep(0.05)
    return url


@contextlib.asynccontextmanager
async def bot_running(
    emulator: RunningEmulator, db: Database, redis_url: str, **values: Any
) -> AsyncIterator[asyncio.Task[None]]:
    """`bots.app.run_bot` as `python -m bots` runs it, until the block ends."""
    settings = Settings(
        database_url=db.url,
        redis_url=redis_url,
        telegram_token=emulator.token,
        telegram_api_url=emulator.base_url,
        **values,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(run_bot(settings, stop))
    try:
        yield running
    finally:
        stop.set()
        await asyncio.wait_for(running, WITHIN)


@contextlib.asynccontextmanager
async def observer_of(emulator: RunningEmulator) -> AsyncIterator[Bot]:
    """A client of the emulator's Bot API for the test's own questions (getWebhookInfo)."""
    bot = bot_for(emulator)
    try:
        yield bot
    finally:
        await bot.session.close()


def webhook_settings(path: str) -> dict[str, Any]:
    port = free_port()
    url = f"http://127.0.0.1:{port}{path}"
    secret = SecretStr(SECRET)
    return {
        "telegram_webhook_url": url,
        "telegram_webhook_secret": secret,
        "telegram_webhook_port": port,
    }


@pytest.fixture
async def webhook_bot(
    sqlite_db: Database, world: World, redis_url: str
) -> AsyncIterator[WebhookBot]:
    webhook = webhook_settings("/telegram/hook")
    async with (
        run_telegram_emulator() as emulator,
        observer_of(emulator) as observer,
        bot_running(emulator, sqlite_db, redis_url, **webhook) as running,
    ):
        url = webhook["telegram_webhook_url"]
        assert await wait_for_webhook(observer, running) == url
        yield WebhookBot(emulator, url, observer)


async def post_directly(url: str, update: dict[str, Any], secret: str | None) -> int:
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json=update, headers=headers) as response,
    ):
        return response.status


async def test_start_posted_by_the_emulator_is_answered(webhook_bot: WebhookBot) -> None:
    control = webhook_bot.emulator.control
    await control.inject_start(6001)
    [answer] = await control.wait_sent(1, chat_id=6001, within=WITHIN)
    assert "код" in answer["text"]
    stats = await control.stats()
    assert stats["webhook_posts"] == 1
    # getUpdates is refused while the webhook is set: the answer came by the webhook.
    assert "getUpdates" not in stats["methods"]


async def test_webhook_info_shows_the_url_and_the_secret_stays_private(
    webhook_bot: WebhookBot,
) -> None:
    info = await webhook_bot.bot.get_webhook_info()
    assert info.url == webhook_bot.url
    assert info.pending_update_count == 0
    assert SECRET not in info.model_dump_json()
    webhook = webhook_bot.emulator.emulator.updates.webhook
    assert webhook is not None and webhook.secret_token == SECRET


async def command_menu(bot: Bot, language: str | None = None) -> list[tuple[str, str]]:
    scope = BotCommandScopeAllPrivateChats()
    found = await bot.get_my_commands(scope=scope, language_code=language)
    return [(c.command, c.description) for c in found]


def menu_of(language: str) -> list[tuple[str, str]]:
    return [(c.command, c.description) for c in bot_commands(language)]


async def test_the_command_menu_is_published_at_start(webhook_bot: WebhookBot) -> None:
    assert await command_menu(webhook_bot.bot) == menu_of("ru")
    for language in ("en", "uz", "tg", "ky"):
        assert await command_menu(webhook_bot.bot, language) == menu_of(language)


@pytest.mark.parametrize("secret", [None, "wrong-secret", SECRET + "x", ""])
async def test_a_post_without_the_secret_is_refused_and_handled_by_nobody(
    webhook_bot: WebhookBot, secret: str | None
) -> None:
    control = webhook_bot.emulator.control
    update = update_from(6002, "/start")
    assert await post_directly(webhook_bot.url, update, secret) == 401
    # Updates are handled before the bot answers the POST: had this one been
    # handled, its reply would already be recorded.
    assert await control.sent(chat_id=6002) == []
    # The very same update with the right secret is answered: only the secret differed.
    assert await post_directly(webhook_bot.url, update, SECRET) == 200
    [answer] = await control.sent(chat_id=6002)
    assert "код" in answer["text"]


async def test_an_update_telegram_posts_again_is_handled_once(
    webhook_bot: WebhookBot, sqlite_db: Database, world: World
) -> None:
    control = webhook_bot.emulator.control
    code = await staff_code(sqlite_db, world, "math")
    update = update_from(6004, f"/start {code}", update_id=900010)
    assert await post_directly(webhook_bot.url, update, SECRET) == 200
    [linked] = await control.sent(chat_id=6004)
    assert "Вы подключены как" in linked["text"]
    # Telegram got no answer in time and posts the same update again: answered 200
    # (so it stops retrying) and handled by nobody, not refused as "code already used".
    assert await post_directly(webhook_bot.url, update, SECRET) == 200
    assert await control.sent(chat_id=6004) == [linked]
    assert (await invite_row(sqlite_db, code)).used_by_chat == 6004
    # The chat's next update is handled as usual.
    assert await post_directly(webhook_bot.url, update_from(6004, "/help", 900011), SECRET) == 200
    assert len(await control.sent(chat_id=6004)) == 2


async def test_stopping_leaves_the_webhook_and_polling_takes_over(
    sqlite_db: Database, world: World, redis_url: str
) -> None:
    webhook = webhook_settings("/hook")
    async with run_telegram_emulator() as emulator, observer_of(emulator) as observer:
        async with bot_running(emulator, sqlite_db, redis_url, **webhook) as running:
            await wait_for_webhook(observer, running)
        # Stopped: the webhook stays, so Telegram keeps what arrives meanwhile.
        assert await webhook_url_of(observer) == webhook["telegram_webhook_url"]
        await emulator.control.inject_start(6003)
        await observer.delete_my_commands(scope=BotCommandScopeAllPrivateChats())
        async with bot_running(emulator, sqlite_db, redis_url):
            [answer] = await emulator.control.wait_sent(1, chat_id=6003, within=WITHIN)
            assert "код" in answer["text"]
            assert await webhook_url_of(observer) == ""
            assert await command_menu(observer) == menu_of("ru")


def only_these_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No developer's environment or .env file: the test sets what it checks."""
    monkeypatch.chdir("/")
    for name in list(os.environ):
        if name.startswith("ZVONOK_"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        (
            {"ZVONOK_TELEGRAM_WEBHOOK_URL": "https://bot.school.ru/hook"},
            "ZVONOK_TELEGRAM_WEBHOOK_SECRET must be set",
        ),
        (
            {
                "ZVONOK_TELEGRAM_WEBHOOK_URL": "https://bot.school.ru/hook",
                "ZVONOK_TELEGRAM_WEBHOOK_SECRET": "has spaces and ünicode",
            },
            "ZVONOK_TELEGRAM_WEBHOOK_SECRET: must be 1-256 characters",
        ),
        (
            {
                "ZVONOK_TELEGRAM_WEBHOOK_URL": "https://bot.school.ru/hook",
                "ZVONOK_TELEGRAM_WEBHOOK_SECRET": "a" * 257,
            },
            "must be 1-256 characters",
        ),
        (
            {
                "ZVONOK_ENV": "production",
                "ZVONOK_SECRET_KEY": "q8N3v7tZ0pXw2LrY5sKc9HjD4mFb6GaE1uVe",
                "ZVONOK_BACKUP_KEY": BACKUP_KEY,
                "ZVONOK_TELEGRAM_WEBHOOK_URL": "http://bot.school.ru/hook",
                "ZVONOK_TELEGRAM_WEBHOOK_SECRET": SECRET,
            },
            "must be a public https:// URL",
        ),
        (
            {"ZVONOK_TELEGRAM_WEBHOOK_URL": "bot.school.ru", "ZVONOK_TELEGRAM_WEBHOOK_SECRET": "s"},
            "must be a public https:// URL",
        ),
    ],
)
def test_webhook_settings_refuse_what_telegram_would(
    monkeypatch: pytest.MonkeyPatch, values: dict[str, str], complaint: str
) -> None:
    only_these_settings(monkeypatch)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert complaint in str(refused.value)


def test_a_blank_webhook_url_means_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    only_these_settings(monkeypatch)
    monkeypatch.setenv("ZVONOK_TELEGRAM_WEBHOOK_URL", "")
    monkeypatch.setenv("ZVONOK_TELEGRAM_WEBHOOK_SECRET", "")
    settings = load_settings()
    assert settings.telegram_webhook_url is None and settings.telegram_webhook_secret is None
