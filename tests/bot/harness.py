"""The real bot against a messenger's stand-in, and people who talk to it.

`running_bot(db, redis_url, messenger)` runs the production adapter of that messenger
on the test's event loop, over HTTP to its stand-in: aiogram's polling loop against
the Telegram emulator (updates one at a time, `handle_as_tasks=False`), or the MAX
long-polling loop (`bots.max.app.MaxBot.poll`) against the MAX stand-in. Both serve
the one dialogue (`bots.handlers.build_dialogue`). An update counts as handled once
the bot asked for the updates after it (Telegram's offset, MAX's marker): `Person.send`
and `Person.tap` return the bot's answers without sleeping.

Scenarios are written once: a `Person` types, taps and reads `Answer`s the same way in
either messenger. Where the two differ, the harness says what each shows: Telegram's
main menu is a reply keyboard, MAX's a block of inline buttons (`Answer.keyboard` is
the menu's texts in both; `Answer.buttons` the other inline buttons).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from bots.dialog.router import MENU_PREFIX
from bots.dialog.turn import Deps
from bots.handlers import build_dialogue
from core.db import Database
from core.messengers import MessengerChat
from core.models import Messenger
from core.settings import Settings
from notifier.channels import build_channels, close_channels
from notifier.ratelimit import Rate
from notifier.standins import max_injection
from notifier.standins.max_control import RunningMaxStandin, run_max_standin
from notifier.standins.max_rules import Limits
from notifier.standins.telegram_control import RunningEmulator, run_telegram_emulator
from notifier.standins.telegram_rules import FloodLimits
from tests.school_bots import (
    SCHOOL_BOT_USERNAME,
    SCHOOL_MAX_TOKEN,
    SCHOOL_TELEGRAM_TOKEN,
    school_bots_file,
)

WITHIN = 10.0
# Replies a second to one chat, in the stand-ins and in the bot's pacing alike. Telegram
# allows one, which would make every step of a dialogue wait a second; the pacing itself
# is tested at the messengers' rates (tests/integration/test_ratelimit.py,
# test_telegram_channel.py, test_max_channel.py, tests/e2e/test_delivery_outages.py).
CHAT_RATE = 50
MAX_BOT_RATE = 500
MESSENGERS = (Messenger.telegram, Messenger.max)


@dataclass
class Answer:
    """One message the bot sent or edited in a chat, as the stand-in recorded it."""

    raw: dict[str, Any]
    messenger: Messenger = Messenger.telegram

    @property
    def text(self) -> str:
        return str(self.raw.get("text") or "")

    @property
    def message_id(self) -> str:
        return str(self.raw["message_id"])

    @property
    def edited_at(self) -> float | None:
        edited = self.raw.get("edited_at")
        return None if edited is None else float(edited)

    def _max_buttons(self) -> list[dict[str, Any]]:
        return [b for row in self.raw.get("buttons") or [] for b in row]

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(text, payload or url) of every inline button, row by row (not the menu's)."""
        if self.messenger is Messenger.max:
            return [
                (str(b["text"]), str(b.get("payload") or b.get("url") or ""))
                for b in self._max_buttons()
                if not str(b.get("payload") or "").startswith(MENU_PREFIX)
            ]
        markup = self.raw.get("reply_markup") or {}
        return [
            (b["text"], b.get("callback_data") or b.get("url") or "")
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]

    @property
    def keyboard(self) -> list[str]:
        """The main menu's entries, if the message brings it."""
        if self.messenger is Messenger.max:
            return [
                str(b["text"])
                for b in self._max_buttons()
                if str(b.get("payload") or "").startswith(MENU_PREFIX)
            ]
        markup = self.raw.get("reply_markup") or {}
        return [b["text"] for row in markup.get("keyboard", []) for b in row]

    @property
    def removes_menu(self) -> bool:
        """The message takes the main menu away (Telegram: removes the reply keyboard;
        MAX, whose menu lives on the messages that bring it: it brings none)."""
        if self.messenger is Messenger.max:
            return not self.keyboard
        return self.raw.get("reply_markup") == {"remove_keyboard": True}

    @property
    def document_name(self) -> str | None:
        if self.messenger is Messenger.max:
            file = self.raw.get("file")
            return None if file is None else str(file["filename"])
        return self.raw.get("document_name")


