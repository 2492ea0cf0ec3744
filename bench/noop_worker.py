"""`python -m bench.noop_worker`: an arq worker whose one job does nothing.

What arq itself manages on this machine, with the Zvonok worker's own queue settings
(max_jobs, poll_delay, keep_result): the ceiling `bench.throughput` compares against.
Reads BENCH_REDIS_URL and BENCH_NOOP_JOBS; once that many jobs have ended it stores the
time.time() of the last one under DONE_KEY.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, ClassVar, cast

from arq.connections import RedisSettings
from arq.typing import WorkerSettingsType
from arq.worker import func, run_worker

from workers.main import WorkerSettings as ZvonokWorkerSettings

DONE_KEY = "bench:noop:done"
READY = "noop worker ready"


async def noop(ctx: dict[str, Any]) -> None:
    return None


async def startup(ctx: dict[str, Any]) -> None:
    # Each job gets a shallow copy of ctx: a shared dict keeps the count across jobs.
    ctx["count"] = {"done": 0, "target": int(os.environ["BENCH_NOOP_JOBS"])}
    print(READY, flush=True)


async def after_job_end(ctx: dict[str, Any]) -> None:
    count: dict[str, int] = ctx["count"]
    count["done"] += 1
    if count["done"] == count["target"]:
        await ctx["redis"].set(DONE_KEY, repr(time.time()))


class WorkerSettings:
    functions: ClassVar[list[Any]] = [func(noop, name="noop")]
    on_startup = startup
    after_job_end = after_job_end
    keep_result = ZvonokWorkerSettings.keep_result
    max_jobs = ZvonokWorkerSettings.max_jobs
    poll_delay = ZvonokWorkerSettings.poll_delay
    health_check_interval = ZvonokWorkerSettings.health_check_interval


def main() -> int:
    redis_settings = RedisSettings.from_dsn(os.environ["BENCH_REDIS_URL"])
    run_worker(cast(WorkerSettingsType, WorkerSettings), redis_settings=redis_settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
