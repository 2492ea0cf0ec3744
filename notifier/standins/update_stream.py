"""What the two bots' update queues share: numbered updates waiting for the bot, long polls
that sleep until something changes, the acknowledgement a later poll gives, and the task
that POSTs them to a webhook instead, retried until it takes them.

Telegram (`telegram_updates.UpdateQueue`: offsets, one webhook, 409 conflicts) and MAX
(`max_updates.UpdateLog`: markers, several subscriptions, 405) differ in what they answer;
this is the machinery under both.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from notifier.standins.http import tls_context

# Both messengers retry an unreachable webhook with growing pauses (minutes, for real);
# the stand-ins after 0.2-2 s so a test sees the retry.
_RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0)

PendingT = TypeVar("PendingT")


@dataclass(frozen=True)
class Posted:
    """What a webhook answered: its status, or None and the failure's name."""

    status: int | None
    reason: str  # the status line's reason phrase, or the exception's class name


class UpdateStream(Generic[PendingT], ABC):
    """Pending updates (in order) and everything that waits for them to change."""

    def __init__(self) -> None:
        self._pending: list[PendingT] = []
        self._next = 1
        # Every update numbered below this was acknowledged by a later poll (or taken by
        # a webhook): a bot that handles updates one at a time has finished with them.
        self.acknowledged_below = 1
        self._changed = asyncio.Event()
        self._closing = False
        self._delivery: asyncio.Task[None] | None = None
        self._http: httpx.AsyncClient | None = None

    def _notify(self) -> None:
        """Wake every long poll, waiter and the delivery task."""
        self._changed.set()
        self._changed = asyncio.Event()

    def _number(self) -> int:
        number = self._next
        self._next += 1
        return number

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def _acknowledge_below(self, number: int) -> None:
        if number > self.acknowledged_below:
            self.acknowledged_below = number
            self._notify()

    async def _wait_acknowledged(self, number: int, within: float) -> bool:
        deadline = time.monotonic() + within
        while self.acknowledged_below <= number:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            await self._sleep_until_changed(left)
        return True

    async def _sleep_until_changed(self, seconds: float) -> None:
        changed = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), seconds)

    # webhook delivery

    @abstractmethod
    def _webhook_set(self) -> bool: ...

    @abstractmethod
    async def _deliver_next(self) -> bool | None:
        """Deliver the first pending update: True when taken, False when it failed (to be
        retried), None when there is nothing to deliver."""
        ...

    def _start_delivery(self) -> None:
        if self._delivery is None or self._delivery.done():
            self._delivery = asyncio.create_task(self._deliver_forever())

    async def _stop_delivery(self) -> None:
        if self._delivery is not None:
            self._delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery
            self._delivery = None

    async def _deliver_forever(self) -> None:
        failures = 0
        while self._webhook_set() and not self._closing:
            delivered = await self._deliver_next()
            if delivered is None:
                await self._changed.wait()
            elif delivered:
                failures = 0
            else:
                await asyncio.sleep(_RETRY_DELAYS[min(failures, len(_RETRY_DELAYS) - 1)])
                failures += 1

    async def _post(
        self, url: str, update: dict[str, Any], headers: dict[str, str], answer_within: float
    ) -> Posted:
        if self._http is None:
            self._http = httpx.AsyncClient(verify=tls_context())
        try:
            response = await self._http.post(
                url, json=update, headers=headers, timeout=answer_within
            )
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            return Posted(None, type(error).__name__)
        return Posted(response.status_code, response.reason_phrase)

    async def close(self) -> None:
        """Wake every long poll so the server can stop without waiting out their timeouts."""
        self._closing = True
        self._notify()
        await self._stop_delivery()
        if self._http is not None:
            await self._http.aclose()
            self._http = None
