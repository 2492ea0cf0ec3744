"""Webhook mode: an update Telegram delivers again is handled once.

Telegram posts an update again when it got no answer in time (a slow handler, a
dropped connection, a proxy's timeout), though the first delivery may have been
handled: without this, a parent's «Ознакомлен» would be recorded twice, an invite code
would be redeemed by the first post and refused as "used" by the second, a teacher's
homework sent twice. The first delivery of each `update_id` claims it in Redis
(`SET NX`), so every bot process behind the same URL agrees; later ones are answered
200 and handled by nobody.

The claims are bounded: each expires after `SEEN_FOR`, longer than Telegram keeps an
undelivered update (24 hours). An update whose handling raised gives its claim back,
so Telegram's next try is handled. Should Redis be unreachable the update is handled
anyway: a rare double is better than a lost message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

SEEN_FOR = dt.timedelta(hours=48)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def seen_key(bot_id: int, update_id: int) -> str:
    # Update ids are per bot: a new token is another bot with ids of its own.
    return f"zvonok:bot:{bot_id}:update:{update_id}"


class OncePerUpdate(BaseMiddleware):
    """An outer middleware on `dispatcher.update`: a redelivered update is dropped."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        bot: Bot | None = data.get("bot")
        if not isinstance(event, Update) or bot is None:
            return await handler(event, data)
        key = seen_key(bot.id, event.update_id)
        try:
            first = await self.redis.set(key, 1, nx=True, ex=SEEN_FOR)
        except RedisError as error:
            log.warning("update %s: cannot check for a redelivery (%s)", event.update_id, error)
            return await handler(event, data)
        if not first:
            log.info("update %s was delivered again: ignored", event.update_id)
            return None
        try:
            return await handler(event, data)
        except BaseException:
            with contextlib.suppress(RedisError):
                await self.redis.delete(key)
            raise
