"""`python -m bench.latency`: from a committed mark to the parent's Telegram, one by one.

No quiet hours; grace window 0, or `--grace S` seconds. Marks are posted at a steady
pace (`--rate`), each to a different family, so Telegram's one-message-a-second-per-chat
limit plays no part. For each mark: the time from `post_mark` returning (committed),
plus the grace window, to the emulator receiving its sendMessage, matched by chat id.
Targets: p50 < 0.3 s, p99 < 1 s (issue 13; with a grace window the message must leave
when it ends, not at the next sweep).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import Any

from bench.databases import add_database_option
from bench.report import emit, percentile, progress, rounded
from bench.stack import Stack, open_stack
from bench.stages import stage_figures
from bench.watch import MemoryWatch, settled_outcomes, wait_for_messages
from bench.world import INSTANT_POLICY, post_mark_to


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.latency", description=__doc__)
    parser.add_argument("--marks", type=int, default=1000, help="marks, one family each")
    parser.add_argument("--rate", type=float, default=10.0, help="marks posted a second")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--drain", type=float, default=30.0, help="seconds to wait at the end")
    parser.add_argument("--grace", type=int, default=0, help="the school's grace window, s")
    add_database_option(parser)
    return parser.parse_args(argv)


async def post_at_pace(stack: Stack, count: int, rate: float) -> tuple[list[float], float]:
    """Post `count` marks, mark i due at start + i / rate; when each post_mark returned.

    Also returns the largest lag behind the schedule (the poster falling behind).
    """
    committed: list[float] = []
    lag = 0.0
    start = time.monotonic()
    for index in range(count):
        due = start + index / rate
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        lag = max(lag, time.monotonic() - due)
        await post_mark_to(stack.db, stack.world, index)
        committed.append(time.time())
        if (index + 1) % 100 == 0:
            progress(f"{index + 1}/{count} marks posted; {len(stack.sent())} messages sent")
    return committed, lag


def latencies(stack: Stack, committed: list[float], grace: float) -> tuple[list[float], int]:
    """Seconds from each commit plus the grace window to its chat's first message; and
    how many never arrived."""
    first_at: dict[int, float] = {}
    for message in stack.sent():
        first_at.setdefault(message.chat_id, message.sent_at)
    found: list[float] = []
    missing = 0
    for index, at in enumerate(committed):
        arrived = first_at.get(stack.world.chats[index])
        if arrived is None:
            missing += 1
        else:
            found.append(arrived - at - grace)
    return found, missing


async def run(args: argparse.Namespace) -> dict[str, Any]:
    policy = INSTANT_POLICY | {"grace_window_seconds": args.grace}
    async with open_stack(
        families=args.marks, workers=args.workers, postgres=args.postgres, policy=policy
    ) as stack:
        memory = MemoryWatch(stack.workers)
        async with memory.running():
            committed, lag = await post_at_pace(stack, args.marks, args.rate)
            await wait_for_messages(stack, args.marks, within=args.drain + args.grace)
        found, missing = latencies(stack, committed, args.grace)
        pace = (len(committed) - 1) / (committed[-1] - committed[0]) if len(committed) > 1 else 0
        return {
            "benchmark": "latency",
            "marks": args.marks,
            "workers": args.workers,
            "grace_window_s": args.grace,
            "rate_target_per_s": args.rate,
            "rate_achieved_per_s": rounded(pace),
            "poster_max_lag_s": rounded(lag),
            "delivered": len(found),
            "missing": missing,
            "messages_total": len(stack.sent()),
            "p50_s": rounded(percentile(found, 0.50)),
            "p95_s": rounded(percentile(found, 0.95)),
            "p99_s": rounded(percentile(found, 0.99)),
            "max_s": rounded(max(found, default=float("nan"))),
            "min_s": rounded(min(found, default=float("nan"))),
            "p50_by_100_marks_s": [
                rounded(percentile(found[i : i + 100], 0.5), 2) for i in range(0, len(found), 100)
            ],
            "stages": await stage_figures(
                stack.db, stack.world.guardians, stack.world.chats, stack.sent()
            ),
            "worker_memory": memory.figures(),
            "worker_cpu_ms_per_notification": rounded(memory.cpu_ms_per(len(found)), 1),
            "responses": stack.emulator_status_counts("sendMessage"),
            "outcomes": await settled_outcomes(stack.db),
        }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = asyncio.run(run(args))
    after = (
        f" after a {result['grace_window_s']} s grace window" if result["grace_window_s"] else ""
    )
    summary = (
        f"latency of {result['marks']} marks at {result['rate_achieved_per_s']}/s{after}: "
        f"p50 {result['p50_s']} s, p95 {result['p95_s']} s, p99 {result['p99_s']} s, "
        f"max {result['max_s']} s, {result['missing']} missing"
    )
    emit(summary, result)
    return 0 if result["missing"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
