"""The nightly backup: one cron at ZVONOK_BACKUP_TIME (the worker's clock, UTC), none
when it is blank (the end-to-end tests' workers, a site backing up otherwise).

A backup reads the whole database and copies it out: it gets its own timeout, far
longer than a delivery's. A worker killed mid-backup runs it again once that timeout
has passed (arq's "in progress" mark), which is harmless: the copies are complete
files under a new name, or nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from arq.cron import CronJob, cron

from core.backup.config import backup_config
from core.backup.make import make_backup
from core.settings import Settings

log = logging.getLogger(__name__)

BACKUP_TIMEOUT_SECONDS = 3 * 3600


async def nightly_backup(ctx: dict[str, Any]) -> dict[str, Any]:
    """Back up to every destination; the outcome is recorded by core (BackupRun rows)."""
    report = await make_backup(ctx["db"], backup_config(ctx["settings"]))
    failed = [copy.destination for copy in report.copies if not copy.ok]
    if failed:
        log.error("backup %s failed at %s", report.name, ", ".join(failed))
    else:
        log.info("backup %s saved to %d destinations", report.name, len(report.copies))
    return {"name": report.name, "ok": report.ok, "failed": failed}


def backup_crons(settings: Settings) -> list[CronJob]:
    """The nightly backup's cron, or none when ZVONOK_BACKUP_TIME is blank."""
    if settings.backup_time is None:
        return []
    hour, minute = (int(part) for part in settings.backup_time.split(":"))
    return [
        cron(
            nightly_backup,
            hour={hour},
            minute={minute},
            second=0,
            timeout=BACKUP_TIMEOUT_SECONDS,
            unique=True,
        )
    ]
