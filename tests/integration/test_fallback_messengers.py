"""The fallback broadcast in Telegram and MAX alike (issue 12), on SQLite and PostgreSQL.

The snapshot lists each staff chat under its messenger (a MAX user and a Telegram chat
with the same number are two people) and each family in the ONE chat the broadcast
reaches it in; the broadcast goes through the notifier's real Telegram and MAX channels
(`build_channels`, with their shared rate limiters) to the Telegram emulator and the MAX
stand-in, one message per family, and is replayed into the journal once.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr
from redis.asyncio import Redis
from sqlmodel import select

from core.db import Database
from core.fallback.snapshot import RosterSnapshot, load_snapshot, staff_snapshots
from core.messengers import MessengerChat
from core.models import Guardian, Messenger, NotificationEvent, Staff
from core.services.school_setup import update_policy
from core.settings import Settings
from notifier.channels import build_channels, close_channels
from notifier.fallback import Broadcast, NotListed, broadcast_homework
from notifier.standins.max_control import RunningMaxStandin, run_max_standin
from tests.builders import NOW, World, build_world, uow_at, update_row
from tests.e2e.families import set_policy
from tests.integration import telegram_fixtures
from tests.integration.delivery_helpers import Clock, add_guardian, choose, msk, relay_and_dispatch
from tests.integration.fallback_helpers import assignment, kill_chat, tg, worker_ctx
from tests.integration.outbox_helpers import outbox
from workers.fallback import refresh_snapshots, replay_entries

emulator, redis_client = telegram_fixtures.emulator, telegram_fixtures.redis_client  # fixtures


def mx(user_id: int) -> MessengerChat:
    return MessengerChat(Messenger.max, user_id)


# The math teacher writes to the MAX bot (and has Telegram too); the English teacher's
# Telegram chat has the same number as the math teacher's MAX user.
MATH_MAX, MATH_TELEGRAM, ENGLISH_TELEGRAM = mx(9001), tg(9011), tg(9001)
MAX_USERS = (7001, 8004, 8006)  # the families' MAX users (they started the bot)


@pytest.fixture
async def max_() -> AsyncIterator[RunningMaxStandin]:
    async with run_max_standin() as running:
        for user in MAX_USERS:
            await running.control.inject_start(user_id=user)
        yield running


async def _school(db: Database) -> World:
    """7Б's families in one messenger or both, the school offering both.

    sokolova (Пётр, Мария): Telegram 7001 only. novikov (Иван): MAX 7001 only, the same
    number. In both: grandpa (Иван) puts MAX first; aunt (Мария) keeps the default
    order, Telegram first; cousin (Пётр) blocked the Telegram bot.
    """
    w = await build_world(db)
    await set_policy(db, w.school_id, messengers=["telegram", "max"])
    await update_row(db, Guardian, w.guardians["sokolova"], telegram_chat_id=7001)
    await update_row(db, Guardian, w.guardians["novikov"], max_user_id=7001)
    for key, kid, number in (("grandpa", "vanya", 4), ("aunt", "masha", 5), ("cousin", "petya", 6)):
        guardian = await add_guardian(db, w, key, [kid], telegram=7000 + number)
        await update_row(db, Guardian, guardian, max_user_id=8000 + number)
    await choose(db, w, "grandpa", channels=["max", "telegram", "email", "sms"])
    await kill_chat(db, w, "cousin", 7006)
    await update_row(db, Staff, w.staff["math"], max_user_id=9001, telegram_chat_id=9011)
    await update_row(db, Staff, w.staff["english"], telegram_chat_id=9001)
    return w


def _audience(snapshot: RosterSnapshot, w: World, klass: str) -> list[tuple[str, MessengerChat]]:
    names = {gid: key for key, gid in w.guardians.items()}
    return [(names[g.guardian_id], g.chat) for g in snapshot.audience(w.classes[klass], None)]


async def _staff_of(redis: Redis, chat: MessengerChat) -> list[int]:
    return [staff.staff_id for _, staff in await staff_snapshots(redis, chat)]


async def test_each_chat_is_listed_under_its_messenger_and_each_family_once(
    db: Database, redis_client: Redis
) -> None:
    w = await _school(db)
    ctx = worker_ctx(db, redis_client)
    await refresh_snapshots(ctx)
    snapshot = await load_snapshot(redis_client, w.school_id)
    assert snapshot is not None
    assert _audience(snapshot, w, "7Б") == [
        ("sokolova", tg(7001)),
        ("novikov", mx(7001)),
        ("grandpa", mx(8004)),  # MAX first in his order
        ("aunt", tg(7005)),  # Telegram first: not in MAX as well
        ("cousin", mx(8006)),  # his Telegram chat is dead
    ]
    math, english = w.staff["math"], w.staff["english"]
    assert await _staff_of(redis_client, MATH_MAX) == [math]
    assert await _staff_of(redis_client, MATH_TELEGRAM) == [math]
    assert await _staff_of(redis_client, ENGLISH_TELEGRAM) == [english]
    assert await _staff_of(redis_client, mx(9011)) == []

    # The school stops offering Telegram: its chats leave the snapshot and its index.
    await update_policy(uow_at(db), actor=w.actor("admin"), values={"messengers": ["max"]})
    await refresh_snapshots(ctx)
    snapshot = await load_snapshot(redis_client, w.school_id)
    assert snapshot is not None
    assert _audience(snapshot, w, "7Б") == [
        ("novikov", mx(7001)),
        ("grandpa", mx(8004)),
        ("aunt", mx(8005)),
        ("cousin", mx(8006)),
    ]
    assert await _staff_of(redis_client, MATH_MAX) == [math]
    assert await _staff_of(redis_client, MATH_TELEGRAM) == []
    assert await _staff_of(redis_client, ENGLISH_TELEGRAM) == []


def _settings(emulator: telegram_fixtures.RunningEmulator, max_: RunningMaxStandin) -> Settings:
    return Settings(
        telegram_token=SecretStr(emulator.token),
        telegram_api_url=emulator.base_url,
        max_token=SecretStr(max_.token),
        max_api_url=max_.base_url,
    )


async def test_each_family_hears_once_in_its_messenger_and_the_journal_gets_it_once(
    db: Database,
    redis_client: Redis,
    emulator: telegram_fixtures.RunningEmulator,
    max_: RunningMaxStandin,
) -> None:
    w = await _school(db)
    ctx = worker_ctx(db, redis_client)
    await refresh_snapshots(ctx)
    snapshot = await load_snapshot(redis_client, w.school_id)
    assert snapshot is not None
    page = assignment(snapshot, MATH_MAX, "7Б", "Математика")
    channels = build_channels(_settings(emulator, max_), redis_client)
    assert sorted(channels) == ["max", "telegram"]
    try:
        with pytest.raises(NotListed):  # the same number in Telegram: the English teacher
            await broadcast_homework(
                redis_client, channels, chat=ENGLISH_TELEGRAM, assignment=page,
                entry_id=uuid.uuid4().hex, text="§ 1", now=NOW,
            )  # fmt: skip
        done = await broadcast_homework(
            redis_client, channels, chat=MATH_MAX, assignment=page,
            entry_id=uuid.uuid4().hex, text="§ 12, № 3–5", now=NOW,
        )  # fmt: skip
    finally:
        await close_channels(channels)
    assert done == Broadcast(reached=5, total=5)

    in_telegram = {m["chat_id"]: m["text"] for m in await emulator.control.sent()}
    in_max = {m["user_id"]: m["text"] for m in await max_.control.sent()}
    assert len(await emulator.control.sent()) == 2 and len(await max_.control.sent()) == 3
    assert sorted(in_telegram) == [7001, 7005] and sorted(in_max) == [7001, 8004, 8006]
    assert "Мария, Пётр, 7Б" in in_telegram[7001] and "Иван, 7Б" in in_max[7001]
    assert all("§ 12, № 3–5" in text for text in [*in_telegram.values(), *in_max.values()])

    # Replayed once; every family was told by the bot, so delivery tells nobody again.
    assert (await replay_entries(ctx))["written"] == 1
    assert (await replay_entries(ctx))["written"] == 0
    [event] = await outbox(db, "homework_set")
    told = [w.guardians[k] for k in ("sokolova", "novikov", "grandpa", "aunt", "cousin")]
    assert sorted(event.payload["notified_guardian_ids"]) == sorted(told)
    await relay_and_dispatch(Clock(db, msk(10, 30)))
    async with db.session() as s:
        assert (await s.exec(select(NotificationEvent.guardian_id))).all() == []


async def test_families_in_a_messenger_the_bot_cannot_write_in_hear_after_the_replay(
    db: Database, redis_client: Redis, emulator: telegram_fixtures.RunningEmulator
) -> None:
    w = await _school(db)
    ctx = worker_ctx(db, redis_client)
    await refresh_snapshots(ctx)
    snapshot = await load_snapshot(redis_client, w.school_id)
    assert snapshot is not None
    page = assignment(snapshot, MATH_TELEGRAM, "7Б", "Математика")
    telegram_only = Settings(
        telegram_token=SecretStr(emulator.token), telegram_api_url=emulator.base_url
    )
    channels = build_channels(telegram_only, redis_client)
    try:
        done = await broadcast_homework(
            redis_client, channels, chat=MATH_TELEGRAM, assignment=page,
            entry_id=uuid.uuid4().hex, text="§ 13", now=NOW,
        )  # fmt: skip
    finally:
        await close_channels(channels)
    assert done == Broadcast(reached=2, total=5)
    assert sorted(m["chat_id"] for m in await emulator.control.sent()) == [7001, 7005]
    await replay_entries(ctx)
    await relay_and_dispatch(Clock(db, msk(10, 30)))
    async with db.session() as s:
        planned = set((await s.exec(select(NotificationEvent.guardian_id))).all())
    assert planned == {w.guardians[k] for k in ("novikov", "grandpa", "cousin")}


async def test_the_snapshot_keeps_the_bot_each_family_started(
    db: Database, redis_client: Redis
) -> None:
    """A family linked through the school's own bot is listed with it, so the broadcast
    writes to them through that bot (the deployment's may not write to them)."""
    w = await _school(db)
    await update_row(db, Guardian, w.guardians["sokolova"], telegram_bot="school17")
    await update_row(db, Guardian, w.guardians["novikov"], max_bot="school17")
    await refresh_snapshots(worker_ctx(db, redis_client))
    snapshot = await load_snapshot(redis_client, w.school_id)
    assert snapshot is not None
    chats = dict(_audience(snapshot, w, "7Б"))
    assert (chats["sokolova"].bot, chats["sokolova"].address) == ("school17", "school17:7001")
    assert (chats["novikov"].bot, chats["novikov"].address) == ("school17", "school17:7001")
    assert chats["aunt"].bot is None and chats["aunt"].address == "7005"
