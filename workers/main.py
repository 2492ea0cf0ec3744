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

from core.db import Database
from core.health import HEARTBEAT_KEY, HEARTBEAT_TTL_SECONDS
from core.settings import Settings, load_settings

log = logging.getLogger(__name__)


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx.get("settings") or load_settings()
    ctx["settings"] = settings
    ctx["db"] = Database(settings.database_url_resolved)
    log.info("worker started")


async def shutdown(ctx: dict[str, Any]) -> None:
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
    functions: ClassVar[list[Any]] = []
    cron_jobs: ClassVar[list[CronJob]] = [
        cron(heartbeat, second={0, 30}, run_at_startup=True, timeout=5),
    ]
    health_check_interval = 30
    job_timeout = 300
