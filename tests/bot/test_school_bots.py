"""A school's own bot beside the deployment's, served by one bot process: a family of
that school subscribes through it, and the chat remembers which bot it talks to (a bot
writes only to those who started it). Each scenario runs on Telegram and on MAX."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.db import Database
from core.messengers import linked
from core.models import Messenger
from tests.bot.harness import TwoBots, running_school_bot
from tests.bot.subscribe_helpers import guardian_code, guardian_row, second_school_family
from tests.builders import World
from tests.school_bots import SCHOOL_BOT_KEY, SCHOOL_BOT_USERNAME

pytestmark = pytest.mark.both_messengers


@pytest.fixture
async def bots(
    sqlite_db: Database, world: World, redis_url: str, messenger: Messenger, tmp_path: Path
) -> AsyncIterator[TwoBots]:
    """Школа №2 has its own bot; Школа №1 uses the deployment's."""
    async with running_school_bot(
        sqlite_db, redis_url, messenger, tmp_path, [world.other_school_id]
    ) as both:
        yield both


async def test_a_family_subscribes_through_its_schools_own_bot(
    bots: TwoBots, world: World, messenger: Messenger
) -> None:
    db = bots.school.db
    guardian_id, code = await second_school_family(db, world)
    parent = bots.school.person(7301)

    [offer] = await parent.open_link(code)
    assert "Школа №2" in offer.text
    await parent.tap("Согласен")

    chat = linked(await guardian_row(db, guardian_id), messenger)
    assert chat is not None and chat.id == 7301
    assert chat.bot == SCHOOL_BOT_KEY
    assert chat.address == f"{SCHOOL_BOT_KEY}:7301"  # what deliveries are addressed to
    # The deployment's bot said nothing to this parent: the school's bot did it all.
    assert await bots.deployment.person(7301).history() == []
    # The invite sheet and the notices name the school's bot for its families.
    assert bots.school.settings.bot_username(messenger.value, world.other_school_id) == (
        SCHOOL_BOT_USERNAME
    )


async def test_other_schools_keep_the_deployments_bot(
    bots: TwoBots, world: World, messenger: Messenger
) -> None:
    db = bots.deployment.db
    code = await guardian_code(db, world, "novikov", who="russian")
    parent = bots.deployment.person(7302)

    [offer] = await parent.open_link(code)
    assert "Школа №1" in offer.text
    await parent.tap("Согласен")

    chat = linked(await guardian_row(db, world.guardians["novikov"]), messenger)
    assert chat is not None and chat.id == 7302 and chat.bot is None
    assert chat.address == "7302"
    assert await bots.school.person(7302).history() == []
    assert bots.deployment.settings.bot_username(messenger.value, world.school_id) == (
        "zvonok_demo_bot"
    )


async def test_a_reader_finds_their_child_through_either_bot(
    bots: TwoBots, world: World, messenger: Messenger
) -> None:
    """A person is one id for every bot of a messenger: linked through the school's bot,
    a parent who writes to the deployment's bot is still recognised there."""
    db = bots.school.db
    _, code = await second_school_family(db, world)
    parent = bots.school.person(7303)
    await parent.open_link(code)
    await parent.tap("Согласен")

    answers = await bots.deployment.person(7303).send("/start")
    assert answers and "Артём" in answers[-1].text
