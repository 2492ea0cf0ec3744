"""The Telegram channel: aiogram's Bot, paced by the shared rate limiter.

Failures are classified here, once (see `classify`); workers decide what to do with them.
"""

from __future__ import annotations

from typing import Final

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    AiogramError,
    ClientDecodeError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, Message

from notifier.base import OutgoingMessage, SendResult
from notifier.parts import PartProgress, send_parts
from notifier.ratelimit import RateLimiter, TelegramRates, pace
from notifier.telegram_text import split_message

TELEGRAM_API_URL: Final = "https://api.telegram.org"
# Bad Request texts that mean the chat itself is gone, not just this message.
_DEAD_CHAT_TEXTS: Final = ("chat not found", "user not found", "peer_id_invalid")


def classify(error: Exception, backoff: float) -> SendResult:
    """Turn an aiogram failure into a SendResult. The one place these are mapped."""
    reason = f"{type(error).__name__}: {getattr(error, 'message', error)}"
    if isinstance(error, TelegramRetryAfter):
        # Telegram says exactly when to come back; retrying sooner only extends the ban.
        return SendResult.later(reason, float(error.retry_after))
    if isinstance(error, TelegramForbiddenError):
        return SendResult.failed(reason, address_dead=True)  # blocked, deactivated, kicked
    if isinstance(error, TelegramMigrateToChat):
        # The group became a supergroup: this id is dead, the new one is in the reason.
        return SendResult.failed(f"{reason} (new id {error.migrate_to_chat_id})", address_dead=True)
    if isinstance(error, TelegramBadRequest):
        dead = any(text in error.message.lower() for text in _DEAD_CHAT_TEXTS)
        return SendResult.failed(reason, address_dead=dead)
    if isinstance(error, TelegramEntityTooLarge):  # a TelegramNetworkError, but never transient
        return SendResult.failed(reason)
    if isinstance(error, TelegramServerError | TelegramNetworkError | ClientDecodeError):
        # Telegram or the path to it is unwell: nothing is wrong with the message.
        return SendResult.later(reason, backoff)
    if isinstance(error, TimeoutError):
        return SendResult.later("timeout", backoff)
    # 401 (token revoked), 404, 413 and the like: retrying the same request cannot help.
    return SendResult.failed(reason)


def keyboard(buttons: tuple[tuple[str, str], ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    row = [InlineKeyboardButton(text=label, callback_data=data) for label, data in buttons]
    return InlineKeyboardMarkup(inline_keyboard=[row])


def chat_address(address: str) -> int | str:
    """Numeric chat ids as int, "@channel" names as they are."""
    return address if address.startswith("@") else int(address)


class TelegramSession(AiohttpSession):
    """aiogram's HTTP session. Closing it waits a quarter of a second for TLS connections
    to shut down cleanly (aiohttp's advice); an API reached over plain HTTP (a local
    Bot API server, the emulator) has none, so its session closes at once."""

    async def close(self) -> None:
        if self.api.base.startswith("https://"):
            await super().close()
        elif self._session is not None and not self._session.closed:
            await self._session.close()


class TelegramChannel:
    """Sends OutgoingMessages through a bot; implements notifier.base.Channel."""

    name = "telegram"

    def __init__(
        self,
        token: str,
        *,
        limiter: RateLimiter | None,
        api_url: str = TELEGRAM_API_URL,
        rates: TelegramRates | None = None,
        request_timeout: float = 30.0,
        retry_backoff: float = 10.0,
    ) -> None:
        """`limiter` paces every send (None: no pacing, for one-off scripts); its Redis also
        remembers which parts of a long message went out, so a retry does not repeat them.
        `retry_backoff` is the retry_after given for server and network errors."""
        api = TelegramAPIServer.from_base(api_url)
        self.bot = Bot(token, session=TelegramSession(api=api, timeout=request_timeout))
        self.limiter = limiter
        self.rates = rates or TelegramRates()
        self.retry_backoff = retry_backoff

    async def _pace(self, chat_id: int | str) -> SendResult | None:
        return await pace(self.limiter, self.rates.limits(self.bot.id, chat_id), self.retry_backoff)

    async def _send_part(
        self, chat_id: int | str, text: str, *, html: bool, markup: InlineKeyboardMarkup | None
    ) -> Message | SendResult:
        paced = await self._pace(chat_id)
        if paced is not None:
            return paced
        try:
            return await self.bot.send_message(
                chat_id, text, parse_mode="HTML" if html else None, reply_markup=markup
            )
        except (AiogramError, TimeoutError) as error:
            return classify(error, self.retry_backoff)

    async def send(self, message: OutgoingMessage) -> SendResult:
        """Send one message, split into parts if long; buttons go on the last part."""
        try:
            chat_id = chat_address(message.address)
        except ValueError:
            return SendResult.failed(
                f"not a Telegram chat id: {message.address!r}", address_dead=True
            )
        body, html = (message.text, False) if message.html is None else (message.html, True)
        try:
            parts = split_message(body, html=html)
        except ValueError as error:  # one tag longer than a whole message: a template bug
            return SendResult.failed(str(error))
        if not parts:
            return SendResult.failed("empty message")
        redis = self.limiter.redis if self.limiter else None
        progress = PartProgress(redis, "tg", message.idempotency_key, parts)

        async def send_part(index: int, text: str) -> str | SendResult:
            markup = keyboard(message.buttons) if index == len(parts) - 1 else None
            sent = await self._send_part(chat_id, text, html=html, markup=markup)
            return sent if isinstance(sent, SendResult) else str(sent.message_id)

        return await send_parts(progress, parts, send_part)

    async def send_document(
        self, chat_id: int | str, filename: str, data: bytes, caption: str = ""
    ) -> SendResult:
        """Send a file (the weekly PDF); `caption` is HTML, at most 1024 characters."""
        paced = await self._pace(chat_id)
        if paced is not None:
            return paced
        try:
            sent = await self.bot.send_document(
                chat_id,
                BufferedInputFile(data, filename=filename),
                caption=caption or None,
                parse_mode="HTML" if caption else None,
            )
        except (AiogramError, TimeoutError) as error:
            return classify(error, self.retry_backoff)
        return SendResult.ok(str(sent.message_id))

    async def close(self) -> None:
        await self.bot.session.close()
