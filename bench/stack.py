"""Everything a delivery benchmark runs against, started privately and cleaned up after.

async with open_stack(families=3000, workers=1) as stack:
    await announce_to_school(stack.db, stack.world)
    sent = await stack.wait_sent(3000, within=180)

A private redis-server on a free port, a temp SQLite (or throw-away PostgreSQL) database
with a benchmark school (`bench.world`), the Telegram emulator on this event loop (and
the MAX stand-in when families are on MAX: every MAX family has started the bot), and
`python -m workers` subprocesses configured through ZVONOK_* variables, as in
production. Nothing here is benchmark-specific, so tests can use it too.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
from sqlalchemy.engine import make_url

from bench.databases import temporary_database
from bench.redis_server import PrivateRedis
from bench.report import progress
from bench.world import BenchMessenger, BenchWorld, create_database
from core.db import Database
from notifier.standins.max_control import MaxStandinControl, RunningMaxStandin, run_max_standin
from notifier.standins.max_rules import Limits as MaxLimits
from notifier.standins.telegram_control import RunningEmulator, run_telegram_emulator
from notifier.standins.telegram_emulator import SentMessage
from notifier.standins.telegram_rules import FloodLimits

T = TypeVar("T")
REPO_ROOT = Path(__file__).resolve().parent.parent
WORKER_READY = "worker started"  # logged by workers.main.startup


@dataclass
class WorkerProcess:
    """One child process (a worker) with its log file and memory figures."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    process: asyncio.subprocess.Process | None = None

    async def start(self, cwd: Path) -> None:
        with self.log_path.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv, env=self.env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT
            )

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name} not started"
        return self.process.pid

    async def wait_ready(self, marker: str = WORKER_READY, within: float = 30.0) -> float:
        """Wait for `marker` in the log; returns time.time() when it was seen."""
        deadline = time.monotonic() + within
        while marker not in self.log_path.read_text(errors="replace"):
            if self.process is None or self.process.returncode is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} not ready in {within} s:\n{self.log_tail()}")
            await asyncio.sleep(0.02)
        return time.time()

    def memory_kb(self) -> dict[str, int]:
        """VmRSS (now) and VmHWM (peak resident set since start) from /proc, in kB."""
        figures: dict[str, int] = {}
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    figures[key] = int(value.split()[0])
        return figures

    def cpu_seconds(self) -> float:
        """User plus system CPU time used so far (/proc/<pid>/stat), in seconds."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    async def stop(self, grace: float = 15.0) -> None:
        """SIGTERM (arq finishes or cancels its jobs), then SIGKILL after `grace` seconds."""
        if self.process is None:
            return
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), grace)
            except TimeoutError:
                self.process.kill()
        await self.process.wait()
        self.process = None


def stop_child(process: subprocess.Popen[bytes] | None, grace: float) -> None:
    """SIGTERM a child (a server, a stand-in) and wait `grace` seconds, then SIGKILL."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def child_env(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without any ZVONOK_* of the developer's, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZVONOK_")}
    path = [str(REPO_ROOT), *filter(None, [env.get("PYTHONPATH")])]
    return env | {"PYTHONPATH": os.pathsep.join(path), "PYTHONUNBUFFERED": "1"} | extra


@dataclass
class Stack:
    """A running private Redis, database, emulator and the worker processes started on them."""

    directory: Path
    redis: PrivateRedis
    db_url: str
    db: Database
    world: BenchWorld
    emulator: RunningEmulator
    max: RunningMaxStandin | None = None  # when families are on MAX
    workers: list[WorkerProcess] = field(default_factory=list)

    def worker_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """What `python -m workers` needs: database, Redis, bots' tokens, stand-ins' URLs."""
        env = {
            "ZVONOK_DATABASE_URL": self.db_url,
            "ZVONOK_REDIS_URL": self.redis.url,
            "ZVONOK_TELEGRAM_TOKEN": self.emulator.token,
            "ZVONOK_TELEGRAM_API_URL": self.emulator.base_url,
            "ZVONOK_SMTP_HOST": "",
            "ZVONOK_SMS_PROVIDER": "",
            "ZVONOK_DATA_DIR": str(self.directory),
        }
        if self.max is not None:
            env |= {"ZVONOK_MAX_TOKEN": self.max.token, "ZVONOK_MAX_API_URL": self.max.base_url}
        return child_env(env | (extra or {}))

    async def start_workers(
        self,
        count: int,
        *,
        env: dict[str, str] | None = None,
        module: str = "workers",
        ready: str = WORKER_READY,
    ) -> list[float]:
        """Start `count` processes of `python -m module`; when each became ready."""
        started: list[WorkerProcess] = []
        for _ in range(count):
            name = f"{module}-{len(self.workers) + 1}"
            argv = [sys.executable, "-m", module]
            log = self.directory / f"{name}.log"
            worker = WorkerProcess(name, argv, self.worker_env(env), log)
            await worker.start(self.directory)
            self.workers.append(worker)
            started.append(worker)
        times = [await worker.wait_ready(ready) for worker in started]
        progress(f"{count} × {module} ready (pids {', '.join(str(w.pid) for w in started)})")
        return times

    async def stop_workers(self) -> None:
        await asyncio.gather(*(worker.stop() for worker in self.workers))
        self.workers.clear()

    def sent(self) -> list[SentMessage]:
        """What the emulated bot has sent so far (in-process: no HTTP round trip)."""
        return list(self.emulator.emulator.sent)

    async def wait_sent(self, count: int, *, within: float) -> list[SentMessage]:
        return await self.emulator.emulator.wait_sent(None, count, within)

    def emulator_status_counts(self, method: str = "sendMessage") -> dict[str, int]:
        """Responses per outcome ("ok", "429", "5xx", ...) of one Bot API method."""
        return dict(self.emulator.emulator.stats[method])

    async def max_sent(self, count: int = 0, *, within: float = 0) -> list[dict[str, Any]]:
        """What the MAX bot has sent (the stand-in's control API), once there are `count`
        or `within` seconds passed."""
        control = self._max_control()
        return await _read_twice(lambda: control.wait_sent(count, within=within))

    async def max_status_counts(self, method: str = "send") -> dict[str, int]:
        """Requests and responses per outcome ("ok", "429", "5xx", ...) of one MAX method."""
        stats = await _read_twice(self._max_control().stats)
        counts: dict[str, int] = stats["methods"].get(method, {})
        return counts

    def _max_control(self) -> MaxStandinControl:
        assert self.max is not None, "no MAX stand-in in this stack"
        return self.max.control


