"""The Telegram channel: the Bot API client of `telegram_api`, paced by the shared
rate limiter.

Failures are classified here, once (see `classify`); workers decide what to do with them.
"""

from __future__ import annotations

from typing import Any, Final

from core.metrics import RATE_LIMITED
from notifier.base import OutgoingMessage, SendResult
from notifier.paid_broadcast import PaidBroadcast
from notifier.parts import PartProgress, send_parts
from notifier.ratelimit import RateLimiter, TelegramRates, pace
from notifier.telegram_api import (
    TELEGRAM_API_URL,
    TelegramApi,
    TelegramApiError,
    TelegramNetworkError,
)
from notifier.telegram_text import split_message

# Bad Request texts that mean the chat itself is gone, not just this message.
_DEAD_CHAT_TEXTS: Final = ("chat not found", "user not found", "peer_id_invalid")


def classify(error: Exception, backoff: float) -> SendResult:
    """Turn a Bot API failure into a SendResult. The one place these are mapped."""
    if isinstance(error, TelegramApiError):
        return _classify_answer(error, backoff)
    if isinstance(error, TelegramNetworkError):
        # Telegram or the path to it is unwell: nothing is wrong with the message.
        return SendResult.later(f"{type(error).__name__}: {error}", backoff)
    if isinstance(error, TimeoutError):
        return SendResult.later("timeout", backoff)
    return SendResult.failed(f"{type(error).__name__}: {error}")


def _classify_answer(error: TelegramApiError, backoff: float) -> SendResult:
    reason = f"{type(error).__name__}: {error}"
    code = error.error_code
    if code == 429:
        # Telegram says exactly when to come back; retrying sooner only extends the ban.
        RATE_LIMITED.labels("telegram").inc()
        return SendResult.later(reason, error.retry_after if error.retry_after else backoff)
    if error.migrate_to_chat_id is not None:
        # The group became a supergroup: this id is dead, the new one is in the reason.
        return SendResult.failed(f"{reason} (new id {error.migrate_to_chat_id})", address_dead=True)
    if code == 403:
        return SendResult.failed(reason, address_dead=True)  # blocked, deactivated, kicked
    if code == 400:
        dead = any(text in error.text.lower() for text in _DEAD_CHAT_TEXTS)
        return SendResult.failed(reason, address_dead=dead)
    if code >= 500:
        return SendResult.later(reason, backoff)
    # 401 (token revoked), 404, 413 and the like: retrying the same request cannot help.
    return SendResult.failed(reason)


def keyboard(buttons: tuple[tuple[str, str], ...]) -> dict[str, Any] | None:
    """The Bot API's InlineKeyboardMarkup: one row of callback buttons."""
    if not buttons:
        return None
    row = [{"text": label, "callback_data": data} for label, data in buttons]
    return {"inline_keyboard": [row]}


def chat_address(address: str) -> int | str:
    """Numeric chat ids as int, "@channel" names as they are."""
    return address if address.startswith("@") else int(address)


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
        paid: PaidBroadcast | None = None,
    ) -> None:
        """`limiter` paces every send (None: no pacing, for one-off scripts); its Redis also
        remembers which parts of a long message went out, so a retry does not repeat them.
        `retry_backoff` is the retry_after given for server and network errors. `paid`:
        urgent messages go as paid broadcasts while its budget lasts."""
        self.api = TelegramApi(token, api_url, timeout=request_timeout)
        self.limiter = limiter
        self.rates = rates or TelegramRates()
        self.retry_backoff = retry_backoff
        self.paid = paid

    async def _pace(self, chat_id: int | str, *, paid: bool = False) -> SendResult | None:
        limits = self.rates.limits(self.api.id, chat_id, paid=paid)
        return await pace(self.limiter, limits, self.retry_backoff, channel="telegram")

    async def _send_part(
        self,
        chat_id: int | str,
        text: str,
        *,
        html: bool,
        markup: dict[str, Any] | None,
        urgent: bool = False,
    ) -> int | SendResult:
        stars = await self.paid.take() if urgent and self.paid is not None else None
        sent: int | SendResult
        paced = await self._pace(chat_id, paid=stars is not None)
        if paced is not None:
            sent = paced
        else:
            try:
                sent = await self.api.send_message(
                    chat_id,
                    text,
                    parse_mode="HTML" if html else None,
                    reply_markup=markup,
                    allow_paid_broadcast=stars is not None,
                )
            except (TelegramApiError, TelegramNetworkError) as error:
                sent = classify(error, self.retry_backoff)
        if stars is not None and self.paid is not None:
            if isinstance(sent, SendResult):
                await self.paid.give_back(stars)  # not sent: nothing charged
            else:
                self.paid.sent()
        return sent

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
            sent = await self._send_part(
                chat_id, text, html=html, markup=markup, urgent=message.urgent
            )
            return sent if isinstance(sent, SendResult) else str(sent)

        return await send_parts(progress, parts, send_part)

    async def send_document(
        self, chat_id: int | str, filename: str, data: bytes, caption: str = ""
    ) -> SendResult:
        """Send a file (the weekly PDF); `caption` is HTML, at most 1024 characters."""
        paced = await self._pace(chat_id)
        if paced is not None:
            return paced
        try:
            sent = await self.api.send_document(
                chat_id,
                filename,
                data,
                caption=caption or None,
                parse_mode="HTML" if caption else None,
            )
        except (TelegramApiError, TelegramNetworkError) as error:
            return classify(error, self.retry_backoff)
        return SendResult.ok(str(sent))

    async def close(self) -> None:
        await self.api.close()
