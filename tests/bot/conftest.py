"""Fixtures of the bot tests: the demo-sized world of tests/builders.py and the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.db import Database
from tests.bot.harness import BotUnderTest, running_bot
from tests.builders import World, build_world


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    return await build_world(sqlite_db)


@pytest.fixture
async def bot_system(
    sqlite_db: Database, world: World, redis_url: str
) -> AsyncIterator[BotUnderTest]:
    async with running_bot(sqlite_db, redis_url) as system:
        yield system
