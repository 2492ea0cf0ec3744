"""The relay: outbox events into arq, and the sweeper that re-enqueues lost work.

Every worker process runs both. Two relays enqueueing the same event collide on the
job id ("dispatch:<event id>") and the second enqueue is a no-op.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import Any

from arq.constants import default_queue_name
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.db import Database
from core.delivery.sweep import (
    due_notifications,
    mark_relayed,
    retryable_deliveries,
    stale_undispatched_events,
    stuck_sending,
    unrelayed_events,
)
from core.metrics import DUE_BACKLOG, QUEUE_JOBS
from core.models import Delivery, utcnow
from core.settings import Settings
from core.uow import UnitOfWork
from workers.deliveries import enqueue_batches, wake_at_next_due
from workers.fallback import note_roster_events
from workers.liveness import ALIVE_KEY, recover
from workers.queue import (
    enqueue_dispatches,
    enqueue_missing_deliveries,
    enqueue_missing_dispatches,
)

log = logging.getLogger(__name__)

RELAY_INTERVAL_SECONDS = 0.1
RELAY_BATCH = 500
# Events one dispatch job plans together (one transaction; a class's marks).
DISPATCH_CHUNK = 50


async def relay_once(ctx: dict[str, Any]) -> int:
    """Queue every unrelayed outbox event; mark them relayed only once queued."""
    db: Database = ctx["db"]
    async with db.session() as session:
        events = await unrelayed_events(session, limit=RELAY_BATCH)
    for first in range(0, len(events), DISPATCH_CHUNK):
        await enqueue_dispatches(ctx, [e.id for e in events[first : first + DISPATCH_CHUNK]])
    await note_roster_events(ctx, events)  # the bot's roster snapshot follows the roster
    # If Redis failed above, nothing is marked and the next round tries again.
    await mark_relayed(UnitOfWork(db), [e.id for e in events], now=utcnow())
    return len(events)


async def relay_forever(ctx: dict[str, Any]) -> None:
    while True:
        try:
            moved = await relay_once(ctx)
        except Exception:  # Redis or the database away for a while: keep trying
            log.warning("relay: outbox not moved this round", exc_info=True)
            moved = 0
        if moved < RELAY_BATCH:
            await asyncio.sleep(RELAY_INTERVAL_SECONDS)


def start_relay(ctx: dict[str, Any]) -> None:
    ctx["relay_task"] = asyncio.create_task(relay_forever(ctx), name="outbox-relay")


async def stop_relay(ctx: dict[str, Any]) -> None:
    task: asyncio.Task[None] | None = ctx.pop("relay_task", None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def sweep(ctx: dict[str, Any]) -> dict[str, int]:
    """Re-enqueue what the queue may have lost; the jobs re-check state themselves.

    Deliveries `sending` for longer than ZVONOK_WORKER_STUCK_SENDING_SECONDS and held
    by no living worker (`workers.liveness` takes over a dead worker's in seconds; this
    is for rows nobody claimed by name) are recovered. Events queued longer than
    ZVONOK_WORKER_REDISPATCH_SECONDS ago and still not dispatched were lost (Redis
    restarted empty, or a worker died holding them): they are queued again.
    """
    db: Database = ctx["db"]
    settings: Settings = ctx["settings"]
    stuck_after = dt.timedelta(seconds=settings.worker_stuck_sending_seconds)
    redispatch_after = dt.timedelta(seconds=settings.worker_redispatch_seconds)
    now = utcnow()
    async with db.session() as session:
        stuck = await _unheld(ctx, await stuck_sending(session, now=now, older_than=stuck_after))
    await recover(ctx, stuck)
    async with db.session() as session:
        stale = await stale_undispatched_events(session, now=now, older_than=redispatch_after)
        due = await due_notifications(session, now=now, limit=2000)
        pending = await retryable_deliveries(session, now=now, limit=5000)
        attempts = await _attempts_of(session, pending)
    # Only those queued again restart their clock; one still held by arq (a killed
    # worker's, until arq runs it again itself) is looked at on the next sweep.
    redispatched = await enqueue_missing_dispatches(ctx, [e.id for e in stale])
    await mark_relayed(UnitOfWork(db), redispatched, now=now)
    counts = {
        "stuck": len(stuck),
        "redispatched": len(redispatched),
        "due": len(due),
        "due_queued": await enqueue_batches(ctx, len(due), key="sweep"),
        "pending": len(pending),
        "pending_queued": await enqueue_missing_deliveries(ctx, attempts),
    }
    if stuck or redispatched:
        log.warning("sweeper recovered work: %s", counts)
    await wake_at_next_due(ctx)
    DUE_BACKLOG.set(len(due))  # at most the sweep's 2,000
    QUEUE_JOBS.set(await ctx["redis"].zcard(default_queue_name))
    return counts


async def _unheld(ctx: dict[str, Any], stuck: dict[int, str | None]) -> list[int]:
    """Of these stuck deliveries, the ones no living worker holds."""
    holders = sorted({w for w in stuck.values() if w is not None})
    alive = await ctx["redis"].mget([f"{ALIVE_KEY}{w}" for w in holders]) if holders else []
    living = {w for w, key in zip(holders, alive, strict=True) if key is not None}
    return sorted(i for i, holder in stuck.items() if holder not in living)


async def _attempts_of(session: AsyncSession, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = await session.exec(
        select(Delivery.id, Delivery.attempts).where(col(Delivery.id).in_(ids))
    )
    return {i: a for i, a in rows.all() if i is not None}