@dataclass
class Person:
    """Someone writing to the bot from their own private chat (user id = chat id)."""

    system: BotUnderTest
    user_id: int
    language_code: str = "ru"
    seen: set[tuple[str, float | None]] = field(default_factory=set)

    @property
    def chat(self) -> MessengerChat:
        return self.system.chat(self.user_id)

    async def send(self, text: str) -> list[Answer]:
        """Type `text`; the messages the bot sent or edited in answer."""
        await self.system.side.type(self.user_id, text, self.language_code)
        return await self.fresh()

    async def open_link(self, payload: str) -> list[Answer]:
        """Open the bot's start link carrying `payload` (an invite code)."""
        await self.system.side.open_link(self.user_id, payload, self.language_code)
        return await self.fresh()

    async def menu(self, label: str) -> list[Answer]:
        """Use the main menu's entry `label`: tap it where it is a button (MAX), type it
        where it is a reply keyboard's (Telegram sends the text)."""
        if self.system.messenger is Messenger.max:
            for answer in reversed(await self.history()):
                found = [b for b in answer._max_buttons() if b["text"] == label]
                if found:
                    return await self._press(answer, str(found[0]["payload"]))
            raise AssertionError(f"no message in chat {self.user_id} brings the menu {label!r}")
        return await self.send(label)

    async def tap(self, button: str, *, on: Answer | None = None) -> list[Answer]:
        """Tap the inline button whose text (or payload) is `button`, on `on` or on the
        latest message that has it."""
        message = on or await self.find_button(button)
        data = next(d for t, d in message.buttons if button in (t, d))
        return await self._press(message, data)

    async def tap_quickly(self, *buttons: str, on: Answer) -> list[Answer]:
        """Tap `buttons` of `on` one after another before the bot answers the first (a
        quick double tap: the later presses reach the bot after it changed the message)."""
        data = [next(d for t, d in on.buttons if b in (t, d)) for b in buttons]
        await self.system.side.press_all(self.user_id, on.message_id, data, self.language_code)
        return await self.fresh()

    async def _press(self, message: Answer, data: str) -> list[Answer]:
        await self.system.side.press(self.user_id, message.message_id, data, self.language_code)
        return await self.fresh()

    async def find_button(self, button: str) -> Answer:
        for answer in reversed(await self.history()):
            if any(button in (t, d) for t, d in answer.buttons):
                return answer
        raise AssertionError(f"no message in chat {self.user_id} has a button {button!r}")

    async def history(self) -> list[Answer]:
        return await self.system.side.sent(self.user_id)

    async def fresh(self) -> list[Answer]:
        """The messages sent or edited since this person last looked."""
        fresh = []
        for answer in await self.history():
            key = (answer.message_id, answer.edited_at)
            if key not in self.seen:
                self.seen.add(key)
                fresh.append(answer)
        return fresh

    async def document(self, answer: Answer) -> bytes:
        return await self.system.side.document(answer)


