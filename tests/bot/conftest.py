"""Fixtures of the bot tests: the demo-sized world of tests/builders.py and the bot on
a messenger.

The dialogue is written once (bots/dialog) and each messenger's adapter is thin, so a
scenario runs on one messenger, Telegram or MAX, chosen by a stable hash of its name
(the test's id ends in `[telegram]` or `[max]`): every module talks to both. Modules
whose scenarios lean on what the adapters do differently (edited messages and their
buttons, documents, acknowledgements, webhooks, the broadcast per messenger) are
marked `both_messengers` and run every scenario on each."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.db import Database
from core.models import Messenger, School
from tests.bot.harness import MESSENGERS, BotUnderTest, running_bot
from tests.builders import World, build_world
from tests.spread import one_value_per_test


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    """The builders' world, its schools offering both messengers."""
    world = await build_world(sqlite_db)
    for school_id in (world.school_id, world.other_school_id):
        async with sqlite_db.session() as session:
            school = await session.get(School, school_id)
            assert school is not None
            school.policy = {**school.policy, "messengers": ["telegram", "max"]}
            session.add(school)
            await session.commit()
    return world


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One messenger per scenario unless the module or test is `both_messengers` or
    names its messenger itself."""
    one_value_per_test(metafunc, "messenger", MESSENGERS, each_marker="both_messengers")


@pytest.fixture(params=MESSENGERS, ids=[m.value for m in MESSENGERS])
def messenger(request: pytest.FixtureRequest) -> Messenger:
    """The messenger a scenario runs on."""
    messenger: Messenger = request.param
    return messenger


@pytest.fixture
async def bot_system(
    sqlite_db: Database, world: World, redis_url: str, messenger: Messenger
) -> AsyncIterator[BotUnderTest]:
    async with running_bot(sqlite_db, redis_url, messenger) as system:
        yield system
