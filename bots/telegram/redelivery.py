"""Webhook mode on Telegram: a redelivered update is dropped (`bots.redelivery`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis

from bots.redelivery import once

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
        return await once(self.redis, key, lambda: handler(event, data))
