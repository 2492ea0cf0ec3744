"""`python -m bench.broadcast`: an urgent school-wide announcement to 3,000 families.

The emulator enforces Telegram's 30 messages a second per bot. Reported: the achieved
rate (first to last sendMessage at the emulator) as a ratio of that limit (target
≥ 0.95), the 429 answers (target 0), the total time and each worker's peak memory.
`--headroom` overrides the workers' pacing margin (ZVONOK_TELEGRAM_RATE_HEADROOM).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import Any

from bench.databases import add_database_option
from bench.report import busiest_window, emit, progress, rounded, spread
from bench.stack import Stack, open_stack
from bench.watch import LoopLag, MemoryWatch, settled_outcomes, wait_for_messages
from bench.world import announce_to_school
from notifier.ratelimit import Rate
from notifier.standins.telegram_rules import FloodLimits


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.broadcast", description=__doc__)
    parser.add_argument("--families", type=int, default=3000, help="guardians (distinct chats)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--limit", type=int, default=30, help="emulator: messages/s per bot")
    parser.add_argument(
        "--tolerance", type=float, default=FloodLimits().tolerance, help="emulator window slack"
    )
    parser.add_argument(
        "--headroom", type=float, default=None, help="workers' pacing margin (default: theirs)"
    )
    parser.add_argument("--timeout", type=float, default=170.0, help="seconds to wait")
    add_database_option(parser)
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    limits = FloodLimits(per_bot=Rate(args.limit, 1.0), tolerance=args.tolerance)
    env = {"ZVONOK_TELEGRAM_BOT_RATE": str(args.limit)}
    if args.headroom is not None:
        env["ZVONOK_TELEGRAM_RATE_HEADROOM"] = str(args.headroom)
    async with open_stack(
        families=args.families,
        workers=args.workers,
        limits=limits,
        worker_env=env,
        postgres=args.postgres,
    ) as stack:
        memory, lag = MemoryWatch(stack.workers), LoopLag()
        async with memory.running(), lag.running():
            posted_at = time.time()
            await announce_to_school(stack.db, stack.world, urgent=True)
            progress("urgent announcement posted")
            sent = await wait_for_messages(stack, args.families, within=args.timeout)
            await asyncio.sleep(1.0)  # anything sent twice arrives now
        result = await figures(stack, args, posted_at, sent_count=len(sent), memory=memory)
        return result | {"emulator_worst_stall_s": rounded(lag.worst)}


async def figures(
    stack: Stack,
    args: argparse.Namespace,
    posted_at: float,
    *,
    sent_count: int,
    memory: MemoryWatch,
) -> dict[str, Any]:
    settled = await settled_outcomes(stack.db)
    sent = [m for m in stack.sent() if m.method == "sendMessage"]
    times = sorted(m.sent_at for m in sent)
    span = spread(times)
    rate = _rate(times)
    statuses = stack.emulator_status_counts("sendMessage")
    return {
        "benchmark": "broadcast",
        "families": args.families,
        "workers": args.workers,
        "limit_per_s": args.limit,
        "emulator_tolerance": args.tolerance,
        "headroom": args.headroom if args.headroom is not None else "default (0.03)",
        "sent_in_time": sent_count,
        "sent": len(sent),
        "distinct_chats": len({m.chat_id for m in sent}),
        "first_to_last_s": rounded(span),
        "rate_per_s": rounded(rate),
        "rate_ratio": rounded(rate / args.limit),
        # The second half alone: once every notification is started, only pacing is left.
        "second_half_rate_ratio": rounded(_rate(times[len(times) // 2 :]) / args.limit),
        "responses_429": statuses.get("429", 0),
        "most_in_1s": busiest_window(times, 1.0),
        "most_in_0_95s": busiest_window(times, 0.95),
        "responses": statuses,
        "post_to_first_s": rounded(min(times) - posted_at) if times else None,
        "total_s": rounded(max(times) - posted_at) if times else None,
        "worker_memory": memory.figures(),
        "worker_cpu_ms_per_message": rounded(memory.cpu_ms_per(len(sent)), 1),
        "outcomes": settled,
    }


def _rate(times: list[float]) -> float:
    """Sends a second from the first to the last of `times`."""
    span = spread(times)
    return (len(times) - 1) / span if span > 0 else float("nan")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = asyncio.run(run(args))
    summary = (
        f"broadcast to {result['families']}: {result['sent']} sent, "
        f"{result['rate_per_s']}/s = {result['rate_ratio']} of {result['limit_per_s']}/s, "
        f"{result['responses_429']} × 429, total {result['total_s']} s, headroom "
        f"{result['headroom']}, peak RSS "
        + ", ".join(f"{m['vmhwm_mb']} MB" for m in result["worker_memory"].values())
    )
    emit(summary, result)
    return 0 if result["sent"] >= result["families"] else 1


if __name__ == "__main__":
    sys.exit(main())
