"""Fixtures for the Telegram tests: the emulator over HTTP, a real aiogram Bot, the limiter.

Test modules import the fixtures they use by name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from redis.asyncio import Redis

from notifier.ratelimit import RateLimiter
from notifier.standins.telegram_control import RunningEmulator, run_telegram_emulator


def bot_for(emulator: RunningEmulator, token: str | None = None) -> Bot:
    """A real aiogram Bot whose session talks to the emulator."""
    api = TelegramAPIServer.from_base(emulator.base_url)
    return Bot(token or emulator.token, session=AiohttpSession(api=api))


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with run_telegram_emulator() as running:
        yield running


@pytest.fixture
async def bot(emulator: RunningEmulator) -> AsyncIterator[Bot]:
    client = bot_for(emulator)
    yield client
    await client.session.close()


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def limiter(redis_client: Redis) -> RateLimiter:
    return RateLimiter(redis_client)