class TelegramSide:
    """The Telegram emulator, from the people's side."""

    messenger = Messenger.telegram

    def __init__(self, emulator: RunningEmulator) -> None:
        self.emulator = emulator
        self.control = emulator.control

    async def _handled(self, injected: dict[str, Any]) -> None:
        update_id = int(injected["update_id"])
        handled = await self.emulator.emulator.updates.wait_confirmed(update_id, WITHIN)
        assert handled, f"the bot did not handle update {update_id} within {WITHIN} s"

    async def type(self, user_id: int, text: str, language: str) -> None:
        injected = await self.control.inject_message(
            user_id=user_id, text=text, language_code=language
        )
        await self._handled(injected)

    async def open_link(self, user_id: int, payload: str, language: str) -> None:
        # A t.me/<bot>?start=<payload> link makes the app send «/start <payload>».
        await self.type(user_id, f"/start {payload}", language)

    async def press(self, user_id: int, message_id: str, data: str, language: str) -> None:
        injected = await self.control.inject_callback(
            user_id=user_id, message_id=int(message_id), data=data, language_code=language
        )
        await self._handled(injected)

    async def press_all(self, user_id: int, message_id: str, data: list[str], lang: str) -> None:
        injected = [
            await self.control.inject_callback(
                user_id=user_id, message_id=int(message_id), data=one, language_code=lang
            )
            for one in data
        ]
        for one in injected:
            await self._handled(one)

    async def in_group(self, group_id: int, user_id: int, text: str) -> list[Answer]:
        injected = await self.control.inject_message(
            user_id=user_id, chat_id=group_id, chat_type="group", text=text
        )
        await self._handled(injected)
        return [Answer(m) for m in await self.control.sent(chat_id=group_id)]

    async def sent(self, user_id: int) -> list[Answer]:
        sent = await self.control.sent(chat_id=user_id)
        return [Answer(m) for m in sent if not m.get("deleted")]

    async def document(self, answer: Answer) -> bytes:
        return await self.control.document(int(answer.message_id))

    async def alerts(self) -> list[dict[str, Any]]:
        """Answers to button presses: {"text", "show_alert"}."""
        return [
            {"text": a.get("text"), "show_alert": bool(a.get("show_alert"))}
            for a in await self.control.callback_answers()
        ]

    async def block(self, user_id: int) -> None:
        await self.control.block_chat(user_id)

    def met(self, user_id: int) -> None:
        """The emulator lets the bot write to any private chat: nothing to do."""


class MaxSide:
    """The MAX stand-in, from the people's side (in-process injection: no HTTP hop)."""

    messenger = Messenger.max

    def __init__(self, running: RunningMaxStandin) -> None:
        self.running = running
        self.standin = running.standin
        self.control = running.control

    async def _handled(self, injected: dict[str, Any]) -> None:
        seq = int(injected["seq"])
        handled = await self.standin.updates.wait_acknowledged(seq, WITHIN)
        assert handled, f"the bot did not handle update {seq} within {WITHIN} s"

    def _who(self, user_id: int, language: str) -> dict[str, Any]:
        return {"user_id": user_id, "locale": language}

    async def type(self, user_id: int, text: str, language: str) -> None:
        body = self._who(user_id, language) | {"text": text}
        await self._handled(max_injection.inject_message(self.standin, body))

    async def open_link(self, user_id: int, payload: str, language: str) -> None:
        body = self._who(user_id, language) | {"payload": payload}
        await self._handled(max_injection.inject_start(self.standin, body))

    async def press(self, user_id: int, message_id: str, data: str, language: str) -> None:
        body = self._who(user_id, language) | {"message_id": message_id, "payload": data}
        await self._handled(max_injection.inject_callback(self.standin, body))

    async def press_all(self, user_id: int, message_id: str, data: list[str], lang: str) -> None:
        who = self._who(user_id, lang) | {"message_id": message_id}
        injected = [
            max_injection.inject_callback(self.standin, who | {"payload": one}) for one in data
        ]
        for one in injected:
            await self._handled(one)

    async def in_group(self, group_id: int, user_id: int, text: str) -> list[Answer]:
        body = {"user_id": user_id, "chat_id": group_id, "text": text}
        await self._handled(max_injection.inject_message(self.standin, body))
        everything = await self.control.sent()
        return [Answer(m, Messenger.max) for m in everything if m["chat_id"] == group_id]

    async def sent(self, user_id: int) -> list[Answer]:
        sent = await self.control.sent(user_id=user_id)
        return [Answer(m, Messenger.max) for m in sent if not m.get("deleted")]

    async def document(self, answer: Answer) -> bytes:
        return await self.control.file(answer.message_id)

    async def alerts(self) -> list[dict[str, Any]]:
        """Answers to button presses: MAX shows each as a notification."""
        return [
            {"text": a.get("notification"), "show_alert": True}
            for a in await self.control.answers()
        ]

    async def block(self, user_id: int) -> None:
        await self.control.block_user(user_id)

    def met(self, user_id: int) -> None:
        """The user wrote to the bot before (a MAX bot may write only to those)."""
        self.standin.user(user_id)


