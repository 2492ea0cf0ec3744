"""Webhook mode on Telegram and on MAX: the bot process (`bots.app.run_bots`, as
`python -m bots` runs it) with its real aiohttp servers, and each messenger's stand-in
posting updates to them.

Telegram's emulator posts to the URL the bot gave `setWebhook`, with
`X-Telegram-Bot-Api-Secret-Token`; the MAX stand-in to the URL of the bot's `POST
/subscriptions`, with `X-Max-Bot-Api-Secret`. Anyone else posting to the same URL
without that secret is refused and handled by nobody. Each scenario is written once
(`Hook`: one messenger's stand-in as the webhook tests see it) and runs on both.

No test sleeps: a stand-in's control API waits for what the bot sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.types import BotCommandScopeAllPrivateChats
from pydantic import SecretStr

from bots.app import run_bots
from bots.commands import described_commands
from core.cli.redis_server import free_port
from core.db import Database
from core.models import Messenger
from core.settings import Settings, SettingsError, load_settings
from notifier.standins import max_injection
from notifier.standins.max_control import RunningMaxStandin, run_max_standin
from notifier.standins.max_rules import Limits
from notifier.standins.telegram_control import RunningEmulator, run_telegram_emulator
from notifier.standins.telegram_rules import FloodLimits, Rate
from tests.bot.harness import CHAT_RATE, MAX_BOT_RATE
from tests.bot.settings_helpers import other
from tests.bot.subscribe_helpers import invite_row, staff_code
from tests.builders import World
from tests.integration.telegram_fixtures import bot_for
from tests.keys import BACKUP_KEY

# Every scenario on both messengers: each messenger's webhook, secret and redelivery.
pytestmark = pytest.mark.both_messengers

SECRET = "zvonok-webhook-secret_42"  # fits both: Telegram's 1-256, MAX's 5-256 characters
WITHIN = 10.0
WARM_UP = 6000  # the user whose /start shows a freshly started bot is taking updates
MAX_UPDATE_TYPES = ["message_created", "message_callback", "bot_started"]


def telegram_update(user_id: int, text: str, update_id: int) -> dict[str, Any]:
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


def max_user(user_id: int) -> dict[str, Any]:
    return {"user_id": user_id, "first_name": "Mallory", "is_bot": False, "name": "Mallory"}


def max_text_update(user_id: int, text: str, n: int) -> dict[str, Any]:
    """The `message_created` MAX would post when `user_id` writes `text` in their dialog."""
    now = int(time.time() * 1000)
    return {
        "update_type": "message_created",
        "timestamp": now,
        "message": {
            "sender": max_user(user_id),
            "recipient": {"chat_id": 700_000_000_000 + user_id, "chat_type": "dialog"},
            "timestamp": now,
            "body": {"mid": f"mid.mallory{n:06d}", "seq": n, "text": text, "attachments": []},
        },
        "user_locale": "ru",
    }


def max_start_update(user_id: int, payload: str) -> dict[str, Any]:
    """The `bot_started` MAX would post when `user_id` opens max.ru/<bot>?start=<payload>."""
    return {
        "update_type": "bot_started",
        "timestamp": int(time.time() * 1000),
        "chat_id": 700_000_000_000 + user_id,
        "user": max_user(user_id),
        "payload": payload,
        "user_locale": "ru",
    }


async def post(url: str, update: dict[str, Any], header: str, secret: str | None) -> int:
    headers = {} if secret is None else {header: secret}
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json=update, headers=headers) as response,
    ):
        return response.status


def webhook_url(path: str) -> tuple[str, int]:
    port = free_port()
    return f"http://127.0.0.1:{port}{path}", port


@dataclass
class TelegramHook:
    """The Telegram emulator, from the webhook tests' side."""

    running: RunningEmulator
    url: str
    port: int
    messenger = Messenger.telegram
    header = "X-Telegram-Bot-Api-Secret-Token"

    @property
    def token(self) -> dict[str, Any]:
        return {"telegram_token": self.running.token, "telegram_api_url": self.running.base_url}

    @property
    def webhook(self) -> dict[str, Any]:
        return {
            "telegram_webhook_url": self.url,
            "telegram_webhook_secret": SecretStr(SECRET),
            "telegram_webhook_port": self.port,
        }

    async def inject_start(self, user_id: int) -> None:
        await self.running.control.inject_start(user_id)

    async def wait_answers(self, user_id: int) -> list[str]:
        """What the bot sent the user, once it sent something."""
        found = await self.running.control.wait_sent(1, chat_id=user_id, within=WITHIN)
        return [str(m["text"]) for m in found]

    async def answers(self, user_id: int) -> list[str]:
        return [str(m["text"]) for m in await self.running.control.sent(chat_id=user_id)]

    def meet(self, user_id: int) -> None:
        """Telegram lets a bot answer whoever writes to it: nothing to do."""

    def typed(self, user_id: int, text: str, n: int) -> dict[str, Any]:
        return telegram_update(user_id, text, 900_000 + n)

    def started(self, user_id: int, payload: str, n: int) -> dict[str, Any]:
        return telegram_update(user_id, f"/start {payload}", 900_000 + n)

    async def posts(self) -> tuple[int, bool]:
        """(updates posted to the webhook, whether the bot polled)."""
        stats = await self.running.control.stats()
        return stats["webhook_posts"], "getUpdates" in stats["methods"]

    async def requests(self) -> int:
        """Bot API requests the stand-in received."""
        return int((await self.running.control.stats())["total"].get("requests", 0))

    async def subscription(self) -> tuple[str, str, str | None]:
        """(the URL the messenger posts to, what the API shows of the subscription, the
        secret the stand-in keeps for it)."""
        async with observer_of(self.running) as observer:
            info = await observer.get_webhook_info()
        webhook = self.running.emulator.updates.webhook
        return info.url, info.model_dump_json(), webhook.secret_token if webhook else None


