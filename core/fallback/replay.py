"""Writing queued fallback entries into the journal once it answers again: exactly once.

Each entry is written through the journal's homework service with its id as the
Homework's unique `fallback_key`, and removed from the queue only after that commit.
A crash between the commit and the removal leaves the entry queued; replaying it
again finds the row by its key (or, racing another replay, hits the unique index)
and writes nothing, then removes it. An entry the journal refuses (the teacher no
longer teaches the class, no lesson to put it on) is set aside with the reason.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Literal

from redis.asyncio import Redis
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from core.actors import StaffActor
from core.db import Database
from core.errors import ZvonokError
from core.fallback.queue import DeadLetter, FallbackEntry, queued_entries, remove_entry, set_aside
from core.models import Homework
from core.services.homework import set_homework_for_next_lesson
from core.uow import UnitOfWork

log = logging.getLogger(__name__)

# An entry still "broadcasting" this long after it was sent belongs to a bot that died
# mid-broadcast: replay it with the guardians reached so far.
BROADCAST_STALE = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Replayed:
    """What writing one entry came to."""

    outcome: Literal["written", "already", "refused"]
    homework_id: int | None = None
    error: ZvonokError | None = None


async def _written_before(db: Database, entry_id: str) -> int | None:
    async with db.session() as session:
        query = select(Homework.id).where(Homework.fallback_key == entry_id)
        return (await session.exec(query)).first()


async def write_entry(uow: UnitOfWork, entry: FallbackEntry) -> Replayed:
    """Put the entry in the journal, attributed to its teacher; nothing if it is there."""
    try:
        homework = await set_homework_for_next_lesson(
            uow,
            actor=StaffActor(staff_id=entry.staff_id, school_id=entry.school_id),
            class_id=entry.class_id,
            group_id=entry.group_id,
            subject_id=entry.subject_id,
            text=entry.text,
            entered_at=entry.sent_at,
            fallback_key=entry.id,
            notified_guardian_ids=entry.notified_guardian_ids,
        )
    except IntegrityError:
        # Another replay committed the same key between our look-up and our insert.
        found = await _written_before(uow.db, entry.id)
        if found is None:
            raise
        return Replayed("already", found)
    except ZvonokError as error:
        return Replayed("refused", error=error)
    fresh = bool(uow.committed_events)  # a row found by its key records no event
    return Replayed("written" if fresh else "already", homework.id)


async def settle_entry(
    redis: Redis, entry: FallbackEntry, replayed: Replayed, *, now: dt.datetime
) -> None:
    """Drop the entry from the queue (the journal has it) or set it aside with the reason."""
    if replayed.error is None:
        await remove_entry(redis, entry.id)
        return
    error = replayed.error
    await set_aside(
        redis,
        DeadLetter(entry=entry, error=error.code, params=error.params, at=now),
    )
    # The id and the error's key only: the entry names a teacher and a class.
    log.warning("fallback entry %s set aside: %s", entry.id, error.code)


async def replayable_entries(redis: Redis, *, now: dt.datetime) -> list[FallbackEntry]:
    """Queued entries whose broadcast is over (or whose bot died mid-broadcast)."""
    return [
        entry
        for entry in await queued_entries(redis)
        if entry.status == "queued" or now - entry.sent_at >= BROADCAST_STALE
    ]