Side = TelegramSide | MaxSide


@dataclass
class BotUnderTest:
    messenger: Messenger
    settings: Settings
    db: Database
    redis: Redis
    deps: Deps
    side: Side

    def person(self, user_id: int, language_code: str = "ru") -> Person:
        return Person(self, user_id, language_code)

    def chat(self, user_id: int) -> MessengerChat:
        """The private chat of the user `user_id` in this messenger."""
        return MessengerChat(self.messenger, user_id)

    @property
    def emulator(self) -> RunningEmulator:
        assert isinstance(self.side, TelegramSide), "a Telegram-only check"
        return self.side.emulator

    async def alerts(self) -> list[dict[str, Any]]:
        return await self.side.alerts()

    def met(self, *user_ids: int) -> None:
        """People linked through core who wrote to the bot before the test begins."""
        for user_id in user_ids:
            self.side.met(user_id)

    async def in_group(self, group_id: int, user_id: int, text: str) -> list[Answer]:
        """A message in a group chat (`group_id` < 0); everything the bot sent there."""
        return await self.side.in_group(group_id, user_id, text)


@contextlib.asynccontextmanager
async def _telegram(
    base: dict[str, Any], deps_of: Any
) -> AsyncIterator[tuple[Settings, Side, Any]]:
    from bots.telegram.app import build_bot, build_dispatcher

    limits = FloodLimits(per_chat=Rate(CHAT_RATE, 1.0))
    async with run_telegram_emulator(limits=limits) as emulator:
        settings = Settings(
            **base,
            telegram_token=emulator.token,
            telegram_api_url=emulator.base_url,
        )
        deps, dialogue = await deps_of(settings)
        dispatcher = build_dispatcher(deps, dialogue)
        bot = build_bot(settings, deps.redis)
        polling = asyncio.create_task(
            dispatcher.start_polling(
                bot, handle_as_tasks=False, handle_signals=False, polling_timeout=5
            )
        )
        try:
            yield settings, TelegramSide(emulator), deps
        finally:
            with contextlib.suppress(RuntimeError):
                await dispatcher.stop_polling()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(polling, 10)
            await bot.session.close()


@contextlib.asynccontextmanager
async def _max(base: dict[str, Any], deps_of: Any) -> AsyncIterator[tuple[Settings, Side, Any]]:
    from bots.max.app import MaxBot
    from notifier.max_api import MaxApi

    limits = Limits(per_bot=Rate(MAX_BOT_RATE, 1.0), answers_per_dialog=Rate(CHAT_RATE, 1.0))
    async with run_max_standin(limits=limits) as running:
        settings = Settings(
            **base,
            max_token=running.token,
            max_api_url=running.base_url,
            max_bot_rate=MAX_BOT_RATE,
        )
        deps, dialogue = await deps_of(settings)
        api = MaxApi(running.token, running.base_url)
        stop = asyncio.Event()
        polling = asyncio.create_task(MaxBot(deps, dialogue, api).poll(stop))
        try:
            yield settings, MaxSide(running), deps
        finally:
            stop.set()
            await asyncio.wait_for(polling, 10)
            await api.close()