@dataclass
class MaxHook:
    """The MAX stand-in, from the webhook tests' side."""

    running: RunningMaxStandin
    url: str
    port: int
    last_seq: int = 0
    messenger = Messenger.max
    header = "X-Max-Bot-Api-Secret"

    @property
    def token(self) -> dict[str, Any]:
        return {
            "max_token": self.running.token,
            "max_api_url": self.running.base_url,
            "max_bot_rate": MAX_BOT_RATE,
        }

    @property
    def webhook(self) -> dict[str, Any]:
        return {
            "max_webhook_url": self.url,
            "max_webhook_secret": SecretStr(SECRET),
            "max_webhook_port": self.port,
        }

    async def inject_start(self, user_id: int) -> None:
        body = {"user_id": user_id, "locale": "ru"}
        self.last_seq = int(max_injection.inject_start(self.running.standin, body)["seq"])

    async def polling_again(self) -> None:
        """Until the bot, done with the last update injected, is in its next long poll
        (GET /updates with a marker after that update)."""
        updates = self.running.standin.updates
        assert await updates.wait_acknowledged(self.last_seq, WITHIN)

    async def wait_answers(self, user_id: int) -> list[str]:
        """What the bot sent the user, once it sent something."""
        found = await self.running.control.wait_sent(1, user_id=user_id, within=WITHIN)
        return [str(m["text"]) for m in found]

    async def answers(self, user_id: int) -> list[str]:
        return [str(m["text"]) for m in await self.running.control.sent(user_id=user_id)]

    def meet(self, user_id: int) -> None:
        """MAX lets a bot write only to users who started it: this one did, earlier."""
        self.running.standin.user(user_id, first_name="Mallory")

    def typed(self, user_id: int, text: str, n: int) -> dict[str, Any]:
        return max_text_update(user_id, text, n)

    def started(self, user_id: int, payload: str, n: int) -> dict[str, Any]:
        return max_start_update(user_id, payload)

    async def posts(self) -> tuple[int, bool]:
        stats = await self.running.control.stats()
        return stats["webhook"]["posts"], "updates" in stats["methods"]

    async def requests(self) -> int:
        return int((await self.running.control.stats())["total"].get("requests", 0))

    async def subscription(self) -> tuple[str, str, str | None]:
        async with (
            aiohttp.ClientSession() as http,
            http.get(
                f"{self.running.base_url}/subscriptions",
                headers={"Authorization": self.running.token},
            ) as response,
        ):
            shown = await response.text()
            [subscription] = (await response.json())["subscriptions"]
        assert subscription["update_types"] == MAX_UPDATE_TYPES
        hook = self.running.standin.updates.webhooks.get(subscription["url"])
        return subscription["url"], shown, hook.secret if hook else None


