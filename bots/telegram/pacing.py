"""The bot's own sends paced by the limiter the delivery workers use.

Telegram allows about one message a second per chat and answers a faster burst with
429. The bot answering a parent and a worker delivering a mark to the same parent
are two senders on one budget, so both reserve their moments in the same Redis keys
(`notifier.ratelimit.TelegramRates.limits`): a quick second tap waits a second for its
answer instead of losing it to a 429.

Wire it once where the Bot is built: `bot.session.middleware(PacedSends(RateLimiter(redis)))`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods.base import TelegramType
from redis.exceptions import RedisError

from notifier.ratelimit import RateLimiter, TelegramRates

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod

log = logging.getLogger(__name__)


class PacedSends(BaseRequestMiddleware):
    """Waits for a free moment before every `send*` method to a chat; other methods
    (edits, callback answers, getUpdates) go at once."""

    def __init__(self, limiter: RateLimiter, rates: TelegramRates | None = None) -> None:
        self.limiter = limiter
        self.rates = rates or TelegramRates()

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        chat_id = getattr(method, "chat_id", None)
        if chat_id is not None and type(method).__name__.startswith("Send"):
            try:
                await self.limiter.wait(*self.rates.limits(bot.id, chat_id))
            except RedisError as error:
                # Unpaced is better than silent: Telegram may then answer 429.
                log.warning("send not paced, Redis unavailable: %s", type(error).__name__)
        return await make_request(bot, method)
