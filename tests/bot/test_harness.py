"""The harness itself: the real polling loop of each messenger answers a person."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from tests.bot.harness import BotUnderTest

# Every scenario on both messengers: the harness itself, on each messenger.
pytestmark = pytest.mark.both_messengers


async def test_start_without_code_is_answered(bot_system: BotUnderTest) -> None:
    answers = await bot_system.person(5001).send("/start")
    assert len(answers) == 1
    assert "код" in answers[0].text


async def test_each_turn_is_counted_for_the_operator(bot_system: BotUnderTest) -> None:
    """zvonok_bot_turns (core/metrics.py): what the bot was sent and what became of it,
    by messenger; nothing names the person."""
    labels = {"messenger": bot_system.messenger.value, "kind": "command", "outcome": "answered"}

    def counted() -> float:
        return REGISTRY.get_sample_value("zvonok_bot_turns_total", labels) or 0.0

    before = counted()
    await bot_system.person(5002).send("/start")
    assert counted() == before + 1
    # No label names the person (a sample's value may hold any digits).
    labels = {
        value
        for family in text_string_to_metric_families(generate_latest().decode())
        for sample in family.samples
        for value in sample.labels.values()
    }
    assert not any("5002" in value for value in labels)
