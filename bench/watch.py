"""Watching a running benchmark: messages arriving at the stand-ins, workers' memory."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Sized
from dataclasses import dataclass, field

from bench.report import progress
from bench.stack import Stack, WorkerProcess
from bench.world import outcomes
from core.db import Database
from notifier.standins.telegram_emulator import SentMessage


async def wait_for_messages(
    stack: Stack, count: int, *, within: float, every: float = 10.0
) -> list[SentMessage]:
    """Wait until the emulator has `count` messages or `within` seconds pass, with progress."""
    deadline = time.monotonic() + within
    while True:
        remaining = deadline - time.monotonic()
        sent = await stack.wait_sent(count, within=max(0.0, min(every, remaining)))
        if len(sent) >= count or time.monotonic() >= deadline:
            progress(f"{len(sent)}/{count} messages at the emulator")
            return sent
        progress(f"{len(sent)}/{count} messages at the emulator, {remaining:.0f} s left")


async def wait_for_both(
    stack: Stack, *, telegram: int, max_: int, within: float, every: float = 10.0
) -> tuple[int, int]:
    """Wait until the Telegram emulator has `telegram` messages and the MAX stand-in
    `max_`, or `within` seconds pass, with progress; how many each has."""
    deadline = time.monotonic() + within
    while True:
        remaining = deadline - time.monotonic()
        step = max(0.0, min(every, remaining))
        in_telegram, in_max = await asyncio.gather(
            _count(stack.wait_sent(telegram, within=step)),
            _count(stack.max_sent(max_, within=step)) if stack.max else _count(_nothing()),
        )
        done = in_telegram >= telegram and in_max >= max_
        left = "" if done else f", {remaining:.0f} s left"
        progress(f"Telegram {in_telegram}/{telegram}, MAX {in_max}/{max_} messages{left}")
        if done or time.monotonic() >= deadline:
            return in_telegram, in_max


async def _count(sent: Awaitable[Sized]) -> int:
    return len(await sent)


async def _nothing() -> list[None]:
    return []


async def settled_outcomes(db: Database, within: float = 5.0) -> dict[str, dict[str, int]]:
    """Notification and delivery statuses once none is in flight (or `within` passed)."""
    deadline = time.monotonic() + within
    while True:
        found = await outcomes(db)
        busy = any(s in found["deliveries"] for s in ("pending", "sending")) or any(
            s in found["notifications"] for s in ("open", "sending")
        )
        if not busy or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.2)


@dataclass
class MemoryWatch:
    """Peak resident memory (kB) of each worker, sampled, plus the kernel's own peak;
    and the CPU time each used meanwhile (a figure other load on the machine barely
    changes, unlike wall-clock rates)."""

    workers: list[WorkerProcess]
    interval: float = 0.25
    before_kb: dict[str, int] = field(default_factory=dict)
    sampled_peak_kb: dict[str, int] = field(default_factory=dict)
    cpu_s: dict[str, float] = field(default_factory=dict)

    def sample(self) -> None:
        for worker in self.workers:
            rss = worker.memory_kb().get("VmRSS", 0)
            self.sampled_peak_kb[worker.name] = max(rss, self.sampled_peak_kb.get(worker.name, 0))

    async def _run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.interval)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[MemoryWatch]:
        self.before_kb = {w.name: w.memory_kb().get("VmRSS", 0) for w in self.workers}
        cpu_before = {w.name: w.cpu_seconds() for w in self.workers}
        task = asyncio.create_task(self._run())
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            self.cpu_s = {w.name: w.cpu_seconds() - cpu_before[w.name] for w in self.workers}

    def cpu_ms_per(self, items: int) -> float:
        """Workers' CPU milliseconds per item (notification) while watched."""
        return 1000 * sum(self.cpu_s.values()) / items if items else float("nan")

    def figures(self) -> dict[str, dict[str, float]]:
        """Per worker, in MB: RSS before, sampled peak during, and VmHWM (lifetime peak)."""
        result: dict[str, dict[str, float]] = {}
        for worker in self.workers:
            hwm = worker.memory_kb().get("VmHWM", 0)
            result[worker.name] = {
                "pid": worker.pid,
                "rss_before_mb": round(self.before_kb.get(worker.name, 0) / 1024, 1),
                "rss_peak_sampled_mb": round(self.sampled_peak_kb.get(worker.name, 0) / 1024, 1),
                "vmhwm_mb": round(hwm / 1024, 1),
                "cpu_s": round(self.cpu_s.get(worker.name, float("nan")), 2),
            }
        return result


@dataclass
class LoopLag:
    """The longest stall of this process's event loop (it serves the emulator).

    A stalled emulator reads requests late and in a bunch, which its flood control
    then counts as a burst: a large figure here means 429s may be the bench's own.
    """

    interval: float = 0.01
    worst: float = 0.0

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.interval)
            self.worst = max(self.worst, time.perf_counter() - before - self.interval)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[LoopLag]:
        task = asyncio.create_task(self._run())
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
