"""The running delivery system for end-to-end tests.

    async with run_system(db, redis_url, tmp_path, workers=2) as system:
        await post_mark(...)
        sent = await system.wait_telegram(chat_id, 1)

The Telegram emulator, the SMTP stand-in and the SMS.ru emulator run in this process
(on this event loop); the workers are real `python -m workers` processes configured
only through ZVONOK_* variables, as in production, with short clocks
(`FAST_WORKER_ENV`). A test observes what a parent would: messages at the stand-ins.
Whatever happens, every worker this harness started is stopped when the block ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis

from core.db import Database
from core.health import HEARTBEAT_KEY
from notifier.standins.max_control import RunningMaxStandin, run_max_standin
from notifier.standins.max_rules import Limits as MaxLimits
from notifier.standins.sms_gateway import RunningGateway, run_sms_gateway
from notifier.standins.sms_gateway_state import SentSms
from notifier.standins.smtp import SmtpStandin, run_smtp_standin
from notifier.standins.telegram_control import RunningEmulator, run_telegram_emulator
from notifier.standins.telegram_emulator import SentMessage
from notifier.standins.telegram_rules import FloodLimits
from tests.e2e.processes import free_port
from tests.school_bots import (
    SCHOOL_BOT_USERNAME,
    SCHOOL_MAX_TOKEN,
    SCHOOL_TELEGRAM_TOKEN,
    school_bots_file,
)

WORKER_READY = "worker started"  # logged by workers.main.startup
SMS_API_ID = "e2e-sms-api-id"
# Seconds: sweep every second, re-dispatch lost events after 3 s, give a job 10 s,
# and resend a delivery a killed worker left "sending" after 12 s.
FAST_WORKER_ENV = {
    "ZVONOK_WORKER_SWEEP_SECONDS": "1",
    # No nightly backup in a test's worker, even a test running at 02:30.
    "ZVONOK_BACKUP_TIME": "",
    "ZVONOK_WORKER_REDISPATCH_SECONDS": "3",
    "ZVONOK_WORKER_JOB_TIMEOUT_SECONDS": "10",
    "ZVONOK_WORKER_STUCK_SENDING_SECONDS": "12",
}


async def wait_until(check: Callable[[], bool], *, within: float, what: str) -> None:
    """Poll `check` (cheap, in-process) until it holds; AssertionError after `within` s."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within} s: {what}")
        await asyncio.sleep(0.05)


