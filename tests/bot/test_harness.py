"""The harness itself: the real polling loop of each messenger answers a person."""

from __future__ import annotations

import pytest

from tests.bot.harness import BotUnderTest

# Every scenario on both messengers: the harness itself, on each messenger.
pytestmark = pytest.mark.both_messengers


async def test_start_without_code_is_answered(bot_system: BotUnderTest) -> None:
    answers = await bot_system.person(5001).send("/start")
    assert len(answers) == 1
    assert "код" in answers[0].text
