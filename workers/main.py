"""The arq worker: `WorkerSettings` and the jobs and crons it runs.

`python -m workers` (or `zvonok worker`) reads the settings once and passes the
Redis address and the settings in; `on_startup` builds the database from them.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, ClassVar

from arq.connections import RedisSettings
from arq.cron import CronJob, cron
from arq.worker import func

from core.db import Database
from core.health import HEARTBEAT_KEY, HEARTBEAT_TTL_SECONDS
from core.settings import Settings, load_settings
from workers.channels import build_channels
from workers.deliveries import deliver, dispatch, start
from workers.relay import start_relay, stop_relay, sweep

log = logging.getLogger(__name__)


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx.get("settings") or load_settings()
    ctx["settings"] = settings
    ctx["db"] = Database(settings.database_url_resolved)
    ctx["channels"] = build_channels(settings, ctx["redis"])
    start_relay(ctx)
    log.info("worker started")


async def shutdown(ctx: dict[str, Any]) -> None:
    await stop_relay(ctx)
    for channel in ctx.get("channels", {}).values():
        await channel.close()
    db: Database | None = ctx.get("db")
    if db is not None:
        await db.dispose()
    log.info("worker stopped")


async def heartbeat(ctx: dict[str, Any]) -> str:
    """Write the time to HEARTBEAT_KEY: `zvonok run` and monitoring read it as liveness."""
    now = datetime.now(UTC).isoformat()
    await ctx["redis"].set(HEARTBEAT_KEY, now, ex=HEARTBEAT_TTL_SECONDS)
    return now


def redis_settings_of(settings: Settings) -> RedisSettings:
    return RedisSettings.from_dsn(settings.require_redis_url())


class WorkerSettings:
    """What arq runs. `redis_settings` and `ctx` are passed by `workers.__main__`."""

    on_startup = startup
    on_shutdown = shutdown
    functions: ClassVar[list[Any]] = [
        func(dispatch, name="dispatch", timeout=120),
        func(start, name="start", timeout=60),
        func(deliver, name="deliver", timeout=180),
    ]
    cron_jobs: ClassVar[list[CronJob]] = [
        cron(heartbeat, second={0, 30}, run_at_startup=True, timeout=5),
        cron(sweep, second=set(range(0, 60, 5)), run_at_startup=True, timeout=60),
    ]
    # Results are not kept: a job id can be enqueued again as soon as its job is done
    # (see workers.queue), and nothing reads results.
    keep_result = 0
    max_jobs = 50
    poll_delay = 0.1
    health_check_interval = 30
    job_timeout = 300
