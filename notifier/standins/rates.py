"""Rates as the messengers state their limits, and the sliding windows both bot stand-ins
count requests in (Telegram's flood limits, MAX's 30 requests a second).

Written from the messengers' documentation, not from our client's code (the stand-ins
import nothing of ours): a mistake in notifier.ratelimit is met by a stand-in's 429s
instead of being mirrored by it.
"""

from __future__ import annotations

import dataclasses
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar


class RateLike(Protocol):
    """A rate as the control API's callers give one (any object with the two numbers)."""

    @property
    def limit(self) -> int: ...

    @property
    def period(self) -> float: ...


@dataclass(frozen=True)
class Rate:
    """At most `limit` requests in any `period` seconds, as the messengers state limits."""

    limit: int
    period: float


@dataclass
class SlidingWindow:
    """Timestamps of accepted requests for one key: at most `limit` in any `period` window.

    The messenger's rule as stated, bursts included; the limiter in notifier.ratelimit is
    stricter (evenly spaced), so a client using it never meets this window's edge.
    """

    rate: Rate
    sent: deque[float] = field(default_factory=deque)

    def wait(self, now: float, tolerance: float) -> float:
        """Seconds until one more request fits; 0 when it fits now."""
        window = self.rate.period * (1 - tolerance)
        while self.sent and self.sent[0] <= now - window:
            self.sent.popleft()
        if len(self.sent) < self.rate.limit:
            return 0.0
        return self.sent[-self.rate.limit] + window - now

    def record(self, now: float) -> None:
        self.sent.append(now)
        while len(self.sent) > self.rate.limit:
            self.sent.popleft()


class Windows:
    """One window per key (the bot, a chat, a dialog's answers), renewed when its rate
    changes (a test's `set_limits`)."""

    def __init__(self) -> None:
        self._windows: dict[str, SlidingWindow] = {}

    def get(self, key: str, rate: Rate) -> SlidingWindow:
        window = self._windows.get(key)
        if window is None or window.rate != rate:
            window = self._windows[key] = SlidingWindow(rate)
        return window


def admit(windows: Sequence[SlidingWindow], now: float, tolerance: float) -> float:
    """Record one request in every window and return 0, or record nothing and return the
    seconds until all of them take one."""
    wait = max(window.wait(now, tolerance) for window in windows)
    if wait > 0:
        return wait
    for window in windows:
        window.record(now)
    return 0.0


def retry_after_seconds(wait: float) -> int:
    """A wait as both messengers announce it: whole seconds, at least one."""
    return max(1, math.ceil(wait))


def rate_json(rate: RateLike | None) -> dict[str, float] | None:
    """A rate as the control API takes it (None: leave it as it is)."""
    return None if rate is None else {"limit": rate.limit, "period": rate.period}


LimitsT = TypeVar("LimitsT")


def updated_limits(current: LimitsT, body: dict[str, Any]) -> LimitsT:
    """`current` (a frozen dataclass of rates, a tolerance and `enabled`) with the fields
    the control API's `limits` request names; the others stay."""
    changes: dict[str, Any] = {}
    for limit in dataclasses.fields(current):  # type: ignore[arg-type]
        value = body.get(limit.name)
        if value is None:
            continue
        now = getattr(current, limit.name)
        if isinstance(now, Rate):
            changes[limit.name] = Rate(int(value["limit"]), float(value["period"]))
        elif isinstance(now, bool):
            changes[limit.name] = bool(value)
        else:
            changes[limit.name] = float(value)
    return dataclasses.replace(current, **changes)  # type: ignore[type-var]
