"""The nightly backup: one cron at ZVONOK_BACKUP_TIME (the worker's clock, UTC), none
when it is blank (the end-to-end tests' workers, a site backing up otherwise).

A backup reads the whole database and copies it out, minutes of work: it runs as a
task of the worker beside its jobs (`workers/background.py`), so no job timeout holds
back a killed worker's deliveries. A worker killed mid-backup leaves no copy (the
copies are complete files under a new name, or nothing); the next start catches up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

from arq.cron import CronJob, cron
from sqlmodel import select

from core.backup.config import backup_config
from core.backup.make import make_backup
from core.db import Database
from core.metrics import BACKUP_AGE
from core.models import School, utcnow
from core.reading.backups import DestinationStatus, destination_status
from core.services.admin_alerts import alert_admins_in
from core.settings import Settings
from core.uow import UnitOfWork, transactional
from workers.background import background_job
from workers.memory import release_free_memory

log = logging.getLogger(__name__)


async def nightly_backup(ctx: dict[str, Any]) -> dict[str, Any]:
    """Back up to every destination; the outcome is recorded by core (BackupRun rows)."""
    report = await make_backup(ctx["db"], backup_config(ctx["settings"]))
    release_free_memory()  # the packing's and encryption's buffers, in the threads' heaps
    failed = [copy.destination for copy in report.copies if not copy.ok]
    if failed:
        log.error("backup %s failed at %s", report.name, ", ".join(failed))
    else:
        log.info("backup %s saved to %d destinations", report.name, len(report.copies))
    return {"name": report.name, "ok": report.ok, "failed": failed}


async def check_backup_age(ctx: dict[str, Any]) -> list[str]:
    """Tell every school's administrators when a destination's newest good backup is
    older than ZVONOK_BACKUP_MAX_AGE_HOURS (once a day per destination); the stale
    destinations.

    Its first run in a worker (at start-up) first catches up: a server that was off at
    backup time, or a new installation, backs up now rather than next night.
    """
    stale, schools = await _stale(ctx)
    if stale and not ctx.get("backup_caught_up"):
        await nightly_backup(ctx)
        stale, schools = await _stale(ctx)
    ctx["backup_caught_up"] = True
    db: Database = ctx["db"]
    now = utcnow()
    for status in stale:
        log.error("backups to %s are stale", status.destination)
        await _alert_stale(UnitOfWork(db), status, schools, now.date())
    return [status.destination for status in stale]


async def _stale(ctx: dict[str, Any]) -> tuple[list[DestinationStatus], list[int]]:
    settings: Settings = ctx["settings"]
    max_age = dt.timedelta(hours=settings.backup_max_age_hours)
    now = utcnow()
    async with ctx["db"].session() as session:
        found = [
            await destination_status(session, destination, now=now, max_age=max_age)
            for destination in settings.backup_destinations_resolved
        ]
        schools = [s for s in (await session.exec(select(School.id))).all() if s is not None]
    for status in found:
        if status.age is not None:
            BACKUP_AGE.labels(status.destination).set(status.age.total_seconds())
    return [status for status in found if status.stale], schools


@transactional
async def _alert_stale(
    uow: UnitOfWork, status: DestinationStatus, schools: list[int], day: dt.date
) -> None:
    # A destination's name may be long (a bucket and its prefix): the key holds its hash.
    where = hashlib.sha256(status.destination.encode()).hexdigest()[:12]
    age = status.age.total_seconds() // 3600 if status.age is not None else None
    params = {
        "destination": status.destination,
        "age_hours": int(age) if age is not None else None,
        "last_good_at": status.last_good_at.isoformat() if status.last_good_at else None,
    }
    for school_id in schools:
        await alert_admins_in(
            uow,
            school_id=school_id,
            code="backup_stale",
            params=params,
            key=f"backup_stale:{where}:{day.isoformat()}",
        )


def backup_crons(settings: Settings) -> list[CronJob]:
    """The nightly backup's cron, or none when ZVONOK_BACKUP_TIME is blank; the hourly
    check of the backups' age runs whenever backups do."""
    if settings.backup_time is None:
        return []
    hour, minute = (int(part) for part in settings.backup_time.split(":"))
    return [
        # Both in the background (workers/background.py), as one task: the check may
        # catch up with a backup, and two backups never run at once in a worker.
        cron(
            background_job("nightly_backup", nightly_backup, task="backup"),
            hour={hour},
            minute={minute},
            second=0,
            timeout=5,
            unique=True,
        ),
        cron(
            background_job("check_backup_age", check_backup_age, task="backup"),
            minute={50},
            second=0,
            run_at_startup=True,
            timeout=5,
            unique=True,
        ),
    ]
