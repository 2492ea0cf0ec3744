"""Starting and stopping a bot process: signals, and waiting for a messenger's API."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger(__name__)

MAX_RETRY_DELAY = 60.0
T = TypeVar("T")


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM: the process then stops cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def sleep_unless_stopped(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def retry_until_up(
    name: str,
    call: Callable[[], Awaitable[T]],
    transient: tuple[type[BaseException], ...],
    stop: asyncio.Event,
) -> T | None:
    """`call()`'s result once the messenger answers; None when stopped first.

    A messenger's outage at start-up must not end the process: its transient errors are
    retried with a growing delay. Anything else (a refused token) is raised.
    """
    delay = 1.0
    while not stop.is_set():
        try:
            return await call()
        except transient as error:
            log.warning("%s API not reachable (%s); retrying in %.0f s", name, error, delay)
        await sleep_unless_stopped(stop, delay)
        delay = min(delay * 2, MAX_RETRY_DELAY)
    return None
