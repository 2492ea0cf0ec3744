"""Rate arithmetic and Telegram's key/rate choice; the emulator's window arithmetic."""

from __future__ import annotations

import pytest

from notifier.ratelimit import Lateness, Limit, Rate, TelegramRates, is_group_chat
from notifier.standins.telegram_rules import FloodControl, FloodLimits, SlidingWindow


def test_rate_interval() -> None:
    assert Rate(30, 1.0).interval == pytest.approx(1 / 30)
    assert Rate(30, 1.0).interval_us == 33_333
    assert Rate(20, 60.0).interval == 3.0
    assert Rate(1, 1.0).interval_us == 1_000_000


@pytest.mark.parametrize(("limit", "period"), [(0, 1.0), (-1, 1.0), (1, 0.0)])
def test_rate_refuses_nonsense(limit: int, period: float) -> None:
    with pytest.raises(ValueError, match="a rate needs"):
        Rate(limit, period)


def test_telegram_limits_per_bot_and_per_chat() -> None:
    rates = TelegramRates(headroom=0)
    assert rates.limits(7, 42) == (Limit("tg:7", Rate(30, 1.0)), Limit("tg:7:42", Rate(1, 1.0)))
    # Negative ids are groups: 20 a minute instead of one a second.
    assert rates.limits(7, -100123)[1] == Limit("tg:7:-100123", Rate(20, 60.0))
    assert rates.limits(7, "@school_news")[1].rate == Rate(20, 60.0)


def test_headroom_paces_below_telegrams_limits() -> None:
    bot, chat = TelegramRates().limits(7, 42)  # 3% by default
    assert bot.rate.interval == pytest.approx(1.03 / 30)
    assert chat.rate.interval == pytest.approx(1.03)


def test_group_chats_are_recognised() -> None:
    assert is_group_chat(-5) and is_group_chat("-1001234") and is_group_chat("@channel")
    assert not is_group_chat(5) and not is_group_chat("12345")


def test_sliding_window_counts_sends_in_any_period() -> None:
    window = SlidingWindow(Rate(3, 1.0))
    for moment in (0.0, 0.1, 0.2):
        assert window.wait(moment, tolerance=0.0) == 0
        window.record(moment)
    assert window.wait(0.5, tolerance=0.0) == pytest.approx(0.5)  # until the 0.0 send ages out
    assert window.wait(1.0, tolerance=0.0) == 0
    # 5% tolerance: a send 0.96 s after the oldest is still let through.
    assert window.wait(0.96, tolerance=0.05) == 0


def test_flood_control_answers_whole_seconds() -> None:
    flood = FloodControl(FloodLimits())
    assert flood.check(42, now=100.0) == 0
    assert flood.check(42, now=100.2) == 1  # 0.75 s to wait, said as 1 like Telegram
    assert flood.check(43, now=100.2) == 0  # another chat is not affected
    for second in range(19):
        assert flood.check(-7, now=200.0 + second) == 0
    assert flood.check(-7, now=219.0) == 0
    assert flood.check(-7, now=220.0) == 37  # the group's window reopens at 257 (60 s - 5%)


def test_flood_control_can_be_disabled() -> None:
    flood = FloodControl(FloodLimits(enabled=False))
    assert all(flood.check(1, now=0.0) == 0 for _ in range(100))


def test_recent_lateness_stretches_each_interval_by_its_share() -> None:
    lateness = Lateness()
    assert lateness.gap_us(Rate(30, 1.0)) == 33_333  # nothing late yet: the rate as it is
    for n in range(200):
        lateness.record(0.3 if n % 10 == 0 else 0.004)
    # 0.3 s spread over 30 intervals a second, and over a chat's one.
    assert lateness.allowance == pytest.approx(0.3)
    assert lateness.gap_us(Rate(30, 1.0)) == 33_333 + 10_000
    assert lateness.gap_us(Rate(1, 1.0)) == 1_000_000 + 300_000
    assert lateness.observed == 200


def test_lateness_is_forgotten_once_requests_leave_on_time_again() -> None:
    lateness = Lateness()
    for _ in range(100):
        lateness.record(0.25)
    for _ in range(Lateness.RECENT):
        lateness.record(0.002)
    assert lateness.allowance == pytest.approx(0.002)


def test_lateness_is_capped() -> None:
    lateness = Lateness()
    for _ in range(50):
        lateness.record(30.0)  # a process frozen for half a minute
    assert lateness.allowance == Lateness.CAP
