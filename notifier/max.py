"""The MAX channel: the MAX Bot API client (notifier.max_api), paced by the shared rate
limiter, failures classified once here (see `classify`), as the Telegram channel does.

A parent's MAX address is their MAX user id: the bot writes to the dialog of a user
who started it. Long texts go as several messages (MAX takes 4,000 characters), the
«Ознакомлен» buttons on the last; a file goes as a message of its own (MAX allows no
other attachment beside a file), with the caption before it.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

from core.metrics import RATE_LIMITED
from notifier.base import OutgoingMessage, SendResult
from notifier.max_api import MAX_API_URL, MaxApi
from notifier.max_errors import (
    MaxAttachmentNotReady,
    MaxError,
    MaxNetworkError,
    MaxRateLimited,
    MaxServerError,
)
from notifier.max_models import CallbackButton, inline_keyboard, split_text
from notifier.parts import PartProgress, send_parts
from notifier.ratelimit import MaxRates, RateLimiter, pace

# How long to wait for MAX to process an uploaded file before sending it (seconds);
# after the last, the worker sends again later (with a new upload).
_PROCESSING_PAUSES = (0.2, 0.5, 1.0, 2.0)


def max_bot_key(token: str) -> str:
    """The name a bot's limit is kept under in Redis: every process sending through one
    bot (the workers, the bot) shares it; the token itself never reaches Redis."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def classify(error: MaxError, backoff: float) -> SendResult:
    """Turn a MAX failure into a SendResult. The one place these are mapped."""
    reason = f"{type(error).__name__}: {error.description}"
    if isinstance(error, MaxRateLimited):
        RATE_LIMITED.labels("max").inc()
        return SendResult.later(reason, error.retry_after or backoff)
    if error.recipient_gone:  # blocked, stopped, the dialog deleted or never started
        return SendResult.failed(reason, address_dead=True)
    if isinstance(error, MaxAttachmentNotReady | MaxServerError | MaxNetworkError):
        # MAX or the path to it is unwell, or the file still processing: try again.
        return SendResult.later(reason, backoff)
    # A wrong token, a malformed request: sending it again cannot help.
    return SendResult.failed(reason)


def keyboard(buttons: tuple[tuple[str, str], ...]) -> list[dict[str, Any]]:
    """The buttons (label, callback payload) on one row, as MAX's attachment."""
    if not buttons:
        return []
    return [inline_keyboard([[CallbackButton(label, data) for label, data in buttons]])]


class MaxChannel:
    """Sends OutgoingMessages through a MAX bot; implements notifier.base.Channel."""

    name = "max"

    def __init__(
        self,
        token: str,
        *,
        limiter: RateLimiter | None,
        api_url: str = MAX_API_URL,
        rates: MaxRates | None = None,
        request_timeout: float = 30.0,
        retry_backoff: float = 10.0,
    ) -> None:
        """`limiter` paces every request (None: no pacing, for one-off scripts); its Redis
        also remembers which parts of a long message went out. `retry_backoff` is the
        retry_after given for server and network errors."""
        self.api = MaxApi(token, api_url, timeout=request_timeout)
        self.bot = max_bot_key(token)
        self.limiter = limiter
        self.rates = rates or MaxRates()
        self.retry_backoff = retry_backoff
        self.processing_pauses = _PROCESSING_PAUSES

    async def _pace(self) -> SendResult | None:
        return await pace(
            self.limiter, self.rates.limits(self.bot), self.retry_backoff, channel="max"
        )

    async def _send_part(
        self, user_id: int, text: str, *, html: bool, attachments: list[dict[str, Any]]
    ) -> str | SendResult:
        paced = await self._pace()
        if paced is not None:
            return paced
        try:
            sent = await self.api.send_message(
                user_id=user_id, text=text, format="html" if html else None,
                attachments=attachments,
            )  # fmt: skip
        except MaxError as error:
            return classify(error, self.retry_backoff)
        return sent.mid

    async def send(self, message: OutgoingMessage) -> SendResult:
        """Send one message, split into parts if long; buttons go on the last part."""
        try:
            user_id = int(message.address)
        except ValueError:
            return SendResult.failed(f"not a MAX user id: {message.address!r}", address_dead=True)
        body, html = (message.text, False) if message.html is None else (message.html, True)
        try:
            parts = split_text(body, html=html)
        except ValueError as error:  # one tag longer than a whole message: a template bug
            return SendResult.failed(str(error))
        if not parts:
            return SendResult.failed("empty message")
        redis = self.limiter.redis if self.limiter else None
        progress = PartProgress(redis, "max", message.idempotency_key, parts)

        async def send_part(index: int, text: str) -> str | SendResult:
            last = index == len(parts) - 1
            attachments = keyboard(message.buttons) if last else []
            return await self._send_part(user_id, text, html=html, attachments=attachments)

        return await send_parts(progress, parts, send_part)

    async def send_document(
        self, user_id: int, filename: str, data: bytes, caption: str = ""
    ) -> SendResult:
        """Send a file (the weekly PDF), the HTML `caption` as a message before it."""
        if caption:
            said = await self._send_part(user_id, caption, html=True, attachments=[])
            if isinstance(said, SendResult):
                return said
        paced = await self._pace()  # the upload
        if paced is not None:
            return paced
        try:
            attachment = await self.api.upload_file(filename, data)
        except MaxError as error:
            return classify(error, self.retry_backoff)
        for pause in (*self.processing_pauses, None):
            paced = await self._pace()
            if paced is not None:
                return paced
            try:
                sent = await self.api.send_message(
                    user_id=user_id, text=None, attachments=[attachment]
                )
            except MaxAttachmentNotReady as error:
                if pause is None:
                    return classify(error, self.retry_backoff)
                await asyncio.sleep(pause)  # MAX is still processing the file
            except MaxError as error:
                return classify(error, self.retry_backoff)
            else:
                return SendResult.ok(sent.mid)
        raise AssertionError("unreachable")

    async def close(self) -> None:
        await self.api.close()
