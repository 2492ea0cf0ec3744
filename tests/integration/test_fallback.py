"""The fallback broadcast's roster snapshot, queue and replay, on SQLite and PostgreSQL.

The crons run in-process with a worker's ctx (database and Redis); the journal writes
they cause go through the core services, and delivery's dispatch decides who hears.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import AsyncIterator

import pytest
from arq.connections import ArqRedis, RedisSettings, create_pool
from redis.asyncio import Redis
from sqlmodel import col, select

from core.actors import GuardianActor
from core.db import Database
from core.fallback.queue import FallbackEntry, dead_letters, open_entry, queued_entries
from core.fallback.replay import write_entry
from core.fallback.snapshot import Assignment, RosterSnapshot, load_snapshot, staff_snapshots
from core.models import Homework, Messenger, NotificationEvent, Staff, utcnow
from core.services.consent import withdraw_consent
from core.uow import UnitOfWork
from tests.builders import NOW, TODAY, World, build_world, update_row
from tests.integration.delivery_helpers import Clock, msk, relay_and_dispatch
from tests.integration.fallback_helpers import (
    assignment,
    families,
    link_staff,
    queue_broadcast,
    tg,
    worker_ctx,
)
from tests.integration.outbox_helpers import audit_trail, outbox
from workers.fallback import fallback_tick, refresh_snapshots, replay_entries
from workers.relay import relay_once


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[ArqRedis]:
    """The worker's own client: arq's, which the relay enqueues with."""
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    yield pool
    await pool.aclose()


async def _world(db: Database) -> World:
    w = await build_world(db)
    await families(db, w)
    await link_staff(db, w, "math", "english", "robotics")
    await update_row(db, Staff, w.staff["robotics"], locked_at=NOW)  # a reported breach
    return w


def _audience(
    snapshot: RosterSnapshot, class_id: int, group_id: int | None = None
) -> list[tuple[int, int, tuple[str, ...]]]:
    """(guardian, Telegram chat, children): this school offers Telegram only."""
    found = snapshot.audience(class_id, group_id)
    assert {g.chat.messenger for g in found} <= {Messenger.telegram}
    return [(g.guardian_id, g.chat.id, g.children) for g in found]


def _pages(snapshot: RosterSnapshot, chat_id: int) -> list[tuple[str, str]]:
    staff = snapshot.staff_of_chat(tg(chat_id))
    return [(a.where, a.subject) for a in staff.assignments] if staff else []


async def test_the_snapshot_lists_reachable_families_and_linked_teachers(
    db: Database, redis: Redis
) -> None:
    w = await _world(db)
    lena_mother = w.guardians["morozova"]
    await withdraw_consent(
        UnitOfWork(db),
        actor=GuardianActor(guardian_id=lena_mother, school_id=w.school_id),
        guardian_id=lena_mother,
    )
    assert await refresh_snapshots(worker_ctx(db, redis)) == 2  # both schools

    snapshot = await load_snapshot(redis, w.school_id)
    assert snapshot is not None and snapshot.version == 1
    mother, grandpa = w.guardians["sokolova"], w.guardians["grandpa"]
    # novikov (homework off), aunt (dead chat), cousin (no Telegram), uncle (email) are out.
    assert _audience(snapshot, w.classes["7Б"]) == [
        (mother, 7001, ("Мария", "Пётр")),
        (grandpa, 7004, ("Иван",)),
    ]
    assert _audience(snapshot, w.classes["1А"]) == [(mother, 7001, ("Дарья",))]
    assert _audience(snapshot, w.classes["10А"]) == []  # consent withdrawn
    english, robotics = w.groups["7Б англ. 1"], w.groups["7Б робототехника"]
    assert _audience(snapshot, w.classes["7Б"], english) == [(mother, 7001, ("Мария", "Пётр"))]
    assert _audience(snapshot, w.classes["7Б"], robotics) == [(mother, 7001, ("Пётр",))]

    # Linked, unlocked staff with their assignments; robotics is locked, russian unlinked.
    assert [s.short_name for s in snapshot.staff] == ["Иванова М.П.", "Смит А."]
    assert _pages(snapshot, 9001) == [
        ("1А", "Математика"),
        ("7Б", "Математика"),
        ("10А", "Математика"),
    ]
    assert _pages(snapshot, 9002) == [("7Б англ. 1", "Английский язык")]
    assert [(s.school_id, t.staff_id) for s, t in await staff_snapshots(redis, tg(9001))] == [
        (w.school_id, w.staff["math"])
    ]
    assert await staff_snapshots(redis, tg(9004)) == []


async def test_a_rebuilt_snapshot_drops_an_unlinked_teacher(db: Database, redis: Redis) -> None:
    w = await _world(db)
    ctx = worker_ctx(db, redis)
    await refresh_snapshots(ctx)
    await update_row(db, Staff, w.staff["math"], telegram_chat_id=None)
    await refresh_snapshots(ctx)
    snapshot = await load_snapshot(redis, w.school_id)
    assert snapshot is not None and snapshot.version == 2
    assert snapshot.built_at >= NOW - dt.timedelta(days=1)
    assert await staff_snapshots(redis, tg(9001)) == []
    assert [t.staff_id for _, t in await staff_snapshots(redis, tg(9002))] == [w.staff["english"]]


async def test_a_roster_event_refreshes_its_schools_snapshot_on_the_next_tick(
    db: Database, redis: ArqRedis
) -> None:
    w = await _world(db)
    ctx = worker_ctx(db, redis)
    await refresh_snapshots(ctx)
    await relay_once(ctx)  # nothing new yet
    assert (await fallback_tick(ctx))["refreshed"] == 0

    mother = w.guardians["sokolova"]
    await withdraw_consent(
        UnitOfWork(db),
        actor=GuardianActor(guardian_id=mother, school_id=w.school_id),
        guardian_id=mother,
    )
    await relay_once(ctx)  # the relay sees ConsentChanged
    assert (await fallback_tick(ctx))["refreshed"] == 1
    snapshot = await load_snapshot(redis, w.school_id)
    assert snapshot is not None and snapshot.version == 2
    assert [g.guardian_id for g in snapshot.audience(w.classes["7Б"], None)] == [
        w.guardians["grandpa"]
    ]
    assert (await fallback_tick(ctx))["refreshed"] == 0  # only once


async def _fallback_rows(db: Database) -> list[Homework]:
    async with db.session() as s:
        query = select(Homework).where(Homework.source == "fallback").order_by(col(Homework.id))
        return list((await s.exec(query)).all())


async def _math_7b(db: Database, redis: Redis, w: World) -> Assignment:
    await refresh_snapshots(worker_ctx(db, redis))
    snapshot = await load_snapshot(redis, w.school_id)
    assert snapshot is not None
    return assignment(snapshot, tg(9001), "7Б", "Математика")


async def test_a_queued_entry_is_written_once_with_its_original_time(
    db: Database, redis: Redis
) -> None:
    w = await _world(db)
    ctx = worker_ctx(db, redis)
    page = await _math_7b(db, redis, w)
    sent_at = NOW - dt.timedelta(minutes=40)
    told = [w.guardians["sokolova"], w.guardians["grandpa"]]
    key = uuid.uuid4().hex
    await queue_broadcast(redis, key, page, text="§ 12, № 3–5", sent_at=sent_at, notified=told)

    assert await replay_entries(ctx) == {"written": 1, "already": 0, "refused": 0, "failed": 0}
    assert await replay_entries(ctx) == {"written": 0, "already": 0, "refused": 0, "failed": 0}
    assert await queued_entries(redis) == []
    [row] = await _fallback_rows(db)
    assert (row.lesson_id, row.text, row.fallback_key) == (w.lessons["math7"], "§ 12, № 3–5", key)
    assert row.entered_at == sent_at and row.created_by == w.staff["math"]
    [created] = await audit_trail(db, "homework", row.id or 0)
    assert (created.action, created.actor_id) == ("create", w.staff["math"])
    assert created.new is not None and created.new["source"] == "fallback"
    [event] = await outbox(db, "homework_set")
    assert event.payload["source"] == "fallback"
    assert sorted(event.payload["notified_guardian_ids"]) == sorted(told)


async def test_a_crash_between_commit_and_removal_writes_nothing_twice(
    db: Database, redis: Redis
) -> None:
    w = await _world(db)
    page = await _math_7b(db, redis, w)
    entry = await queue_broadcast(
        redis, uuid.uuid4().hex, page, text="§ 13", sent_at=NOW, notified=[]
    )
    # The worker's first step committed, then it died before taking the entry off.
    first = await write_entry(UnitOfWork(db), entry)
    assert first.outcome == "written"
    assert [e.id for e in await queued_entries(redis)] == [entry.id]

    assert await replay_entries(worker_ctx(db, redis)) == {
        "written": 0,
        "already": 1,
        "refused": 0,
        "failed": 0,
    }
    assert [h.id for h in await _fallback_rows(db)] == [first.homework_id]
    assert len(await outbox(db, "homework_set")) == 1
    assert await queued_entries(redis) == []
    again = await write_entry(UnitOfWork(db), entry)  # a third time, for good measure
    assert (again.outcome, again.homework_id) == ("already", first.homework_id)


async def test_guardians_the_broadcast_reached_are_not_notified_again(
    db: Database, redis: Redis
) -> None:
    w = await _world(db)
    page = await _math_7b(db, redis, w)
    # The broadcast reached the mother; grandpa's message did not go through.
    await queue_broadcast(
        redis, uuid.uuid4().hex, page, text="§ 14", sent_at=NOW, notified=[w.guardians["sokolova"]]
    )
    await replay_entries(worker_ctx(db, redis))
    await relay_and_dispatch(Clock(db, msk(10, 30)))

    async with db.session() as s:
        planned = set((await s.exec(select(NotificationEvent.guardian_id))).all())
    # Grandpa (missed by the bot) and the uncle (email only) hear as usual; the mother
    # is not told twice; novikov switched homework off; the aunt's and the cousin's only
    # addresses are dead or not among their channels.
    assert planned == {w.guardians["grandpa"], w.guardians["uncle"]}


async def test_an_entry_the_journal_refuses_is_set_aside_with_its_reason(
    db: Database, redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    w = await _world(db)
    page = await _math_7b(db, redis, w)
    no_lesson = page.model_copy(
        update={"class_id": w.classes["10А"], "class_name": "10А"}
    )  # math is taught in 10А, but no lesson is recorded there
    not_assigned = page.model_copy(
        update={"staff_id": w.staff["russian"], "teacher": "Петров С.И."}
    )
    first, second = uuid.uuid4().hex, uuid.uuid4().hex
    await queue_broadcast(redis, first, no_lesson, text="§ 1", sent_at=NOW, notified=[])
    await queue_broadcast(redis, second, not_assigned, text="§ 2", sent_at=NOW, notified=[])

    with caplog.at_level(logging.INFO):
        counts = await replay_entries(worker_ctx(db, redis))
    assert counts == {"written": 0, "already": 0, "refused": 2, "failed": 0}
    assert await queued_entries(redis) == [] and await _fallback_rows(db) == []
    letters = {d.entry.id: d for d in await dead_letters(redis)}
    assert letters[first].message() == (
        f"Ни в журнале, ни в расписании нет урока «Математика» в 10А с {TODAY:%d.%m.%Y} до "
        "конца учебного года: сначала добавьте урок в расписание или запишите его в журнал."
    )
    assert letters[second].message() == "Вы не ведёте «Математика» в 7Б."
    assert letters[second].message("en") == "You do not teach Математика in 7Б."
    assert letters[second].entry.text == "§ 2"  # kept whole, to be entered by hand
    logged = caplog.text
    assert first in logged and "no_next_lesson" in logged and "not_your_class" in logged
    assert "§ 2" not in logged and "Петров" not in logged


async def test_an_entry_still_broadcasting_waits_unless_its_bot_died(
    db: Database, redis: Redis
) -> None:
    w = await _world(db)
    page = await _math_7b(db, redis, w)
    now = utcnow()
    live = FallbackEntry.for_assignment(uuid.uuid4().hex, page, text="§ 5", sent_at=now)
    died = FallbackEntry.for_assignment(
        uuid.uuid4().hex, page, text="§ 6", sent_at=NOW - dt.timedelta(days=1)
    )
    await open_entry(redis, live)
    await open_entry(redis, died)
    assert await replay_entries(worker_ctx(db, redis)) == {
        "written": 1,
        "already": 0,
        "refused": 0,
        "failed": 0,
    }
    assert [e.id for e in await queued_entries(redis)] == [live.id]
    assert [h.fallback_key for h in await _fallback_rows(db)] == [died.id]
