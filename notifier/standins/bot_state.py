"""What both bot stand-ins keep beside their protocol: what the bot sent (and a wait until
there is enough of it), what users wrote, injected failures, latency and per-method
counters. `TelegramEmulator` and `MaxStandin` add their chats, users and messages.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections import Counter, defaultdict
from typing import Any, Generic, Protocol, TypeVar

from notifier.standins.faults import InjectedFailure, take_failure
from notifier.standins.update_stream import UpdateStream


class Recorded(Protocol):
    def to_json(self) -> dict[str, Any]:
        """The message as the control API shows it."""
        ...


SentT = TypeVar("SentT", bound=Recorded)


class BotState(Generic[SentT], ABC):
    """The recording half of a bot stand-in; `sent_to` says who a message went to."""

    updates: UpdateStream[Any]

    def __init__(self) -> None:
        self._sent_changed = asyncio.Event()

    def _init_recording(self) -> None:
        """Forget everything recorded (at start and at a control API reset)."""
        self.sent: list[SentT] = []
        self.received: list[dict[str, Any]] = []  # what users wrote (injected), in order
        self.failures: list[InjectedFailure] = []
        self.stats: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.latency = 0.0

    @abstractmethod
    def sent_to(self, who: int | None, /) -> list[SentT]: ...

    def record(self, message: SentT) -> None:
        self.sent.append(message)
        self.changed()

    def changed(self) -> None:
        """Wake whoever waits for what the bot sent (a message, an edit, a deletion)."""
        self._sent_changed.set()
        self._sent_changed = asyncio.Event()

    @abstractmethod
    async def reset(self) -> None:
        """Forget everything but the bot itself (the control API's `reset`)."""
        ...

    async def wait_for_sent(self, who: int | None, count: int, within: float) -> list[SentT]:
        """The messages sent to `who` (everyone: None) once there are at least `count`, or
        those there are when `within` seconds have passed."""
        deadline = time.monotonic() + within
        while len(found := self.sent_to(who)) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                await asyncio.wait_for(self._sent_changed.wait(), left)
            except TimeoutError:
                break
        return found

    def take_failure(self, method: str) -> InjectedFailure | None:
        """The injected failure this request meets, if any (`method` in lower case)."""
        return take_failure(self.failures, method)

    def count(self, method: str, status: int | None) -> None:
        """Count one answered request (status None: its connection was dropped)."""
        if status is None:
            outcome = "dropped"
        elif status == 200:
            outcome = "ok"
        else:
            outcome = "5xx" if status >= 500 else str(status)
        for key in (method, "total"):
            self.stats[key]["requests"] += 1
            self.stats[key][outcome] += 1

    def stats_json(self) -> dict[str, Any]:
        return {
            "sent": len(self.sent),
            "total": dict(self.stats["total"]),
            "methods": {m: dict(c) for m, c in self.stats.items() if m != "total"},
            "pending_updates": self.updates.pending_count,
        }
