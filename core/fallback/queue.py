"""Fallback entries: homework a teacher broadcast while the journal was down.

An entry goes into Redis *before* its broadcast (status "broadcasting"), each guardian
the broadcast reaches is added to its notified set as their message goes out, and the
entry becomes "queued" when the broadcast is over. So a bot killed mid-broadcast loses
nothing: the entry is replayed into the journal, and families the broadcast did not
reach hear of it through the normal delivery.

It leaves the queue only after the journal has it (`remove_entry`), or into the
dead-letter hash with the reason the journal refused it (`set_aside`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from redis.asyncio import Redis

from core.error_texts import error_text
from core.fallback import keys
from core.fallback.snapshot import Assignment
from core.i18n import DEFAULT_LANGUAGE

# How long a conversation's «Отправить» stays claimed (longer than any conversation).
CLAIM_SECONDS = 24 * 3600


class FallbackEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str  # uuid4 hex: the Homework row's fallback_key once written
    school_id: int
    staff_id: int
    teacher: str
    class_id: int
    class_name: str
    group_id: int | None
    group_name: str | None
    subject_id: int
    subject: str
    text: str
    sent_at: dt.datetime  # when the teacher confirmed: the homework's original time
    status: Literal["broadcasting", "queued"] = "broadcasting"
    # Filled from the notified set when the entry is read back for replay.
    notified_guardian_ids: tuple[int, ...] = ()

    @classmethod
    def for_assignment(
        cls, entry_id: str, assignment: Assignment, *, text: str, sent_at: dt.datetime
    ) -> FallbackEntry:
        return cls(
            id=entry_id,
            text=text,
            sent_at=sent_at,
            **assignment.model_dump(),
        )


class DeadLetter(BaseModel):
    """An entry the journal refused, kept with the reason for someone to act on."""

    model_config = ConfigDict(frozen=True)

    entry: FallbackEntry
    error: str  # the journal's error code (core/error_texts), for logs and counting
    params: dict[str, Any] = {}  # its parameters (a class and subject, nobody personal)
    at: dt.datetime

    def message(self, language: str = DEFAULT_LANGUAGE) -> str:
        """Why the journal refused the entry, in `language`."""
        return error_text(self.error, language, self.params)


async def claim_send(redis: Redis, flow_id: str) -> bool:
    """True for the first «Отправить» of a conversation: a double tap sends once."""
    return bool(await redis.set(keys.claim(flow_id), 1, nx=True, ex=CLAIM_SECONDS))


async def release_send(redis: Redis, flow_id: str) -> None:
    """The send failed before anything went out: the teacher may tap again."""
    await redis.delete(keys.claim(flow_id))


async def open_entry(redis: Redis, entry: FallbackEntry) -> None:
    """Queue the entry before anything is sent, so nothing is lost if the bot dies."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hset(keys.ENTRIES, entry.id, entry.model_dump_json())
        pipe.rpush(keys.QUEUE, entry.id)
        await pipe.execute()


async def mark_notified(redis: Redis, entry_id: str, guardian_ids: list[int]) -> None:
    """These guardians got the broadcast: replay will not notify them again."""
    if guardian_ids:
        await redis.sadd(keys.notified(entry_id), *guardian_ids)  # type: ignore[misc]


async def close_broadcast(redis: Redis, entry: FallbackEntry) -> FallbackEntry:
    """The broadcast is over: the entry may be replayed as soon as the journal answers."""
    queued = entry.model_copy(update={"status": "queued"})
    await redis.hset(keys.ENTRIES, entry.id, queued.model_dump_json())  # type: ignore[misc]
    return queued


async def _with_notified(redis: Redis, raw: bytes | str) -> FallbackEntry:
    entry = FallbackEntry.model_validate_json(raw)
    members = await redis.smembers(keys.notified(entry.id))  # type: ignore[misc]
    return entry.model_copy(
        update={"notified_guardian_ids": tuple(sorted(int(m) for m in members))}
    )


async def queued_entries(redis: Redis, *, limit: int = 100) -> list[FallbackEntry]:
    """The oldest entries of the queue, each with the guardians its broadcast reached."""
    ids = await redis.lrange(keys.QUEUE, 0, limit - 1)  # type: ignore[misc]
    if not ids:
        return []
    raws = await redis.hmget(keys.ENTRIES, ids)  # type: ignore[misc]
    return [await _with_notified(redis, raw) for raw in raws if raw is not None]


async def remove_entry(redis: Redis, entry_id: str) -> None:
    """The journal has the entry: forget it. Call only after the journal's commit."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.lrem(keys.QUEUE, 0, entry_id)
        pipe.hdel(keys.ENTRIES, entry_id)
        pipe.delete(keys.notified(entry_id))
        await pipe.execute()


async def set_aside(redis: Redis, letter: DeadLetter) -> None:
    """Move a refused entry out of the queue into the dead-letter hash, atomically."""
    entry_id = letter.entry.id
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hset(keys.DEAD, entry_id, letter.model_dump_json())
        pipe.lrem(keys.QUEUE, 0, entry_id)
        pipe.hdel(keys.ENTRIES, entry_id)
        pipe.delete(keys.notified(entry_id))
        await pipe.execute()


async def dead_letters(redis: Redis) -> list[DeadLetter]:
    """Entries set aside, oldest first."""
    raws = (await redis.hgetall(keys.DEAD)).values()  # type: ignore[misc]
    return sorted((DeadLetter.model_validate_json(r) for r in raws), key=lambda d: d.at)
