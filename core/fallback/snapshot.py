"""The roster snapshot: who may broadcast homework, and to whom, without the database.

One JSON document per school in Redis (`keys.snapshot`), rebuilt from the journal by a
worker cron (every few minutes) and soon after a roster event (`mark_stale`); built by
`core.fallback.roster`. It holds the staff linked in a messenger the school offers
(Telegram, MAX), with their chats there and their teaching assignments, and per class
and per group the guardians a broadcast may reach, each with the ONE chat it reaches
them in: consent given, homework messages not switched off, and the first messenger of
their channel order that the school offers and where their chat is not dead.

A chat is always a messenger and an id (`MessengerChat`): a MAX user and a Telegram
chat with the same number are different people, in the snapshot and in its index.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, ValidationError
from redis.asyncio import Redis

from core.events import EVENT_TYPES, MessengersChanged
from core.fallback import keys
from core.messengers import MessengerChat

log = logging.getLogger(__name__)


class Assignment(BaseModel):
    """A journal page a teacher may give homework on: a class (or group) and a subject."""

    model_config = ConfigDict(frozen=True)

    school_id: int
    staff_id: int
    teacher: str  # «Иванова М.П.»
    class_id: int
    class_name: str
    group_id: int | None
    group_name: str | None
    subject_id: int
    subject: str

    @property
    def where(self) -> str:
        """«7Б» or «7Б англ. 1»: whom the homework is for."""
        return self.group_name or self.class_name


class SnapshotStaff(BaseModel):
    """A staff member who may broadcast, from any of their chats in the messengers the
    school offers."""

    model_config = ConfigDict(frozen=True)

    staff_id: int
    chats: tuple[MessengerChat, ...]
    short_name: str
    assignments: tuple[Assignment, ...]


class SnapshotGuardian(BaseModel):
    """A guardian a broadcast reaches, in the one chat it reaches them in, with the
    first names of their children there."""

    model_config = ConfigDict(frozen=True)

    guardian_id: int
    chat: MessengerChat
    language: str
    children: tuple[str, ...]


class RosterSnapshot(BaseModel):
    model_config = ConfigDict(frozen=True)

    school_id: int
    school_name: str
    timezone: str
    version: int
    built_at: dt.datetime
    built_for: dt.date  # the school day whose enrolments it lists
    staff: tuple[SnapshotStaff, ...]
    classes: dict[int, tuple[SnapshotGuardian, ...]]
    groups: dict[int, tuple[SnapshotGuardian, ...]]

    def staff_of_chat(self, chat: MessengerChat) -> SnapshotStaff | None:
        return next((s for s in self.staff if chat in s.chats), None)

    def audience(self, class_id: int, group_id: int | None) -> tuple[SnapshotGuardian, ...]:
        """The guardians of the class's (or the group's) pupils to broadcast to."""
        if group_id is not None:
            return self.groups.get(group_id, ())
        return self.classes.get(class_id, ())


async def load_snapshot(redis: Redis, school_id: int) -> RosterSnapshot | None:
    """The school's snapshot; None when there is none, or only one of an earlier shape
    (written before an upgrade: the worker rebuilds every snapshot when it starts)."""
    raw = await redis.get(keys.snapshot(school_id))
    if raw is None:
        return None
    try:
        return RosterSnapshot.model_validate_json(raw)
    except ValidationError:
        log.warning("roster snapshot of school %s unreadable: it waits for its rebuild", school_id)
        return None


class _StoredStaff(BaseModel):
    """The staff of a stored snapshot; its families (thousands, in a big school) are
    parsed past, not built."""

    staff: tuple[SnapshotStaff, ...]


def staff_chats(snapshot: RosterSnapshot | _StoredStaff) -> set[MessengerChat]:
    return {chat for staff in snapshot.staff for chat in staff.chats}


async def store_snapshot(redis: Redis, snapshot: RosterSnapshot) -> None:
    """Replace the school's snapshot and the chat index, in one transaction."""
    school_id = snapshot.school_id
    raw = await redis.get(keys.snapshot(school_id))
    try:
        old = _StoredStaff.model_validate_json(raw) if raw is not None else None
    except ValidationError:  # an earlier shape: its chats stay indexed, as before
        old = None
    del raw  # the old text goes before the new one is made
    chats = staff_chats(snapshot)
    gone = staff_chats(old) - chats if old is not None else set()
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(keys.snapshot(school_id), snapshot.model_dump_json())
        for chat in chats:
            pipe.sadd(keys.staff_chat(chat), school_id)
        for chat in gone:
            pipe.srem(keys.staff_chat(chat), school_id)
        await pipe.execute()


async def staff_snapshots(
    redis: Redis, chat: MessengerChat
) -> list[tuple[RosterSnapshot, SnapshotStaff]]:
    """Every school whose snapshot lists this chat as a staff member's, with the entry."""
    found = []
    for raw_id in sorted(await redis.smembers(keys.staff_chat(chat))):  # type: ignore[misc]
        snapshot = await load_snapshot(redis, int(raw_id))
        staff = snapshot.staff_of_chat(chat) if snapshot is not None else None
        if snapshot is not None and staff is not None:
            found.append((snapshot, staff))
    return found


async def snapshot_assignments(redis: Redis, chat: MessengerChat) -> tuple[Assignment, ...]:
    """The pages the snapshots let this chat's staff member broadcast homework on."""
    return tuple(a for _, staff in await staff_snapshots(redis, chat) for a in staff.assignments)


# Bookkeeping events (roster changes, consent given or withdrawn...) and the school's
# choice of messengers change who a broadcast reaches; the relay marks their school's
# snapshot stale.
ROSTER_EVENT_KINDS = frozenset(
    kind for kind, cls in EVENT_TYPES.items() if not cls.for_families or cls is MessengersChanged
)


async def mark_stale(redis: Redis, events: Iterable[tuple[str, int]]) -> int:
    """Mark the schools of roster events (kind, school id) for a rebuild; how many."""
    schools = {school_id for kind, school_id in events if kind in ROSTER_EVENT_KINDS}
    await mark_schools_stale(redis, schools)
    return len(schools)


async def mark_schools_stale(redis: Redis, school_ids: Iterable[int]) -> None:
    schools = list(school_ids)
    if schools:
        await redis.sadd(keys.STALE, *schools)  # type: ignore[misc]


async def take_stale(redis: Redis) -> list[int]:
    """The schools marked stale, unmarked now: a mark made during the rebuild stays."""
    members = await redis.smembers(keys.STALE)  # type: ignore[misc]
    schools = sorted(int(m) for m in members)
    if schools:
        await redis.srem(keys.STALE, *schools)  # type: ignore[misc]
    return schools
