"""Notifications started in batches, and a dead worker's deliveries taken over.

A batch reads the rows of all its notifications at once (`core.delivery.prefetch`):
each family must still get what it would get alone, never a neighbour's content or
settings. A worker that dies holding deliveries `sending` hands them over within
seconds: what it had sent (marked in Redis) is recorded, not sent again; the rest is
queued for another worker. A living worker's deliveries are left alone.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
from typing import Any

from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.constants import job_key_prefix

from core.actors import StaffActor
from core.db import Database
from core.delivery.dispatch import dispatch_events
from core.delivery.lifecycle import _spread_batch, start_batch, start_notification
from core.delivery.sweep import due_notifications, unrelayed_events
from core.models import Delivery, Guardian, Notification, utcnow
from core.services.announcements import post_announcement
from core.settings import Settings
from core.uow import UnitOfWork
from notifier.base import Outcome, SendResult
from tests.builders import World, build_world, insert
from tests.integration.delivery_helpers import (
    Clock,
    add_guardian,
    choose,
    composed,
    deliveries,
    lines,
    load,
    msk,
    notifications,
    post,
    relay_and_dispatch,
)
from workers.liveness import ALIVE_BEAT_SECONDS, ALIVE_KEY, mark_sent, take_over


async def _three_families_due(db: Database) -> tuple[Clock, World]:
    """At 10:02 three guardians' messages are due: Соколова's bundle of two children's
    marks; Ваня's mark to his father, who turned marks off after it was planned, and
    to his grandmother, in her quiet hours."""
    w = await build_world(db)
    clock = Clock(db, msk(10))
    await add_guardian(db, w, "babushka", ["vanya"], email="babushka@example.ru")
    await choose(db, w, "babushka", quiet_start=dt.time(9), quiet_end=dt.time(12))
    await post(clock, w, "petya", 5)
    await post(clock, w, "masha", 3)
    await post(clock, w, "vanya", 4)
    await relay_and_dispatch(clock)
    await choose(db, w, "novikov", modes={"marks": "off"})
    clock.advance(120)
    return clock, w


async def _outcomes(db: Database) -> dict[int, tuple[Any, ...]]:
    return {n.guardian_id: (n.status, n.reason, n.due_at) for n in await notifications(db)}


async def test_a_batch_decides_each_family_as_it_would_alone(db: Database) -> None:
    clock, w = await _three_families_due(db)
    started = await start_batch(clock.uow(), limit=10, worker="worker-a")

    # Only Соколова's goes: both children's marks, in her one message.
    [claimed] = started.claimed
    assert started.looked_at == 3
    assert claimed.delivery.guardian_id == w.guardians["sokolova"]
    assert sorted(lines(claimed.composition)) == [
        ("mark", "new", "Мария", 3),
        ("mark", "new", "Пётр", 5),
    ]
    [delivery] = await deliveries(db)
    assert (delivery.status, delivery.claimed_by, delivery.attempts) == ("sending", "worker-a", 1)
    outcomes = await _outcomes(db)
    assert outcomes[w.guardians["sokolova"]][0] == "sending"
    assert outcomes[w.guardians["novikov"]][:2] == ("cancelled", "switched_off")
    assert outcomes[w.guardians["babushka"]] == ("open", "quiet_hours", msk(12))
    # Nothing is left due: a second batch finds nothing to do.
    again = await start_batch(clock.uow(), limit=10)
    assert (again.claimed, again.looked_at) == ([], 0)


async def test_one_at_a_time_gives_the_same_as_one_batch(db: Database) -> None:
    clock, w = await _three_families_due(db)
    async with db.session() as session:
        due = await due_notifications(session, now=clock(), limit=10)
    one_by_one = [await start_notification(clock.uow(), notification_id=n) for n in due]
    assert len([d for d in one_by_one if d is not None]) == 1
    outcomes = await _outcomes(db)
    assert outcomes[w.guardians["sokolova"]][0] == "sending"
    assert outcomes[w.guardians["novikov"]][:2] == ("cancelled", "switched_off")
    assert outcomes[w.guardians["babushka"]] == ("open", "quiet_hours", msk(12))


async def _pool(redis_url: str) -> ArqRedis:
    return await create_pool(RedisSettings.from_dsn(redis_url))


async def test_a_dead_workers_deliveries_are_taken_over_and_its_sends_kept(
    db: Database, redis_url: str
) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    await add_guardian(db, w, "babushka", ["vanya"], email="babushka@example.ru")
    await post(clock, w, "vanya", 4)  # to his father and his grandmother
    await relay_and_dispatch(clock)
    clock.advance(120)
    dead = await start_batch(clock.uow(), limit=10, worker="dead-worker")
    by_guardian = {c.delivery.guardian_id: c.delivery.id or 0 for c in dead.claimed}
    sent_before_death = by_guardian[w.guardians["novikov"]]
    never_sent = by_guardian[w.guardians["babushka"]]
    await post(clock, w, "petya", 5)
    await relay_and_dispatch(clock)
    clock.advance(120)
    [living] = (await start_batch(clock.uow(), limit=10, worker="living-worker")).claimed

    redis = await _pool(redis_url)
    try:
        ctx: dict[str, Any] = {
            "db": db,
            "redis": redis,
            "settings": Settings(),
            "worker_id": "me",
        }
        await redis.set(f"{ALIVE_KEY}living-worker", "1", ex=30)
        # The dead worker had sent Новиков's message when it was killed.
        await mark_sent(ctx, sent_before_death, SendResult(Outcome.sent, provider_id="tg-7"))

        missing: dict[str, float] = {}
        await take_over(ctx, missing)  # a key missing once: maybe Redis just restarted
        assert {d.status for d in await deliveries(db)} == {"sending"}
        await asyncio.sleep(ALIVE_BEAT_SECONDS)
        await take_over(ctx, missing)

        sent = await load(db, Delivery, sent_before_death)
        assert (sent.status, sent.provider_id, sent.claimed_by) == ("sent", "tg-7", None)
        assert (await load(db, Notification, sent.notification_id)).status == "sent"
        released = await load(db, Delivery, never_sent)
        assert (released.status, released.error, released.attempts) == ("pending", "interrupted", 1)
        assert await redis.exists(f"{job_key_prefix}deliver:{never_sent}:1")
        kept = await load(db, Delivery, living.delivery.id or 0)
        assert (kept.status, kept.claimed_by) == ("sending", "living-worker")
        assert missing == {}
    finally:
        await redis.aclose()


async def test_two_urgent_messages_dispatched_together_are_two_messages(db: Database) -> None:
    """Two urgent announcements to one class, dispatched in one run: each family gets
    two notifications, equal in every column but their events (the run inserts them in
    one statement and tells them apart by their values), each carrying one message."""
    w = await build_world(db)
    clock = Clock(db, msk(7))
    deputy = StaffActor(staff_id=w.staff["deputy"], school_id=w.school_id)
    for title in ("Занятия отменены", "Автобус не придёт"):
        await post_announcement(
            clock.uow(), actor=deputy, class_id=w.classes["7Б"], title=title, body=".", urgent=True
        )
    async with db.session() as session:
        ids = [e.id for e in await unrelayed_events(session, limit=10)]
    dispatched = await dispatch_events(clock.uow(), event_ids=ids)

    notes = [n for n in await notifications(db) if n.guardian_id == w.guardians["sokolova"]]
    assert len(notes) == 2 and all(n.urgent and n.due_at == msk(7) for n in notes)
    assert set(dispatched.due) >= {n.id for n in notes}
    titles = []
    for note in notes:
        composition = await composed(db, note.id or 0)
        assert composition is not None
        [item] = composition.items
        titles.append(item.data["title"])
    assert sorted(titles) == ["Автобус не придёт", "Занятия отменены"]


async def test_a_batch_takes_its_share_of_each_school_among_the_longest_due(
    db: Database,
) -> None:
    """A district's urgent message makes thousands due at one moment, school after
    school: a batch must reach several schools' bots, not one school's 30 a second."""
    w = await build_world(db)
    now = utcnow()
    rows: list[Notification] = []
    for school_id in (w.school_id, w.other_school_id):  # school 1's all have lower ids
        guardian = Guardian(
            school_id=school_id, last_name="Родитель", first_name="Р", created_at=now
        )
        (guardian_id,) = await insert(db, guardian)
        rows += [
            Notification(
                school_id=school_id,
                guardian_id=guardian_id,
                topic="announcements",
                mode="instant",
                urgent=True,
                due_at=now,
                created_at=now,
            )
            for _ in range(150)
        ]
    await insert(db, *rows)
    school_of = {n.id: n.school_id for n in await notifications(db)}

    async with UnitOfWork(db) as uow:
        picked, looked_at = await _spread_batch(uow, now, 100)
    assert looked_at == 100 and len(set(picked)) == 100
    assert collections.Counter(school_of[i] for i in picked) == {
        w.school_id: 50,
        w.other_school_id: 50,
    }
    async with UnitOfWork(db) as uow:  # a window smaller than a batch: all of it
        picked, looked_at = await _spread_batch(uow, now, 400)
    assert looked_at == 300 and sorted(picked) == sorted(school_of)
