"""The fallback homework broadcast: a teacher's homework straight to the families while
the journal is down (PRODUCT §3, seed 003).

`broadcast_homework` is the whole broadcast, called once by the bot's /hw (in Telegram
or MAX): the roster snapshot must list the class and subject for the teacher's chat;
the entry is queued in Redis before anything is sent (a bot killed mid-way loses
nothing); each family gets one message in its language, in the one chat the snapshot
gives it (its first offered, live messenger), through that messenger's channel the
process built once (`notifier.channels`, paced by the shared rate limiters, so the
broadcast shares Telegram's and MAX's limits with the delivery workers, and uses both
at once); each chat reached is recorded on the entry at once, so the replay into the
journal (`core.fallback.replay`) does not notify those guardians again and everyone
else hears of it the usual way.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from redis.asyncio import Redis

from core.fallback.queue import FallbackEntry, close_broadcast, mark_notified, open_entry
from core.fallback.snapshot import Assignment, SnapshotGuardian, staff_snapshots
from core.messengers import MessengerChat
from notifier.base import Channel, Outcome, OutgoingMessage
from notifier.channels import Channels
from notifier.templating import render_template

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Broadcast:
    """How a broadcast went: families (chats) reached out of those in the snapshot."""

    reached: int
    total: int


class NotListed(Exception):
    """The school's roster snapshot does not list this class and subject for the
    teacher's chat: nothing was queued or sent."""


def family_text(entry: FallbackEntry, language: str, children: list[str]) -> str:
    """The message for one family, in its language (not the teacher's), naming its
    children there."""
    return render_template(
        language,
        "fallback_homework.html",
        {
            "children": ", ".join(children),
            "where": entry.group_name or entry.class_name,
            "subject": entry.subject,
            "teacher": entry.teacher,
            "text": entry.text,
        },
    )


def _by_chat(
    audience: tuple[SnapshotGuardian, ...],
) -> dict[MessengerChat, list[SnapshotGuardian]]:
    """One message per chat, even when two guardians of the school share one."""
    chats: dict[MessengerChat, list[SnapshotGuardian]] = defaultdict(list)
    for guardian in audience:
        chats[guardian.chat].append(guardian)
    return chats


async def _send_one(
    channel: Channel | None,
    redis: Redis,
    entry: FallbackEntry,
    chat: MessengerChat,
    guardians: list[SnapshotGuardian],
) -> bool:
    if channel is None:
        # This process cannot write in the family's messenger (no token): the journal's
        # delivery tells them after the replay, by their next channel if need be.
        return False
    children = sorted({name for g in guardians for name in g.children})
    message = OutgoingMessage(
        address=chat.address,
        text=entry.text,
        html=family_text(entry, guardians[0].language, children),
        idempotency_key=f"zvonok-fallback-{entry.id}-{chat.messenger.value}-{chat.id}",
    )
    try:
        result = await channel.send(message)
    except Exception as error:  # one family's failure must not stop the others
        log.error("fallback %s: a send raised %s", entry.id, type(error).__name__)
        return False
    if result.outcome is not Outcome.sent:
        # Not marked notified: the journal's delivery tells this family after the replay.
        log.info("fallback %s: a family not reached (%s)", entry.id, result.outcome.value)
        return False
    await mark_notified(redis, entry.id, [g.guardian_id for g in guardians])
    return True


def _same(a: Assignment, b: Assignment) -> bool:
    keys = ("school_id", "staff_id", "class_id", "group_id", "subject_id")
    return all(getattr(a, key) == getattr(b, key) for key in keys)


async def broadcast_homework(
    redis: Redis,
    channels: Channels,
    *,
    chat: MessengerChat,
    assignment: Assignment,
    entry_id: str,
    text: str,
    now: dt.datetime,
) -> Broadcast:
    """Queue the homework for the journal and send it to the class's (or group's)
    families in the snapshot, all at once, each through its messenger's channel among
    `channels` (the rate limiters pace them). `chat` is the teacher's, in the messenger
    they used.

    Raises `NotListed` when the snapshot does not give this teacher's chat the class
    and subject. Families whose messenger has no channel here are only queued for.
    """
    schools = {snap.school_id: (snap, staff) for snap, staff in await staff_snapshots(redis, chat)}
    found = schools.get(assignment.school_id)
    if found is None or not any(_same(a, assignment) for a in found[1].assignments):
        raise NotListed(assignment.school_id)
    snapshot, _ = found
    entry = FallbackEntry.for_assignment(entry_id, assignment, text=text, sent_at=now)
    await open_entry(redis, entry)
    families = _by_chat(snapshot.audience(assignment.class_id, assignment.group_id))
    sent = await asyncio.gather(
        *(
            _send_one(channels.get(family.channel.value), redis, entry, family, guardians)
            for family, guardians in families.items()
        )
    )
    await close_broadcast(redis, entry)
    return Broadcast(reached=sum(sent), total=len(families))
