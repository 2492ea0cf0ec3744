"""`python -m bench.throughput`: notifications a second through ONE worker process.

Both Telegram limits are out of the way (the emulator's switched off, the worker's
limiter raised to ZVONOK_TELEGRAM_BOT_RATE=1000000 with no headroom), so what is left
is the pipeline itself: relay, dispatch, start, deliver (claim, render, send, settle).
N marks to N families are committed while no worker runs; then one worker starts and
the clock runs from its start-up to the N-th sendMessage. The same is done first for
M no-op jobs on a minimal arq worker (`bench.noop_worker`): the reported ratio is
pipeline notifications/s ÷ arq no-op jobs/s, both measured in this run.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import Any

from arq.connections import RedisSettings, create_pool

from bench.databases import add_database_option
from bench.noop_worker import DONE_KEY, READY
from bench.report import emit, progress, rounded, spread
from bench.stack import Stack, open_stack
from bench.watch import MemoryWatch, settled_outcomes, wait_for_messages
from bench.world import post_mark_to

UNLIMITED_ENV = {"ZVONOK_TELEGRAM_BOT_RATE": "1000000", "ZVONOK_TELEGRAM_RATE_HEADROOM": "0"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__)
    parser.add_argument("--notifications", type=int, default=1500, help="marks, one family each")
    parser.add_argument("--noop-jobs", type=int, default=5000, help="no-op arq jobs")
    parser.add_argument("--timeout", type=float, default=150.0, help="seconds for each phase")
    add_database_option(parser)
    return parser.parse_args(argv)


async def noop_rate(stack: Stack, jobs: int, within: float) -> dict[str, Any]:
    """Queue `jobs` no-op jobs, start the no-op worker, time its start-up to the last job."""
    pool = await create_pool(RedisSettings.from_dsn(stack.redis.url))
    try:
        for index in range(jobs):
            await pool.enqueue_job("noop", _job_id=f"noop:{index}")
        progress(f"{jobs} no-op jobs queued")
        env = {"BENCH_REDIS_URL": stack.redis.url, "BENCH_NOOP_JOBS": str(jobs)}
        (ready,) = await stack.start_workers(1, env=env, module="bench.noop_worker", ready=READY)
        deadline = time.monotonic() + within
        while (done := await pool.get(DONE_KEY)) is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no-op jobs not done in {within} s")
            await asyncio.sleep(0.02)
    finally:
        await stack.stop_workers()
        await pool.aclose()
    seconds = float(done) - ready
    progress(f"arq: {jobs} no-op jobs in {seconds:.2f} s")
    return {"jobs": jobs, "seconds": rounded(seconds), "per_s": rounded(jobs / seconds)}


async def pipeline_rate(stack: Stack, count: int, within: float) -> dict[str, Any]:
    """Commit `count` marks, start one worker, time its start-up to the last message."""
    for index in range(count):
        await post_mark_to(stack.db, stack.world, index)
        if (index + 1) % 500 == 0:
            progress(f"{index + 1}/{count} marks committed (no worker running)")
    (ready,) = await stack.start_workers(1, env=UNLIMITED_ENV)
    memory = MemoryWatch(stack.workers)
    async with memory.running():
        sent = await wait_for_messages(stack, count, within=within)
    times = [m.sent_at for m in sent]
    seconds = max(times) - ready if times else float("nan")
    steady = spread(times)
    return {
        "notifications": count,
        "delivered": len({m.chat_id for m in sent}),
        "seconds": rounded(seconds),
        "per_s": rounded(len(sent) / seconds),
        "first_message_after_s": rounded(min(times) - ready) if times else None,
        "first_to_last_per_s": rounded((len(times) - 1) / steady) if steady else None,
        "worker_memory": memory.figures(),
        "worker_cpu_ms_per_notification": rounded(memory.cpu_ms_per(len(sent)), 1),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    async with open_stack(families=args.notifications, workers=0, postgres=args.postgres) as stack:
        await stack.emulator.control.set_limits(enabled=False)
        arq = await noop_rate(stack, args.noop_jobs, args.timeout)
        zvonok = await pipeline_rate(stack, args.notifications, args.timeout)
        return {
            "benchmark": "throughput",
            "pipeline": zvonok,
            "arq_noop": arq,
            "ratio": rounded(zvonok["per_s"] / arq["per_s"], 4),
            "responses": stack.emulator_status_counts("sendMessage"),
            "outcomes": await settled_outcomes(stack.db),
        }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = asyncio.run(run(args))
    zvonok, arq = result["pipeline"], result["arq_noop"]
    summary = (
        f"throughput on one worker: {zvonok['per_s']} notifications/s "
        f"({zvonok['delivered']}/{zvonok['notifications']} delivered), arq no-op "
        f"{arq['per_s']} jobs/s, ratio {result['ratio']}"
    )
    emit(summary, result)
    return 0 if zvonok["delivered"] >= zvonok["notifications"] else 1


if __name__ == "__main__":
    sys.exit(main())
