"""One update from a chat, as every feature sees it, and the ways to answer it.

A `Turn` is a message (`text`, with `command` and `args` when it starts with «/»;
`text` None for a photo, a sticker...) or a button press (`press`). It carries who is
writing (`links`: the chat's guardians, children and staff roles, None in group chats
and while the journal's database is unreachable), the language to answer in (`lang`),
the chat's `conversation`, and the process's dependencies (`deps`). The messenger's
adapter gives it a `Surface`: the few things an answer can do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from redis.asyncio import Redis

from bots.dialog.conversation import Conversation
from bots.dialog.ui import Document, Keyboard, Menu, Sent
from core.db import Database
from core.messengers import MessengerChat
from core.models import Messenger, utcnow
from core.reading.chats import ChatLinks
from core.settings import Settings
from notifier.channels import Channels

Clock = Callable[[], dt.datetime]


@dataclass
class Deps:
    """What every bot process has once, built by `bots.app.run_bots` (a test sets the
    `clock`)."""

    settings: Settings
    db: Database
    redis: Redis
    channels: Channels
    clock: Clock = utcnow


@dataclass(frozen=True)
class Press:
    """A press on an inline button of `message` (None when the messenger no longer has
    it), whose buttons were `keyboard`."""

    id: str
    data: str
    message: Sent | None
    keyboard: Keyboard = ()


class Surface(Protocol):
    """A messenger's answers in one chat (`bots.telegram.surface`, `bots.max.surface`).

    Edits that change nothing are no-ops, not errors (a double tap)."""

    async def send(self, text: str, keyboard: Keyboard, menu: Menu) -> Sent: ...

    async def edit(self, message: Sent, text: str, keyboard: Keyboard) -> None: ...

    async def edit_keyboard(self, message: Sent, keyboard: Keyboard) -> None: ...

    async def answer(self, press: Press, text: str | None, alert: bool) -> None: ...

    async def send_document(self, document: Document) -> Sent: ...


@dataclass
class Turn:
    deps: Deps
    chat: MessengerChat
    surface: Surface
    conversation: Conversation
    private: bool = True
    links: ChatLinks | None = None
    journal_up: bool = True
    lang: str = "ru"
    text: str | None = None
    command: str | None = None
    args: str = ""
    press: Press | None = None
    answered: bool = field(default=False, init=False)

    @property
    def messenger(self) -> Messenger:
        return self.chat.messenger

    async def say(self, text: str, keyboard: Keyboard = (), *, menu: Menu = Menu.keep) -> Sent:
        """A new message in the chat."""
        return await self.surface.send(text, keyboard, menu)

    async def say_parts(self, parts: list[str], keyboard: Keyboard = ()) -> None:
        """Messages in order; the buttons go on the last."""
        for number, part in enumerate(parts, start=1):
            await self.say(part, keyboard if number == len(parts) else ())

    async def edit(self, text: str, keyboard: Keyboard = ()) -> None:
        """Replace the pressed message (its buttons become `keyboard`); a new message
        when there is none to replace (a typed answer, a message gone)."""
        message = self.press.message if self.press is not None else None
        if message is None:
            await self.say(text, keyboard)
        else:
            await self.surface.edit(message, text, keyboard)

    async def edit_keyboard(self, keyboard: Keyboard) -> None:
        """Only the pressed message's buttons change."""
        if self.press is not None and self.press.message is not None:
            await self.surface.edit_keyboard(self.press.message, keyboard)

    async def notify(self, text: str | None = None, *, alert: bool = False) -> None:
        """Answer the press: a short notice (a pop-up with `alert`), or just stop the
        button's spinner. Once per press; messages ignore it."""
        if self.press is None or self.answered:
            return
        self.answered = True
        await self.surface.answer(self.press, text, alert)

    async def send_document(self, document: Document) -> Sent:
        return await self.surface.send_document(document)