async def _read_twice(read: Callable[[], Awaitable[T]]) -> T:
    """A read of the stand-in's control API, asked again once if its connection broke: a
    kept-alive connection the server closes as the request leaves is refused once in a
    while (seen on a loaded machine), and a read is safe to repeat."""
    try:
        return await read()
    except httpx.TransportError as error:
        progress(f"MAX stand-in control: {error!r}; asking again")
        return await read()


@contextlib.asynccontextmanager
async def open_stack(
    *,
    families: int,
    workers: int = 1,
    limits: FloodLimits | None = None,
    worker_env: dict[str, str] | None = None,
    policy: dict[str, object] | None = None,
    postgres: str | None = None,
    messenger: BenchMessenger = "telegram",
    max_limits: MaxLimits | None = None,
) -> AsyncIterator[Stack]:
    """Start everything (`workers` may be 0: start them later), yield it, stop it all.

    `postgres`: a PostgreSQL server URL to create the run's database on (else SQLite).
    `messenger`: the families' messenger (`bench.world`); with MAX the stand-in runs
    with `max_limits`. BENCH_KEEP_DIR=1 keeps the temp directory (worker logs, SQLite
    file) for a look.
    """
    directory = Path(tempfile.mkdtemp(prefix="zvonok-bench-"))
    try:
        async with contextlib.AsyncExitStack() as resources:
            school = _School(families, policy, messenger)
            stack = await _start(resources, directory, school, limits, max_limits, postgres)
            # Set-up garbage out of the collector's way: a full collection would stall
            # the emulator on this loop for 0.1 s or more, and a stall reads as a burst.
            gc.collect()
            gc.freeze()
            try:
                if workers:
                    await stack.start_workers(workers, env=worker_env)
                yield stack
            except BaseException:
                for worker in stack.workers:
                    progress(f"{worker.name} log, last lines:\n{worker.log_tail()}")
                raise
            finally:
                await stack.stop_workers()
    finally:
        if os.environ.get("BENCH_KEEP_DIR"):
            progress(f"kept {directory} (worker logs, SQLite database)")
        else:
            shutil.rmtree(directory, ignore_errors=True)


@dataclass(frozen=True)
class _School:
    families: int
    policy: dict[str, object] | None
    messenger: BenchMessenger


async def _start(
    resources: contextlib.AsyncExitStack,
    directory: Path,
    school: _School,
    limits: FloodLimits | None,
    max_limits: MaxLimits | None,
    postgres: str | None,
) -> Stack:
    """Redis, database and stand-ins, each stopped by `resources` (in reverse order)."""
    redis = PrivateRedis(directory / "redis")
    redis.directory.mkdir()
    resources.push_async_callback(redis.stop)
    await redis.start()
    progress(f"redis-server on port {redis.port}; building a school of {school.families} families")
    url = await resources.enter_async_context(temporary_database(directory, postgres))
    db, world = await create_database(
        url, families=school.families, policy=school.policy, messenger=school.messenger
    )
    resources.push_async_callback(db.dispose)
    emulator = await resources.enter_async_context(run_telegram_emulator(limits=limits))
    where = make_url(url)
    progress(f"{where.get_backend_name()} database {where.database}; emulator {emulator.base_url}")
    stack = Stack(directory, redis, url, db, world, emulator)
    if world.max_users:
        stack.max = await resources.enter_async_context(run_max_standin(limits=max_limits))
        await _start_bot(stack.max, world.max_users)
        progress(f"MAX stand-in {stack.max.base_url}; {len(world.max_users)} users started it")
    return stack


async def _start_bot(running: RunningMaxStandin, users: list[int], at_once: int = 50) -> None:
    """Each user opens the bot (MAX's bots write only to users who started them)."""
    for first in range(0, len(users), at_once):
        batch = users[first : first + at_once]
        await asyncio.gather(*(running.control.inject_start(user_id=u) for u in batch))