@contextlib.asynccontextmanager
async def running_bot(
    db: Database, redis_url: str, messenger: Messenger = Messenger.telegram, **settings: Any
) -> AsyncIterator[BotUnderTest]:
    """The bot on `messenger`, polling its stand-in until the block ends."""
    base = {
        "database_url": "sqlite:///unused.db",  # the bot is handed `db` itself
        "redis_url": redis_url,
        "telegram_chat_rate": CHAT_RATE,
        **settings,
    }
    redis = Redis.from_url(redis_url)
    opened: list[Any] = []

    async def deps_of(config: Settings) -> tuple[Deps, Any]:
        channels = build_channels(config, redis)
        opened.append(channels)
        return Deps(settings=config, db=db, redis=redis, channels=channels), build_dialogue()

    run = _telegram if messenger is Messenger.telegram else _max
    try:
        async with run(base, deps_of) as (config, side, deps):
            yield BotUnderTest(messenger, config, db, redis, deps, side)
    finally:
        for channels in opened:
            await close_channels(channels)
        await redis.aclose()


@dataclass
class TwoBots:
    """The deployment's bot and a school's own, served by one bot process."""

    deployment: BotUnderTest
    school: BotUnderTest


@contextlib.asynccontextmanager
async def running_school_bot(
    db: Database, redis_url: str, messenger: Messenger, directory: Path, school_ids: list[int]
) -> AsyncIterator[TwoBots]:
    """The messenger's bots as the bot process runs them (`run_telegram` / `run_max`:
    every bot of the bots file beside the deployment's, in one process), until the
    block ends."""
    from bots.max.app import run_max
    from bots.telegram.app import run_telegram

    bots_file = school_bots_file(directory, school_ids)
    redis = Redis.from_url(redis_url)
    base: dict[str, Any] = {
        "database_url": "sqlite:///unused.db",  # the bot is handed `db` itself
        "redis_url": redis_url,
        "telegram_chat_rate": CHAT_RATE,
        "max_bot_rate": MAX_BOT_RATE,
        "bots_file": bots_file,
    }
    stop = asyncio.Event()
    async with contextlib.AsyncExitStack() as stack:
        if messenger is Messenger.telegram:
            limits = FloodLimits(per_chat=Rate(CHAT_RATE, 1.0))
            emulator = await stack.enter_async_context(
                run_telegram_emulator(limits=limits, school_tokens=[SCHOOL_TELEGRAM_TOKEN])
            )
            settings = Settings(
                **base, telegram_token=emulator.token, telegram_api_url=emulator.base_url
            )
            sides: tuple[Side, Side] = (
                TelegramSide(emulator),
                TelegramSide(emulator.school_bots[SCHOOL_TELEGRAM_TOKEN]),
            )
            run = functools.partial(run_telegram, handle_as_tasks=False)
        else:
            max_limits = Limits(
                per_bot=Rate(MAX_BOT_RATE, 1.0), answers_per_dialog=Rate(CHAT_RATE, 1.0)
            )
            running = await stack.enter_async_context(
                run_max_standin(
                    limits=max_limits, school_bots={SCHOOL_MAX_TOKEN: SCHOOL_BOT_USERNAME}
                )
            )
            settings = Settings(**base, max_token=running.token, max_api_url=running.base_url)
            sides = (MaxSide(running), MaxSide(running.school_bots[SCHOOL_MAX_TOKEN]))
            run = run_max
        channels = build_channels(settings, redis)
        deps = Deps(settings=settings, db=db, redis=redis, channels=channels)
        # An update counts as handled once acknowledged (`TelegramSide`): one by one.
        serving = asyncio.create_task(run(deps, build_dialogue(), stop))
        try:
            yield TwoBots(
                BotUnderTest(messenger, settings, db, redis, deps, sides[0]),
                BotUnderTest(messenger, settings, db, redis, deps, sides[1]),
            )
        finally:
            stop.set()
            await asyncio.wait_for(serving, 15)
            await close_channels(channels)
            await redis.aclose()
