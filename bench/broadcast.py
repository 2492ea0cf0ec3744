"""`python -m bench.broadcast`: an urgent school-wide announcement to 3,000 families.

The families are on Telegram (`--messenger telegram`, the default), on MAX (`max`), or
every other one on each (`both`). The Telegram emulator enforces 30 messages a second
per bot, the MAX stand-in 30 requests a second per bot (`--limit` sets both). Reported:
the achieved rate (first to last message accepted by the stand-ins) as a ratio of the
limits in use (target ≥ 0.95), the 429 answers (target 0), the total time and each
worker's peak memory; per messenger too. With both messengers the two limits are used at
once, so the broadcast should take half the time of one messenger's
(`time_vs_one_messenger` ≈ 0.5). `--headroom` overrides the workers' pacing margin
(ZVONOK_TELEGRAM_RATE_HEADROOM, which paces MAX as well).

`--kill-after N` (Telegram, two workers or more): once N messages are out, worker 1 is
killed with SIGKILL and not restarted. Reported: the deliveries it held `sending`, how
long until the others took them all over (target < 10 s), and the duplicates (messages
beyond one a family; target ≤ 0.1 % of the broadcast).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import time
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from bench.databases import add_database_option
from bench.report import busiest_window, emit, progress, rounded, spread
from bench.stack import Stack, open_stack
from bench.watch import LoopLag, MemoryWatch, settled_outcomes, wait_for_both
from bench.world import MESSENGERS, announce_to_school
from core.models import Delivery
from notifier.standins.max_rules import Limits as MaxLimits
from notifier.standins.telegram_rules import FloodLimits, Rate


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.broadcast", description=__doc__)
    parser.add_argument("--families", type=int, default=3000, help="guardians (distinct chats)")
    parser.add_argument(
        "--messenger", choices=MESSENGERS, default="telegram", help="the families' messenger"
    )
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--limit", type=int, default=30, help="stand-ins: messages/s per bot")
    parser.add_argument(
        "--tolerance", type=float, default=FloodLimits().tolerance, help="stand-ins' window slack"
    )
    parser.add_argument(
        "--headroom", type=float, default=None, help="workers' pacing margin (default: theirs)"
    )
    parser.add_argument("--timeout", type=float, default=170.0, help="seconds to wait")
    parser.add_argument(
        "--kill-after", type=int, default=0, help="SIGKILL worker 1 after N messages (Telegram)"
    )
    parser.add_argument(
        "--worker-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment variable for the workers (repeatable): ZVONOK_DB_POOL_SIZE=2",
    )
    add_database_option(parser)
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    per_bot = Rate(args.limit, 1.0)
    env = {"ZVONOK_TELEGRAM_BOT_RATE": str(args.limit), "ZVONOK_MAX_BOT_RATE": str(args.limit)}
    if args.headroom is not None:
        env["ZVONOK_TELEGRAM_RATE_HEADROOM"] = str(args.headroom)
    env |= {name: value for name, _, value in (p.partition("=") for p in args.worker_env)}
    async with open_stack(
        families=args.families,
        workers=args.workers,
        limits=FloodLimits(per_bot=per_bot, tolerance=args.tolerance),
        worker_env=env,
        postgres=args.postgres,
        messenger=args.messenger,
        max_limits=MaxLimits(per_bot=per_bot, tolerance=args.tolerance),
    ) as stack:
        memory, lag = MemoryWatch(stack.workers), LoopLag()
        world = stack.world
        async with memory.running(), lag.running():
            posted_at = time.time()
            await announce_to_school(stack.db, world, urgent=True)
            progress("urgent announcement posted")
            killing = asyncio.create_task(kill_after(stack, args.kill_after, args.timeout))
            counts = await wait_for_both(
                stack, telegram=len(world.chats), max_=len(world.max_users), within=args.timeout
            )
            await asyncio.sleep(1.0)  # anything sent twice arrives now
            killed = await killing
        result = await figures(stack, args, posted_at, sent_in_time=sum(counts), memory=memory)
        result["duplicates"] = result["sent"] - result["distinct_chats"]
        result["duplicates_share"] = rounded(result["duplicates"] / args.families, 5)
        return result | {"emulator_worst_stall_s": rounded(lag.worst), "kill": killed}


async def kill_after(stack: Stack, messages: int, within: float) -> dict[str, Any] | None:
    """SIGKILL worker 1 once `messages` are out; what it held and how soon the others
    took it over (no delivery `sending` in its name any more)."""
    if not messages:
        return None
    if len(stack.workers) < 2 or stack.world.max_users:
        raise SystemExit("--kill-after needs --workers 2 or more and Telegram families")
    await stack.wait_sent(messages, within=within)
    victim = stack.workers[0]
    holder = f"{socket.gethostname()}:{victim.pid}:"
    assert victim.process is not None
    victim.process.kill()
    killed_at, out = time.monotonic(), len(stack.sent())
    held = await _held_by(stack, holder)
    progress(f"worker 1 killed with {out} messages out, holding {held} deliveries")
    while await _held_by(stack, holder):
        if time.monotonic() - killed_at > within:
            raise TimeoutError(f"worker 1's deliveries not taken over in {within} s")
        await asyncio.sleep(0.05)
    taken_over = time.monotonic() - killed_at
    progress(f"worker 1's deliveries taken over {taken_over:.1f} s after the kill")
    return {"after_messages": out, "held": held, "taken_over_s": rounded(taken_over)}


async def _held_by(stack: Stack, holder: str) -> int:
    async with stack.db.session() as session:
        query = select(func.count()).where(
            col(Delivery.status) == "sending", col(Delivery.claimed_by).startswith(holder)
        )
        return int((await session.exec(query)).one())


async def figures(
    stack: Stack,
    args: argparse.Namespace,
    posted_at: float,
    *,
    sent_in_time: int,
    memory: MemoryWatch,
) -> dict[str, Any]:
    settled = await settled_outcomes(stack.db)
    by_messenger = await _by_messenger(stack, args.limit, posted_at)
    times = sorted(t for m in by_messenger.values() for t in m.pop("times"))
    limit = args.limit * len(by_messenger)  # the limits used at once
    rate = _rate(times)
    sent = sum(m["sent"] for m in by_messenger.values())
    one_messenger_s = (args.families - 1) / args.limit  # all on one bot, at its limit
    return {
        "benchmark": "broadcast",
        "messenger": args.messenger,
        "families": args.families,
        "workers": args.workers,
        "limit_per_s": limit,
        "emulator_tolerance": args.tolerance,
        "headroom": args.headroom if args.headroom is not None else "default (0.03)",
        "worker_env": args.worker_env,
        "sent_in_time": sent_in_time,
        "sent": sent,
        "distinct_chats": sum(m["distinct_chats"] for m in by_messenger.values()),
        "first_to_last_s": rounded(spread(times)),
        "rate_per_s": rounded(rate),
        "rate_ratio": rounded(rate / limit),
        # The second half alone: once every notification is started, only pacing is left.
        "second_half_rate_ratio": rounded(_rate(times[len(times) // 2 :]) / limit),
        "responses_429": sum(m["responses_429"] for m in by_messenger.values()),
        "most_in_1s": busiest_window(times, 1.0),
        "most_in_0_95s": busiest_window(times, 0.95),
        # Both messengers: ≈ 0.5 when their two limits are used at once.
        "time_vs_one_messenger": rounded(spread(times) / one_messenger_s),
        "by_messenger": by_messenger,
        "post_to_first_s": rounded(min(times)) if times else None,
        "total_s": rounded(max(times)) if times else None,
        "worker_memory": memory.figures(),
        "worker_cpu_ms_per_message": rounded(memory.cpu_ms_per(sent), 1),
        "outcomes": settled,
    }


async def _by_messenger(stack: Stack, limit: int, posted_at: float) -> dict[str, dict[str, Any]]:
    """Per messenger in use: its messages' times since posting ("times") and figures."""
    found: dict[str, dict[str, Any]] = {}
    if stack.world.chats:
        sent = [m for m in stack.sent() if m.method == "sendMessage"]
        statuses = stack.emulator_status_counts("sendMessage")
        recipients = [m.chat_id for m in sent]
        times = [m.sent_at - posted_at for m in sent]
        found["telegram"] = _one(recipients, times, statuses, limit)
    if stack.world.max_users:
        messages = await stack.max_sent()
        statuses = await stack.max_status_counts("send")
        recipients = [m["user_id"] for m in messages]
        times = [m["sent_at"] - posted_at for m in messages]
        found["max"] = _one(recipients, times, statuses, limit)
    return found


