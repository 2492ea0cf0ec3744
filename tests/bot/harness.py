"""The real bot against the Telegram emulator, and people who talk to it.

`BotUnderTest` runs aiogram's own polling loop (the same `build_dispatcher` as
`python -m bots`) on the test's event loop, talking HTTP to the emulator. Updates are
handled one at a time (`handle_as_tasks=False`), so once the bot asks for updates
after an injected one, that one is finished: `Person.send` and `Person.tap` return
the bot's answers without sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot, Dispatcher
from redis.asyncio import Redis

from bots.app import build_bot, build_dispatcher
from core.db import Database
from core.settings import Settings
from notifier.channels import build_channels, close_channels
from notifier.ratelimit import Rate
from notifier.standins.telegram_control import RunningEmulator, run_telegram_emulator
from notifier.standins.telegram_rules import FloodLimits

WITHIN = 10.0
# Replies a second to one chat, in the emulator and in the bot's pacing alike. Telegram
# allows one, which would make every step of a dialogue wait a second; the pacing itself
# is tested at Telegram's rates (tests/integration/test_ratelimit.py,
# test_telegram_channel.py, tests/e2e/test_delivery_outages.py).
CHAT_RATE = 50


@dataclass
class Answer:
    """One message the bot sent or edited in a chat, as the emulator recorded it."""

    raw: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.raw.get("text") or "")

    @property
    def message_id(self) -> int:
        return int(self.raw["message_id"])

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(text, callback_data or url) of every inline button, row by row."""
        markup = self.raw.get("reply_markup") or {}
        return [
            (b["text"], b.get("callback_data") or b.get("url") or "")
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]

    @property
    def keyboard(self) -> list[str]:
        """Texts of the reply keyboard's buttons, if the message set one."""
        markup = self.raw.get("reply_markup") or {}
        return [b["text"] for row in markup.get("keyboard", []) for b in row]

    @property
    def document_name(self) -> str | None:
        return self.raw.get("document_name")


@dataclass
class Person:
    """Someone writing to the bot from their own private chat (user id = chat id)."""

    system: BotUnderTest
    user_id: int
    language_code: str = "ru"
    seen: set[tuple[int, float | None]] = field(default_factory=set)

    async def send(self, text: str) -> list[Answer]:
        """Type `text`; the messages the bot sent or edited in answer."""
        control = self.system.emulator.control
        injected = await control.inject_message(
            user_id=self.user_id, text=text, language_code=self.language_code
        )
        return await self._answers_after(int(injected["update_id"]))

    async def tap(self, button: str, *, on: Answer | None = None) -> list[Answer]:
        """Tap the inline button whose text (or callback data) is `button`, on `on` or on
        the latest message that has it."""
        message = on or await self.find_button(button)
        data = next(d for t, d in message.buttons if button in (t, d))
        control = self.system.emulator.control
        injected = await control.inject_callback(
            user_id=self.user_id,
            message_id=message.message_id,
            data=data,
            language_code=self.language_code,
        )
        return await self._answers_after(int(injected["update_id"]))

    async def find_button(self, button: str) -> Answer:
        for answer in reversed(await self.history()):
            if any(button in (t, d) for t, d in answer.buttons):
                return answer
        raise AssertionError(f"no message in chat {self.user_id} has a button {button!r}")

    async def history(self) -> list[Answer]:
        sent = await self.system.emulator.control.sent(chat_id=self.user_id)
        return [Answer(m) for m in sent if not m.get("deleted")]

    async def _answers_after(self, update_id: int) -> list[Answer]:
        queue = self.system.emulator.emulator.updates
        handled = await queue.wait_confirmed(update_id, WITHIN)
        assert handled, f"the bot did not handle update {update_id} within {WITHIN} s"
        fresh = []
        for answer in await self.history():
            key = (answer.message_id, answer.raw.get("edited_at"))
            if key not in self.seen:
                self.seen.add(key)
                fresh.append(answer)
        return fresh

    async def document(self, answer: Answer) -> bytes:
        return await self.system.emulator.control.document(answer.message_id)


@dataclass
class BotUnderTest:
    settings: Settings
    db: Database
    redis: Redis
    emulator: RunningEmulator
    bot: Bot
    dispatcher: Dispatcher

    def person(self, user_id: int, language_code: str = "ru") -> Person:
        return Person(self, user_id, language_code)


@contextlib.asynccontextmanager
async def running_bot(db: Database, redis_url: str, **settings: Any) -> AsyncIterator[BotUnderTest]:
    """The bot polling the emulator until the block ends."""
    limits = FloodLimits(per_chat=Rate(CHAT_RATE, 1.0))
    async with run_telegram_emulator(limits=limits) as emulator:
        config = Settings(
            database_url="sqlite:///unused.db",  # the bot is handed `db` itself
            redis_url=redis_url,
            telegram_token=emulator.token,
            telegram_api_url=emulator.base_url,
            **{"telegram_chat_rate": CHAT_RATE, **settings},
        )
        redis = Redis.from_url(redis_url)
        channels = build_channels(config, redis)
        dispatcher = build_dispatcher(config, db, redis, channels)
        bot = build_bot(config, redis)
        polling = asyncio.create_task(
            dispatcher.start_polling(
                bot, handle_as_tasks=False, handle_signals=False, polling_timeout=5
            )
        )
        try:
            yield BotUnderTest(config, db, redis, emulator, bot, dispatcher)
        finally:
            with contextlib.suppress(RuntimeError):
                await dispatcher.stop_polling()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(polling, 10)
            await bot.session.close()
            await dispatcher.storage.close()
            await close_channels(channels)
            await redis.aclose()
