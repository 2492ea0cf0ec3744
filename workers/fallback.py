"""Crons of the fallback homework broadcast: roster snapshots, and the replay.

`refresh_snapshots` rebuilds every school's snapshot (every 5 minutes, and at start);
`fallback_tick` (every 10 s) rebuilds the snapshots a roster event made stale and
writes the queued fallback entries into the journal when its database answers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from arq.cron import CronJob, cron
from redis.asyncio import Redis
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col, select

from core.db import Database
from core.fallback.replay import replayable_entries, settle_entry, write_entry
from core.fallback.roster import refresh_snapshot
from core.fallback.snapshot import mark_schools_stale, mark_stale, take_stale
from core.models import OutboxEvent, School, utcnow
from core.uow import UnitOfWork
from workers.memory import release_free_memory

log = logging.getLogger(__name__)

SNAPSHOT_MINUTES = set(range(0, 60, 5))
TICK_SECONDS = set(range(0, 60, 10))


async def _refresh(ctx: dict[str, Any], school_ids: list[int] | None) -> int:
    db: Database = ctx["db"]
    redis: Redis = ctx["redis"]
    async with db.session() as session:
        query = select(School).order_by(col(School.id))
        if school_ids is not None:
            query = query.where(col(School.id).in_(school_ids))
        schools = list((await session.exec(query)).all())
        for school in schools:
            await refresh_snapshot(session, redis, school, now=utcnow())
    # A big school's snapshot is thousands of families' rows, objects and its JSON at
    # once; freed, they would stay resident (measured: 7 MB for 3,000 families).
    release_free_memory()
    return len(schools)


async def refresh_snapshots(ctx: dict[str, Any]) -> int:
    """Rebuild every school's roster snapshot; how many schools."""
    try:
        return await _refresh(ctx, None)
    except (SQLAlchemyError, OSError) as error:  # the journal is down: keep the last ones
        log.warning("roster snapshots not refreshed: %s", type(error).__name__)
        return 0


async def note_roster_events(ctx: dict[str, Any], events: Iterable[OutboxEvent]) -> int:
    """The relay's hook: roster events mark their school's snapshot for the next tick."""
    return await mark_stale(ctx["redis"], ((e.kind, e.school_id) for e in events))


async def replay_entries(ctx: dict[str, Any]) -> dict[str, int]:
    """Write the queued fallback entries into the journal, each exactly once."""
    db: Database = ctx["db"]
    redis: Redis = ctx["redis"]
    counts = {"written": 0, "already": 0, "refused": 0, "failed": 0}
    for entry in await replayable_entries(redis, now=utcnow()):
        try:
            replayed = await write_entry(UnitOfWork(db), entry)
        except (SQLAlchemyError, OSError):
            raise  # the journal is away again: the rest waits for the next tick
        except Exception as error:  # a bug must not hold up the entries behind this one
            # The type only: the error's text may quote the homework.
            log.error("fallback entry %s not replayed: %s", entry.id, type(error).__name__)
            counts["failed"] += 1
            continue
        # Removed only now, after the commit: a crash in between replays it, harmlessly.
        await settle_entry(redis, entry, replayed, now=utcnow())
        counts[replayed.outcome] += 1
    if any(counts.values()):
        log.info("fallback entries replayed: %s", counts)
    return counts


async def refresh_stale_snapshots(ctx: dict[str, Any]) -> int:
    """Rebuild the snapshots roster events made stale; how many schools."""
    redis: Redis = ctx["redis"]
    stale = await take_stale(redis)
    if not stale:
        return 0
    try:
        return await _refresh(ctx, stale)
    except (SQLAlchemyError, OSError):
        await mark_schools_stale(redis, stale)  # the next tick tries again
        raise


async def fallback_tick(ctx: dict[str, Any]) -> dict[str, int]:
    """Rebuild the stale snapshots, then replay the queue; nothing while the journal is down."""
    try:
        refreshed = await refresh_stale_snapshots(ctx)
        counts = await replay_entries(ctx)
    except (SQLAlchemyError, OSError) as error:
        log.warning("fallback: journal unavailable (%s); trying again", type(error).__name__)
        return {}
    return {"refreshed": refreshed, **counts}


def fallback_crons(timeout: int) -> list[CronJob]:
    return [
        cron(
            refresh_snapshots,
            minute=SNAPSHOT_MINUTES,
            second={0},
            run_at_startup=True,
            timeout=timeout,
        ),
        cron(fallback_tick, second=TICK_SECONDS, timeout=timeout),
    ]