@dataclass
class WorkerProcess:
    """One `python -m workers` child with its log file."""

    name: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    # Where it serves its Prometheus metrics (the same port after a restart).
    metrics_port: int = field(default_factory=free_port)

    def start(self, env: dict[str, str], cwd: Path) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "workers"],
                env=env | {"ZVONOK_WORKER_METRICS_PORT": str(self.metrics_port)},
                cwd=cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    async def wait_ready(self, *, starts: int, within: float = 60.0) -> None:
        """Until the log says "worker started" for the `starts`-th time."""
        deadline = time.monotonic() + within
        while self.log_text().count(WORKER_READY) < starts:
            if not self.alive:
                raise RuntimeError(f"{self.name} exited:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} not ready in {within} s:\n{self.log_tail()}")
            await asyncio.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, jobs in flight are dropped mid-way."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()

    async def stop(self, within: float = 10.0) -> None:
        """SIGTERM (arq cancels its jobs and shuts down), SIGKILL after `within` s."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                await asyncio.to_thread(self.process.wait, within)
        self.kill()


@dataclass
class System:
    """The stand-ins, the database the workers share, and the worker processes."""

    db: Database
    redis_url: str
    directory: Path
    telegram: RunningEmulator
    smtp: SmtpStandin
    sms: RunningGateway
    max: RunningMaxStandin
    extra_env: dict[str, str] = field(default_factory=dict)
    workers: list[WorkerProcess] = field(default_factory=list)

    def worker_env(self) -> dict[str, str]:
        """This environment without the developer's ZVONOK_*, then the system's."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZVONOK_")}
        env |= {
            "PYTHONUNBUFFERED": "1",
            "ZVONOK_DATA_DIR": str(self.directory / "var"),
            "ZVONOK_DATABASE_URL": self.db.url,
            "ZVONOK_REDIS_URL": self.redis_url,
            "ZVONOK_TELEGRAM_TOKEN": self.telegram.token,
            "ZVONOK_TELEGRAM_API_URL": self.telegram.base_url,
            "ZVONOK_MAX_TOKEN": self.max.token,
            "ZVONOK_MAX_API_URL": self.max.base_url,
            "ZVONOK_SMTP_HOST": self.smtp.host,
            "ZVONOK_SMTP_PORT": str(self.smtp.port),
            "ZVONOK_SMTP_TLS": "none",
            "ZVONOK_MAIL_FROM": "Звонок <noreply@school.example>",
            "ZVONOK_SMS_PROVIDER": "smsru",
            "ZVONOK_SMS_URL": self.sms.url,
            "ZVONOK_SMS_API_KEY": SMS_API_ID,
        }
        return env | FAST_WORKER_ENV | self.extra_env

    async def start_workers(self, count: int) -> list[WorkerProcess]:
        """Start `count` more workers and wait until each runs and a heartbeat is seen."""
        started = []
        for _ in range(count):
            worker = WorkerProcess(
                f"worker-{len(self.workers) + 1}",
                self.directory / f"worker-{len(self.workers) + 1}.log",
            )
            worker.start(self.worker_env(), self.directory)
            self.workers.append(worker)
            started.append(worker)
        await asyncio.gather(*(w.wait_ready(starts=1) for w in started))
        await self.wait_heartbeat()
        return started

    async def wait_heartbeat(self, within: float = 30.0) -> None:
        redis = Redis.from_url(self.redis_url)
        try:
            deadline = time.monotonic() + within
            while await redis.get(HEARTBEAT_KEY) is None:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no worker heartbeat in {within} s")
                await asyncio.sleep(0.05)
        finally:
            await redis.aclose()

    async def restart_worker(self, index: int) -> None:
        """Start a stopped or killed worker again, with the same log (appended)."""
        worker = self.workers[index]
        starts = worker.log_text().count(WORKER_READY) + 1
        worker.start(self.worker_env(), self.directory)
        await worker.wait_ready(starts=starts)

    async def metric(self, name: str, **labels: str) -> float:
        """A metric's samples with these labels, summed over the running workers (as a
        Prometheus query would sum them over the worker processes)."""
        total = 0.0
        async with httpx.AsyncClient(timeout=5) as http:
            for worker in self.workers:
                if not worker.alive:
                    continue
                scraped = await http.get(f"http://127.0.0.1:{worker.metrics_port}/metrics")
                for family in text_string_to_metric_families(scraped.text):
                    total += sum(
                        sample.value
                        for sample in family.samples
                        if sample.name == name
                        and all(sample.labels.get(k) == v for k, v in labels.items())
                    )
        return total

    async def stop_workers(self) -> None:
        await asyncio.gather(*(worker.stop() for worker in self.workers))

    def report_logs(self) -> None:
        for worker in self.workers:
            print(f"----- {worker.name} log, last lines -----\n{worker.log_tail()}")

    # What families received -----------------------------------------------------------

    def telegram_to(self, chat_id: int) -> list[SentMessage]:
        return self.telegram.emulator.sent_to(chat_id)

    async def wait_telegram(
        self, chat_id: int, count: int, *, within: float = 15.0
    ) -> list[SentMessage]:
        sent = await self.telegram.emulator.wait_sent(chat_id, count, within)
        assert len(sent) >= count, f"chat {chat_id}: {len(sent)} of {count} within {within} s"
        return sent

    async def max_to(self, user_id: int) -> list[dict[str, Any]]:
        return await self.max.control.sent(user_id)

    async def wait_max(
        self, user_id: int, count: int, *, within: float = 15.0
    ) -> list[dict[str, Any]]:
        sent = await self.max.control.wait_sent(count, user_id=user_id, within=within)
        assert len(sent) >= count, f"MAX user {user_id}: {len(sent)} of {count} within {within} s"
        return sent

    def emails_to(self, address: str) -> list[EmailMessage]:
        return [m.message for m in self.smtp.messages if address in m.rcpt_tos]

    async def wait_emails(
        self, address: str, count: int, *, within: float = 15.0
    ) -> list[EmailMessage]:
        await wait_until(
            lambda: len(self.emails_to(address)) >= count,
            within=within,
            what=f"{count} email(s) to {address}",
        )
        return self.emails_to(address)

    def sms_to(self, phone: str) -> list[SentSms]:
        digits = phone.removeprefix("+")
        return [sms for sms in self.sms.state.sent if sms.phone == digits]

    async def wait_sms(self, phone: str, count: int, *, within: float = 15.0) -> list[SentSms]:
        await wait_until(
            lambda: len(self.sms_to(phone)) >= count,
            within=within,
            what=f"{count} SMS to {phone}",
        )
        return self.sms_to(phone)


@contextlib.asynccontextmanager
async def run_system(
    db: Database,
    redis_url: str,
    directory: Path,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    limits: FloodLimits | None = None,
    max_limits: MaxLimits | None = None,
    reject_emails: Sequence[str] = (),
    school_bots_for: Sequence[int] = (),
) -> AsyncIterator[System]:
    """The stand-ins on this loop and `workers` worker processes; all stopped at the end.

    `limits` are the Telegram emulator's, `max_limits` the MAX stand-in's;
    `school_bots_for`: schools with their own bot on each messenger
    (`tests.school_bots`), served by the same stand-ins, and the bots file the workers
    read (ZVONOK_BOTS_FILE)."""
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    env = dict(env or {})
    school_tokens: list[str] = []
    school_max: dict[str, str] = {}
    if school_bots_for:
        bots_file = school_bots_file(directory, list(school_bots_for))
        env["ZVONOK_BOTS_FILE"] = str(bots_file)
        school_tokens, school_max = [SCHOOL_TELEGRAM_TOKEN], {SCHOOL_MAX_TOKEN: SCHOOL_BOT_USERNAME}
    async with (
        run_telegram_emulator(limits=limits, school_tokens=school_tokens) as telegram,
        run_smtp_standin(reject=reject_emails) as smtp,
        run_sms_gateway(smsru_api_id=SMS_API_ID, callback_delay=0.05) as sms,
        run_max_standin(limits=max_limits, school_bots=school_max) as max_,
    ):
        system = System(db, redis_url, directory, telegram, smtp, sms, max_, env)
        try:
            if workers:
                await system.start_workers(workers)
            yield system
        except BaseException:
            system.report_logs()
            raise
        finally:
            await system.stop_workers()