def _one(
    recipients: list[int], times: list[float], statuses: dict[str, int], limit: int
) -> dict[str, Any]:
    times = sorted(times)
    return {
        "times": times,
        "sent": len(times),
        "distinct_chats": len(set(recipients)),
        "first_to_last_s": rounded(spread(times)),
        "rate_per_s": rounded(_rate(times)),
        "rate_ratio": rounded(_rate(times) / limit),
        "second_half_rate_ratio": rounded(_rate(times[len(times) // 2 :]) / limit),
        "responses_429": statuses.get("429", 0),
        "most_in_1s": busiest_window(times, 1.0),
        "most_in_0_95s": busiest_window(times, 0.95),
        "post_to_first_s": rounded(min(times)) if times else None,
        "total_s": rounded(max(times)) if times else None,
        "responses": statuses,
    }


def _rate(times: list[float]) -> float:
    """Sends a second from the first to the last of `times`."""
    span = spread(times)
    return (len(times) - 1) / span if span > 0 else float("nan")


def summary(result: dict[str, Any]) -> str:
    """The human summary line."""
    parts = [
        f"broadcast to {result['families']} on {result['messenger']}: {result['sent']} sent, "
        f"{result['rate_per_s']}/s = {result['rate_ratio']} of {result['limit_per_s']}/s, "
        f"{result['responses_429']} × 429, total {result['total_s']} s"
    ]
    if len(result["by_messenger"]) > 1:
        parts += [
            f"{name} {m['sent']} at {m['rate_per_s']}/s = {m['rate_ratio']}"
            for name, m in result["by_messenger"].items()
        ]
        parts.append(f"first to last {result['time_vs_one_messenger']} of one messenger's time")
    if result["kill"]:
        kill = result["kill"]
        parts.append(
            f"worker 1 killed after {kill['after_messages']} holding {kill['held']}, taken over "
            f"in {kill['taken_over_s']} s; {result['duplicates']} duplicates"
        )
    parts.append(
        f"headroom {result['headroom']}, peak RSS "
        + ", ".join(f"{m['vmhwm_mb']} MB" for m in result["worker_memory"].values())
    )
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = asyncio.run(run(args))
    emit(summary(result), result)
    return 0 if result["sent"] >= result["families"] else 1


if __name__ == "__main__":
    sys.exit(main())
