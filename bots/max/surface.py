"""A turn's answers as MAX Bot API calls, paced by the limiter the workers share.

MAX has no reply keyboard: the main menu is a block of inline buttons under the message
that brings it. A file must be a message's only attachment, so a document's buttons
come in a message of their own right after it (docs/max.md).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from redis.exceptions import RedisError

from bots.dialog.turn import Press
from bots.dialog.ui import Button, Document, Keyboard, Menu, Sent
from bots.menu import menu_keyboard
from notifier.max_api import MaxApi
from notifier.max_errors import MaxAttachmentNotReady
from notifier.max_models import (
    MAX_TEXT_LENGTH,
    CallbackButton,
    LinkButton,
    MaxMessage,
    inline_keyboard,
    split_text,
)
from notifier.ratelimit import Limit, RateLimiter

log = logging.getLogger(__name__)

# A file just uploaded may not be ready to send yet (attachment.not.ready).
READY_TRIES = 5
READY_WAIT = 0.5


def attachments(keyboard: Keyboard) -> list[dict[str, Any]]:
    if not keyboard:
        return []
    rows = [
        [
            CallbackButton(b.text, b.data)
            if b.data is not None
            else LinkButton(b.text, b.url or "")
            for b in row
        ]
        for row in keyboard
    ]
    return [inline_keyboard(rows)]


def keyboard_of(message: MaxMessage | None) -> Keyboard:
    """The inline buttons a message carries, as the dialogue's."""
    if message is None:
        return ()
    for attachment in message.attachments:
        if attachment.get("type") == "inline_keyboard":
            rows = (attachment.get("payload") or {}).get("buttons") or []
            return tuple(
                tuple(
                    Button(str(b["text"]), data=str(b["payload"]))
                    if b.get("type") == "callback"
                    else Button(str(b["text"]), url=str(b.get("url") or ""))
                    for b in row
                    if b.get("type") in ("callback", "link")
                )
                for row in rows
            )
    return ()


class MaxPacing:
    """Every request of the bot waits for its moment in the per-bot limit it shares with
    the delivery workers (`notifier.ratelimit.MaxRates`)."""

    def __init__(self, limiter: RateLimiter, limits: tuple[Limit, ...]) -> None:
        self.limiter = limiter
        self.limits = limits

    async def wait(self) -> None:
        try:
            await self.limiter.wait(*self.limits)
        except RedisError as error:
            # Unpaced is better than silent: MAX may then answer 429.
            log.warning("MAX request not paced, Redis unavailable: %s", type(error).__name__)


class MaxSurface:
    """Answers in one dialog (`user_id`) or group chat (`chat_id`)."""

    def __init__(
        self, api: MaxApi, pacing: MaxPacing, *, user_id: int | None, chat_id: int | None
    ) -> None:
        self.api = api
        self.pacing = pacing
        self.user_id = user_id
        self.chat_id = chat_id

    async def _post(self, text: str | None, attached: list[dict[str, Any]]) -> Sent:
        await self.pacing.wait()
        sent = await self.api.send_message(
            user_id=self.user_id, chat_id=self.chat_id, text=text, attachments=attached
        )
        return Sent(sent.mid)

    async def send(self, text: str, keyboard: Keyboard, menu: Menu) -> Sent:
        rows = keyboard + (menu_keyboard() if menu is Menu.show else ())
        parts = split_text(text, limit=MAX_TEXT_LENGTH) or [text]
        for part in parts[:-1]:
            await self._post(part, [])
        return await self._post(parts[-1], attachments(rows))

    async def edit(self, message: Sent, text: str, keyboard: Keyboard) -> None:
        await self.pacing.wait()
        await self.api.edit_message(message.id, text=text, attachments=attachments(keyboard))

    async def edit_keyboard(self, message: Sent, keyboard: Keyboard) -> None:
        await self.pacing.wait()
        await self.api.edit_message(message.id, text=None, attachments=attachments(keyboard))

    async def answer(self, press: Press, text: str | None, alert: bool) -> None:
        if text is None:
            return  # MAX shows no spinner to stop: an empty answer says nothing
        await self.pacing.wait()
        await self.api.answer_callback(press.id, notification=text)

    async def send_document(self, document: Document) -> Sent:
        """The file; its caption under it, or, with buttons, in the next message."""
        await self.pacing.wait()
        attachment = await self.api.upload_file(document.filename, document.content)
        together = document.caption if not document.keyboard else ""
        sent = await self._post_file(together or None, attachment)
        if document.keyboard:
            await self._post(document.caption or document.filename, attachments(document.keyboard))
        return sent

    async def _post_file(self, caption: str | None, attachment: dict[str, Any]) -> Sent:
        for attempt in range(1, READY_TRIES + 1):
            try:
                return await self._post(caption, [attachment])
            except MaxAttachmentNotReady:
                if attempt == READY_TRIES:
                    raise
                await asyncio.sleep(READY_WAIT * attempt)
        raise AssertionError("unreachable")
