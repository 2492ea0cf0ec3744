"""Set-up for the fallback broadcast tests: linked chats, families, a worker's ctx.

Linking chats and the families' choices are preconditions written directly; the
snapshot, the queue and the replay under test go through core and the worker crons.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from redis.asyncio import Redis

from core.db import Database
from core.fallback.queue import FallbackEntry, close_broadcast, mark_notified, open_entry
from core.fallback.snapshot import Assignment, RosterSnapshot
from core.messengers import CHAT_FIELDS, MessengerChat
from core.models import ContactStatus, Guardian, Messenger, Staff
from tests.builders import World, insert, update_row
from tests.integration.delivery_helpers import add_guardian, choose

STAFF_CHATS = {"math": 9001, "english": 9002, "robotics": 9004}
GUARDIAN_CHATS = {"sokolova": 7001, "novikov": 7002, "morozova": 7003}


def worker_ctx(db: Database, redis: Redis) -> dict[str, Any]:
    """What arq's `on_startup` gives the crons, for calling them in-process."""
    return {"db": db, "redis": redis}


async def link_staff(
    db: Database, w: World, *who: str, messenger: Messenger = Messenger.telegram
) -> None:
    for key in who:
        await update_row(db, Staff, w.staff[key], **{CHAT_FIELDS[messenger]: STAFF_CHATS[key]})


async def link_guardians(
    db: Database, w: World, *who: str, messenger: Messenger = Messenger.telegram
) -> None:
    field = CHAT_FIELDS[messenger]
    for key in who:
        await update_row(db, Guardian, w.guardians[key], **{field: GUARDIAN_CHATS[key]})


async def kill_chat(
    db: Database, w: World, guardian: str, chat_id: int, messenger: Messenger = Messenger.telegram
) -> None:
    """Delivery found the chat dead (the parent blocked the bot)."""
    await insert(
        db,
        ContactStatus(
            school_id=w.school_id,
            guardian_id=w.guardians[guardian],
            channel=messenger.value,
            address=str(chat_id),
            dead_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
            reason="TelegramForbiddenError: bot was blocked by the user",
        ),
    )


async def families(db: Database, w: World, messenger: Messenger = Messenger.telegram) -> None:
    """7Б and 1А families in `messenger`, and those a broadcast must leave out.

    Reachable: sokolova (Пётр and Мария in 7Б, Дарья in 1А), grandpa (Иван, 7Б) and
    morozova (Елена, 10А). Left out: novikov (homework switched off), aunt (chat dead),
    cousin (the messenger not among the channels), uncle (email only).
    """
    await link_guardians(db, w, "sokolova", "novikov", "morozova", messenger=messenger)
    await choose(db, w, "novikov", modes={"homework": "off"})
    chat = "telegram" if messenger is Messenger.telegram else "max_user"
    await add_guardian(db, w, "grandpa", ["vanya"], **{chat: 7004})
    await add_guardian(db, w, "aunt", ["masha"], **{chat: 7005})
    await kill_chat(db, w, "aunt", 7005, messenger)
    await add_guardian(db, w, "cousin", ["vanya"], **{chat: 7006})
    await choose(db, w, "cousin", channels=["email", "sms"])
    await add_guardian(db, w, "uncle", ["petya"], email="uncle@example.ru")


def tg(chat_id: int) -> MessengerChat:
    return MessengerChat(Messenger.telegram, chat_id)


def assignment(
    snapshot: RosterSnapshot, teacher_chat: MessengerChat, where: str, subject: str
) -> Assignment:
    staff = snapshot.staff_of_chat(teacher_chat)
    assert staff is not None
    return next(a for a in staff.assignments if (a.where, a.subject) == (where, subject))


async def queue_broadcast(
    redis: Redis,
    entry_id: str,
    page: Assignment,
    *,
    text: str,
    sent_at: dt.datetime,
    notified: list[int],
) -> FallbackEntry:
    """An entry as the bot leaves it after its broadcast reached `notified`."""
    entry = FallbackEntry.for_assignment(entry_id, page, text=text, sent_at=sent_at)
    await open_entry(redis, entry)
    await mark_notified(redis, entry_id, notified)
    return await close_broadcast(redis, entry)
