"""The arq worker: `WorkerSettings` and the jobs and crons it runs.

`python -m workers` (or `zvonok worker`) reads the settings once and passes the
Redis address, the settings and the timings (`worker_options`) in; `on_startup`
builds the database and the channels from them.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from datetime import UTC, datetime
from typing import Any, ClassVar

from arq.cron import CronJob, cron
from arq.worker import Function, func

from core.db import Database
from core.health import HEARTBEAT_KEY, HEARTBEAT_TTL_SECONDS, check_database
from core.probes import Check, ProbeServer
from core.reports.signing import signer_of
from core.services.roster_expiry import purge_expired_imports
from core.settings import Settings, load_settings
from core.uow import UnitOfWork
from notifier.channels import build_channels, close_channels, register_sms_reports
from workers.archive import archive_crons
from workers.audit import audit_crons
from workers.background import stop_background
from workers.backup import backup_crons
from workers.deliveries import (
    BATCHES_IN_FLIGHT,
    deliver,
    dispatch,
    dispatch_many,
    send_due,
    start,
    stop_batches,
)
from workers.fallback import fallback_crons
from workers.liveness import new_worker_id, start_liveness, still_alive, stop_liveness
from workers.memory import release_free_memory
from workers.relay import start_relay, stop_relay, sweep
from workers.retention import retention_crons
from workers.staff import plan_reminders, staff_send, staff_start, sweep_staff

log = logging.getLogger(__name__)

_DEFAULTS = Settings.model_construct()

# The longest a sweep may take; shorter when jobs are shorter (see worker_options).
SWEEP_TIMEOUT_SECONDS = 60


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx.get("settings") or load_settings()
    ctx["settings"] = settings
    ctx["db"] = settings.worker_database()
    ctx["channels"] = build_channels(settings, ctx["redis"])
    ctx["signer"] = signer_of(settings)  # the archive's PDFs (None: unsigned)
    await register_sms_reports(settings, ctx["channels"])
    # State the jobs share lives in this ctx: arq gives each job a copy of it, so
    # anything a job creates itself (ctx.setdefault) is that job's alone.
    ctx["background"], ctx["schools"] = {}, {}
    ctx["batch_turns"], ctx["batches"] = asyncio.Semaphore(BATCHES_IN_FLIGHT), set()
    ctx["worker_id"] = new_worker_id()
    await start_liveness(ctx)  # before any claim: its key names this worker alive
    start_relay(ctx)
    db: Database = ctx["db"]
    checks: dict[str, Check] = {
        "database": lambda: check_database(db),
        "redis": lambda: ctx["redis"].ping(),
        "liveness": lambda: still_alive(ctx),
    }
    ctx["probes"] = ProbeServer("worker", checks, settings.metrics_token)
    await ctx["probes"].start(settings.metrics_host, settings.worker_metrics_port)
    # Everything imported and built so far lives as long as the process: move it out
    # of the collector's sight. Full collections over it stalled the worker for
    # 180-290 ms mid-broadcast, and the sends held meanwhile then left in one burst
    # that Telegram answered with 429 (bench/README.md, "Findings").
    gc.collect()
    gc.freeze()
    release_free_memory()  # what the imports' and start-up's temporary objects left
    log.info("worker started")


async def shutdown(ctx: dict[str, Any]) -> None:
    if "probes" in ctx:
        await ctx["probes"].stop()
    await stop_background(ctx)
    await stop_relay(ctx)
    if "worker_id" in ctx:
        await stop_batches(ctx)
        await stop_liveness(ctx)
    await close_channels(ctx.get("channels", {}))
    db: Database | None = ctx.get("db")
    if db is not None:
        await db.dispose()
    log.info("worker stopped")


async def heartbeat(ctx: dict[str, Any]) -> str:
    """Write the time to HEARTBEAT_KEY: `zvonok run` and monitoring read it as liveness."""
    now = datetime.now(UTC).isoformat()
    await ctx["redis"].set(HEARTBEAT_KEY, now, ex=HEARTBEAT_TTL_SECONDS)
    return now


async def purge_roster_files(ctx: dict[str, Any]) -> int:
    """Uploaded roster files hold children's personal data: none outlives its expiry,
    even when nobody uploads again (an upload purges too)."""
    return await purge_expired_imports(UnitOfWork(ctx["db"]))


def job_functions(timeout: int) -> list[Function]:
    return [
        func(dispatch, name="dispatch", timeout=timeout),
        func(dispatch_many, name="dispatch_many", timeout=timeout),
        func(send_due, name="send_due", timeout=timeout),
        func(start, name="start", timeout=timeout),
        func(deliver, name="deliver", timeout=timeout),
        func(staff_start, name="staff_start", timeout=timeout),
        func(staff_send, name="staff_send", timeout=timeout),
    ]


def crons(
    sweep_every: int, timeout: int, remind_every: int = 60, settings: Settings = _DEFAULTS
) -> list[CronJob]:
    return [
        cron(heartbeat, second={0, 30}, run_at_startup=True, timeout=5),
        cron(
            sweep,
            second=set(range(0, 60, sweep_every)),
            run_at_startup=True,
            timeout=min(SWEEP_TIMEOUT_SECONDS, timeout),
        ),
        cron(
            sweep_staff,
            second=set(range(0, 60, sweep_every)),
            run_at_startup=True,
            timeout=min(SWEEP_TIMEOUT_SECONDS, timeout),
        ),
        cron(
            plan_reminders,
            second=set(range(0, 60, remind_every)),
            run_at_startup=True,
            timeout=timeout,
        ),
        *fallback_crons(timeout),
        cron(purge_roster_files, minute={7, 37}, second=0, timeout=timeout),
        *audit_crons(settings),
        *retention_crons(timeout),
        *archive_crons(timeout),
    ]


def worker_options(settings: Settings) -> dict[str, Any]:
    """arq Worker arguments that come from the settings (ZVONOK_WORKER_*).

    arq runs a job again once its "in progress" mark expires, the longest timeout
    plus 10 s after a worker died holding it: every timeout here is at most the job
    timeout, so that is how long work held by a killed worker waits.
    """
    timeout = settings.worker_job_timeout_seconds
    return {
        "functions": job_functions(timeout),
        "cron_jobs": [
            *crons(
                settings.worker_sweep_seconds, timeout, settings.worker_reminder_seconds, settings
            ),
            *backup_crons(settings),
        ],
        "job_timeout": timeout,
        "max_jobs": settings.worker_max_jobs,
    }


class WorkerSettings:
    """What arq runs, with the default timings; `workers.__main__` passes the
    configured ones (`worker_options`), the Redis settings and `ctx`."""

    on_startup = startup
    on_shutdown = shutdown
    functions: ClassVar[list[Function]] = job_functions(_DEFAULTS.worker_job_timeout_seconds)
    cron_jobs: ClassVar[list[CronJob]] = crons(
        _DEFAULTS.worker_sweep_seconds, _DEFAULTS.worker_job_timeout_seconds
    )
    # Results are not kept: a job id can be enqueued again as soon as its job is done
    # (see workers.queue), and nothing reads results.
    keep_result = 0
    max_jobs = _DEFAULTS.worker_max_jobs
    poll_delay = 0.1
    health_check_interval = 30
    job_timeout = _DEFAULTS.worker_job_timeout_seconds
