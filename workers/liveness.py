"""Which worker holds which delivery, and what happens to them when it dies.

Each worker process has an id (`ctx["worker_id"]`: host, pid and a random part) and
keeps a key `zvonok:worker:alive:<id>` alive in Redis, renewed every
`ALIVE_BEAT_SECONDS` with a time-to-live of ZVONOK_WORKER_ALIVE_SECONDS. A delivery it
claims carries that id (`Delivery.claimed_by`). Every beat, each worker also looks at
the deliveries held `sending` by workers whose key is gone: a killed worker's claims
are taken over within seconds, not after the stuck-`sending` window.

A key that is missing once may mean Redis restarted empty a moment ago; every living
worker writes its key again within a beat. So a worker is taken for dead only when
its key is missing at two looks at least `ALIVE_BEAT_SECONDS` apart.

What a dead worker sent but had not yet recorded is not sent again: right after the
channel accepts a message, the worker writes a short "sent" mark to Redis
(`mark_sent`), and `recover` settles every delivery so marked as sent instead of
putting it back to pending. Only a message whose send was under way at the moment of
the kill can go out twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Sequence
from typing import Any

from core.db import Database
from core.delivery.lifecycle import Sent, settle_sent
from core.delivery.sweep import claimants, claimed_by, release_sending
from core.settings import Settings
from core.uow import UnitOfWork
from notifier.base import SendResult
from workers.queue import enqueue_delivery

log = logging.getLogger(__name__)

ALIVE_KEY = "zvonok:worker:alive:"
SENT_KEY = "zvonok:sent:"
ALIVE_BEAT_SECONDS = 1.0
# A sent mark outlives any delivery's time in `sending` (the stuck window, minutes).
SENT_MARK_SECONDS = 24 * 3600


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


async def still_alive(ctx: dict[str, Any]) -> None:
    """Raise when this worker's liveness key is missing from Redis (its beat stopped,
    or Redis lost it a moment ago): others may be taking its deliveries over."""
    if not await ctx["redis"].exists(f"{ALIVE_KEY}{ctx['worker_id']}"):
        raise RuntimeError("this worker's liveness key is missing")


async def mark_sent(ctx: dict[str, Any], delivery_id: int, result: SendResult) -> None:
    """Remember in Redis that the channel accepted this delivery's message (a job run
    without Redis, as a test may run one, has nobody to take its claims over)."""
    if "redis" not in ctx:
        return
    value = f"{result.parts}|{result.provider_id or ''}"
    try:
        await ctx["redis"].set(f"{SENT_KEY}{delivery_id}", value, ex=SENT_MARK_SECONDS)
    except Exception:  # Redis away: the settle that follows records it anyway
        log.warning("delivery %s: sent mark not written", delivery_id, exc_info=True)


async def _sent_marks(ctx: dict[str, Any], ids: Sequence[int]) -> list[Sent]:
    if not ids:
        return []
    values = await ctx["redis"].mget([f"{SENT_KEY}{i}" for i in ids])
    sent = []
    for delivery_id, value in zip(ids, values, strict=True):
        if value is not None:
            parts, _, provider_id = value.decode().partition("|")
            sent.append(Sent(delivery_id, provider_id or None, int(parts)))
    return sent


async def recover(ctx: dict[str, Any], ids: Sequence[int]) -> dict[str, int]:
    """Deliveries left `sending` by a worker that is gone (or stuck past the window):
    the ones it had sent are recorded as sent, the others go back to pending and are
    queued for sending."""
    db: Database = ctx["db"]
    marked = await _sent_marks(ctx, ids)
    settled = await settle_sent(UnitOfWork(db), marked)
    done = {s.delivery_id for s in marked}
    released = await release_sending(UnitOfWork(db), [i for i in ids if i not in done])
    for delivery_id, attempts in sorted(released.items()):
        await enqueue_delivery(ctx, delivery_id, attempts)
    return {"settled_sent": len(settled), "released": len(released)}


async def keep_alive(ctx: dict[str, Any]) -> None:
    """The worker's liveness beat and its look at the other workers' claims."""
    settings: Settings = ctx["settings"]
    me = ctx["worker_id"]
    missing_since: dict[str, float] = {}
    while True:
        try:
            await ctx["redis"].set(f"{ALIVE_KEY}{me}", "1", ex=settings.worker_alive_seconds)
            await take_over(ctx, missing_since)
        except Exception:  # Redis or the database away for a while: keep beating
            log.warning("liveness: beat failed", exc_info=True)
        await asyncio.sleep(ALIVE_BEAT_SECONDS)


async def take_over(ctx: dict[str, Any], missing_since: dict[str, float]) -> None:
    db: Database = ctx["db"]
    async with db.session() as session:
        others = sorted(await claimants(session) - {ctx["worker_id"]})
    if not others:
        missing_since.clear()
        return
    alive = await ctx["redis"].mget([f"{ALIVE_KEY}{w}" for w in others])
    now = time.monotonic()
    dead = []
    for worker, key in zip(others, alive, strict=True):
        if key is not None:
            missing_since.pop(worker, None)
        elif now - missing_since.setdefault(worker, now) >= ALIVE_BEAT_SECONDS:
            dead.append(worker)
    if not dead:
        return
    async with db.session() as session:
        ids = await claimed_by(session, dead)
    counts = await recover(ctx, ids)
    for worker in dead:
        missing_since.pop(worker, None)
    log.warning("took over %d deliveries of stopped workers: %s", len(ids), counts)


async def start_liveness(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx["settings"]
    key = f"{ALIVE_KEY}{ctx['worker_id']}"
    await ctx["redis"].set(key, "1", ex=settings.worker_alive_seconds)
    ctx["liveness_task"] = asyncio.create_task(keep_alive(ctx), name="liveness")


async def stop_liveness(ctx: dict[str, Any]) -> None:
    """Stop beating and hand this worker's claims over at once (a graceful stop)."""
    task: asyncio.Task[None] | None = ctx.pop("liveness_task", None)
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    with contextlib.suppress(Exception):  # Redis or the database away: the others will
        async with ctx["db"].session() as session:
            mine = await claimed_by(session, [ctx["worker_id"]])
        await recover(ctx, mine)
        await ctx["redis"].delete(f"{ALIVE_KEY}{ctx['worker_id']}")
