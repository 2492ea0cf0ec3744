"""`python -m workers [--check]`: run the arq worker, or check that one is alive."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import cast

from arq.connections import RedisSettings
from arq.typing import WorkerSettingsType
from arq.worker import async_check_health, run_worker
from redis.exceptions import RedisError

from core.logs import configure_logging
from core.settings import SettingsError, load_settings
from workers.connection import redis_settings_of
from workers.memory import limit_arenas


def check(redis_settings: RedisSettings) -> int:
    """0 when a worker reported itself alive recently (arq's health check key), else 1."""
    try:
        return asyncio.run(async_check_health(redis_settings))
    except (RedisError, OSError) as error:
        print(f"worker: Redis unreachable, no worker can be running: {error}", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    limit_arenas()  # before any thread starts (workers/memory.py)
    parser = argparse.ArgumentParser(prog="python -m workers")
    parser.add_argument("--check", action="store_true", help="arq health check, then exit")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        redis_settings = redis_settings_of(settings, wait_out_outages=not args.check)
    except SettingsError as error:
        print(f"worker: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    if args.check:
        return check(redis_settings)
    # Imported here: the jobs pull in the channels (aiogram takes seconds to import),
    # which a health check does not need.
    from workers.main import WorkerSettings, worker_options

    # arq's settings Protocol cannot describe functions stored as class attributes.
    worker_settings = cast(WorkerSettingsType, WorkerSettings)
    run_worker(
        worker_settings,
        redis_settings=redis_settings,
        ctx={"settings": settings},
        **worker_options(settings),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