Hook = TelegramHook | MaxHook


@contextlib.asynccontextmanager
async def stand_in(messenger: Messenger, path: str = "/hook") -> AsyncIterator[Hook]:
    """The messenger's stand-in, and the URL its webhook would be at."""
    url, port = webhook_url(f"/{messenger.value}{path}")
    if messenger is Messenger.telegram:
        limits = FloodLimits(per_chat=Rate(CHAT_RATE, 1.0))
        async with run_telegram_emulator(limits=limits) as emulator:
            yield TelegramHook(emulator, url, port)
    else:
        max_limits = Limits(
            per_bot=Rate(MAX_BOT_RATE, 1.0), answers_per_dialog=Rate(CHAT_RATE, 1.0)
        )
        async with run_max_standin(limits=max_limits) as standin:
            yield MaxHook(standin, url, port)


@contextlib.asynccontextmanager
async def bots_running(
    db: Database, redis_url: str, *hooks: Hook, **values: Any
) -> AsyncIterator[asyncio.Task[None]]:
    """`bots.app.run_bots` with the tokens of `hooks`' stand-ins, until the block ends."""
    tokens: dict[str, Any] = {}
    for hook in hooks:
        tokens |= hook.token
    settings = Settings(
        database_url=db.url,
        redis_url=redis_url,
        telegram_chat_rate=CHAT_RATE,
        **tokens,
        **values,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(run_bots(settings, stop))
    try:
        yield running
    finally:
        stop.set()
        await asyncio.wait_for(running, WITHIN)


async def answered_start(hook: Hook, user_id: int, running: asyncio.Task[None]) -> str:
    """A /start through the stand-in (posted to the webhook, or polled); the answer."""
    await hook.inject_start(user_id)
    [answer] = await hook.wait_answers(user_id)
    assert not running.done(), f"the bot stopped: {running!r}"
    return answer


@contextlib.asynccontextmanager
async def observer_of(emulator: RunningEmulator) -> AsyncIterator[Bot]:
    """A client of the emulator's Bot API for the test's own questions."""
    bot = bot_for(emulator)
    try:
        yield bot
    finally:
        await bot.session.close()


@pytest.fixture
async def hook(
    sqlite_db: Database, world: World, redis_url: str, messenger: Messenger
) -> AsyncIterator[Hook]:
    """The bot in webhook mode on `messenger`, taking updates (a first /start answered)."""
    async with (
        stand_in(messenger) as found,
        bots_running(sqlite_db, redis_url, found, **found.webhook) as running,
    ):
        assert "код" in await answered_start(found, WARM_UP, running)
        yield found


async def test_a_start_the_messenger_posts_is_answered(hook: Hook) -> None:
    await hook.inject_start(6001)
    [answer] = await hook.wait_answers(6001)
    assert "код" in answer
    # Both /starts came by the webhook: the bot never polled (the messenger refuses
    # polling while a webhook is set).
    assert await hook.posts() == (2, False)


async def test_the_subscription_shows_the_url_and_the_secret_stays_private(hook: Hook) -> None:
    url, shown, kept = await hook.subscription()
    assert url == hook.url and hook.url in shown
    assert SECRET not in shown
    assert kept == SECRET


async def command_menu(bot: Bot, language: str | None = None) -> list[tuple[str, str]]:
    scope = BotCommandScopeAllPrivateChats()
    found = await bot.get_my_commands(scope=scope, language_code=language)
    return [(c.command, c.description) for c in found]


def menu_of(language: str) -> list[tuple[str, str]]:
    return described_commands(language)


# Telegram only: the command menu (setMyCommands) is Telegram's; MAX has none, and its
# main menu comes with the messages (tests/bot/test_settings.py uses it on both).
@pytest.mark.parametrize("messenger", [Messenger.telegram], ids=["telegram"])
async def test_the_command_menu_is_published_at_start(hook: Hook) -> None:
    assert isinstance(hook, TelegramHook)
    async with observer_of(hook.running) as observer:
        assert await command_menu(observer) == menu_of("ru")
        for language in ("en", "uz", "tg", "ky"):
            assert await command_menu(observer, language) == menu_of(language)


async def test_a_post_without_the_secret_is_refused_and_handled_by_nobody(hook: Hook) -> None:
    hook.meet(6002)
    update = hook.typed(6002, "/start", 1)
    for secret in (None, "", "wrong-secret", SECRET + "x", SECRET[:-1]):
        assert await post(hook.url, update, hook.header, secret) == 401, secret
    # Updates are handled before the bot answers the POST: had one of them been
    # handled, its reply would already be recorded.
    assert await hook.answers(6002) == []
    # The very same update with the right secret is answered: only the secret differed.
    assert await post(hook.url, update, hook.header, SECRET) == 200
    [answer] = await hook.answers(6002)
    assert "код" in answer


async def test_an_update_posted_again_is_handled_once(
    hook: Hook, sqlite_db: Database, world: World
) -> None:
    hook.meet(6004)
    code = await staff_code(sqlite_db, world, "math")
    update = hook.started(6004, code, 10)
    assert await post(hook.url, update, hook.header, SECRET) == 200
    [linked] = await hook.answers(6004)
    assert "Вы подключены как" in linked
    # The messenger got no answer in time and posts the same update again: answered 200
    # (so it stops retrying) and handled by nobody, not refused as "code already used".
    assert await post(hook.url, update, hook.header, SECRET) == 200
    assert await hook.answers(6004) == [linked]
    row = await invite_row(sqlite_db, code)
    assert (row.used_by_chat, row.used_via) == (6004, hook.messenger.value)
    # The chat's next update is handled as usual, and once as well.
    help_ = hook.typed(6004, "/help", 11)
    assert await post(hook.url, help_, hook.header, SECRET) == 200
    assert await post(hook.url, help_, hook.header, SECRET) == 200
    assert len(await hook.answers(6004)) == 2


async def test_stopping_leaves_the_webhook_and_polling_takes_over(
    sqlite_db: Database, world: World, redis_url: str, messenger: Messenger
) -> None:
    async with stand_in(messenger) as hook:
        async with bots_running(sqlite_db, redis_url, hook, **hook.webhook) as running:
            await answered_start(hook, WARM_UP, running)
        # Stopped: the webhook stays, so the messenger keeps what arrives meanwhile.
        url, _, _ = await hook.subscription()
        assert url == hook.url
        await hook.inject_start(6003)
        async with bots_running(sqlite_db, redis_url, hook) as running:
            [answer] = await hook.wait_answers(6003)
            assert "код" in answer
            _, polled = await hook.posts()
            assert polled
        assert await hook.answers(6003) == [answer]


async def test_one_process_answers_in_both_messengers(
    sqlite_db: Database, world: World, redis_url: str
) -> None:
    async with (
        stand_in(Messenger.telegram) as telegram,
        stand_in(Messenger.max) as max_,
        bots_running(sqlite_db, redis_url, telegram, max_) as running,
    ):
        assert "код" in await answered_start(telegram, 6011, running)
        assert "код" in await answered_start(max_, 6012, running)
        # Polling publishes the Telegram command menu too.
        assert isinstance(telegram, TelegramHook)
        async with observer_of(telegram.running) as observer:
            assert await command_menu(observer) == menu_of("ru")
        # Both bots are in a long poll (MAX's lasts up to 30 s): stopping does not wait
        # it out (`bots_running` gives the process WITHIN seconds to stop).
        assert isinstance(max_, MaxHook)
        await max_.polling_again()


@pytest.mark.parametrize("off", list(Messenger), ids=[m.value for m in Messenger])
async def test_a_messenger_switched_off_stays_silent(
    sqlite_db: Database, world: World, redis_url: str, off: Messenger
) -> None:
    """ZVONOK_TELEGRAM_BOT / ZVONOK_MAX_BOT=false: that messenger's bot does not run,
    though its token is set (the delivery workers may still use it)."""
    switch = {Messenger.telegram: "telegram_bot", Messenger.max: "max_bot"}
    async with stand_in(Messenger.telegram) as telegram, stand_in(Messenger.max) as max_:
        hooks = {Messenger.telegram: telegram, Messenger.max: max_}
        silent, on = hooks[off], hooks[other(off)]
        await silent.inject_start(6021)
        async with bots_running(
            sqlite_db, redis_url, telegram, max_, **{switch[off]: False}
        ) as running:
            assert "код" in await answered_start(on, 6022, running)
        # The process has stopped: the switched-off bot never asked its messenger for
        # anything, and the /start waiting there was answered by nobody.
        assert await silent.requests() == 0
        assert await silent.answers(6021) == []


def only_these_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No developer's environment or .env file: the test sets what it checks."""
    monkeypatch.chdir("/")
    for name in list(os.environ):
        if name.startswith("ZVONOK_"):
            monkeypatch.delenv(name)


def refusals() -> Iterator[tuple[dict[str, str], str]]:
    production = {
        "ZVONOK_ENV": "production",
        "ZVONOK_SECRET_KEY": "q8N3v7tZ0pXw2LrY5sKc9HjD4mFb6GaE1uVe",
        "ZVONOK_BACKUP_KEY": BACKUP_KEY,
    }
    for name in ("TELEGRAM", "MAX"):
        url, secret = f"ZVONOK_{name}_WEBHOOK_URL", f"ZVONOK_{name}_WEBHOOK_SECRET"
        yield {url: "https://bot.school.ru/hook"}, f"{secret} must be set"
        yield (
            {url: "https://bot.school.ru/hook", secret: "has spaces and ünicode"},
            f"{secret}: must be",
        )
        yield {url: "https://bot.school.ru/hook", secret: "a" * 257}, "must be"
        yield production | {url: "http://bot.school.ru/hook", secret: SECRET}, "public https://"
        yield {url: "bot.school.ru", secret: "secret"}, "must be a public https:// URL"
    # MAX wants at least 5 characters (Telegram takes 1).
    yield {"ZVONOK_MAX_WEBHOOK_URL": "https://b.ru/h", "ZVONOK_MAX_WEBHOOK_SECRET": "abcd"}, "5-256"


@pytest.mark.parametrize(("values", "complaint"), list(refusals()))
def test_webhook_settings_refuse_what_the_messenger_would(
    monkeypatch: pytest.MonkeyPatch, values: dict[str, str], complaint: str
) -> None:
    only_these_settings(monkeypatch)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert complaint in str(refused.value)


@pytest.mark.parametrize("name", ["TELEGRAM", "MAX"])
def test_a_blank_webhook_url_means_polling(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    only_these_settings(monkeypatch)
    monkeypatch.setenv(f"ZVONOK_{name}_WEBHOOK_URL", "")
    monkeypatch.setenv(f"ZVONOK_{name}_WEBHOOK_SECRET", "")
    settings = load_settings()
    field = name.lower()
    assert getattr(settings, f"{field}_webhook_url") is None
    assert getattr(settings, f"{field}_webhook_secret") is None


def test_each_messengers_bot_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    only_these_settings(monkeypatch)
    assert (load_settings().telegram_bot, load_settings().max_bot) == (True, True)
    monkeypatch.setenv("ZVONOK_MAX_BOT", "false")
    assert (load_settings().telegram_bot, load_settings().max_bot) == (True, False)
    monkeypatch.setenv("ZVONOK_TELEGRAM_BOT", "false")
    assert load_settings().telegram_bot is False
