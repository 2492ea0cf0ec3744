"""`python -m workers` as operations meet it: channels missing, and `zvonok worker --check`."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from core.db import Database
from core.services.marks import post_mark
from core.uow import UnitOfWork
from tests.builders import build_world
from tests.e2e.families import QUICK_POLICY, give_contacts, notification_statuses, set_policy
from tests.e2e.system import System, run_system

ZVONOK = str(Path(sys.executable).parent / "zvonok")
# No bot token, no mail relay; an SMS provider named but its key forgotten.
NO_CHANNELS = {
    "ZVONOK_TELEGRAM_TOKEN": "",
    "ZVONOK_MAX_TOKEN": "",
    "ZVONOK_SMTP_HOST": "",
    "ZVONOK_SMS_PROVIDER": "smsru",
    "ZVONOK_SMS_API_KEY": "",
}


async def worker_check(system: System, *argv: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        list(argv),
        cwd=system.directory,
        env=system.worker_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_a_worker_without_channels_runs_and_passes_its_health_check(
    sqlite_db: Database, redis_url: str, tmp_path: Path
) -> None:
    w = await build_world(sqlite_db)
    await set_policy(sqlite_db, w.school_id, **QUICK_POLICY)
    await give_contacts(sqlite_db, w.guardians["sokolova"], telegram=True, email=True)
    async with run_system(sqlite_db, redis_url, tmp_path, workers=1, env=NO_CHANNELS) as system:
        (worker,) = system.workers
        log = worker.log_text()
        assert "sms channel disabled" in log and "delivery channels: none configured" in log
        check = await worker_check(system, ZVONOK, "worker", "--check")
        assert check.returncode == 0, check.stdout + check.stderr

        await post_mark(
            UnitOfWork(sqlite_db),
            actor=w.actor("math"),
            lesson_id=w.lessons["math7"],
            student_id=w.students["petya"],
            value=5,
        )
        # Telegram, then email: neither is configured, the message fails with the reason.
        for _ in range(100):
            if await notification_statuses(sqlite_db, w.guardians["sokolova"]) == ["failed"]:
                break
            await asyncio.sleep(0.1)
        assert await notification_statuses(sqlite_db, w.guardians["sokolova"]) == ["failed"]
        assert worker.alive

        await system.stop_workers()
        check = await worker_check(system, sys.executable, "-m", "workers", "--check")
        assert check.returncode == 1, "the health check passed with no worker running"
