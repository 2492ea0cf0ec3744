"""The sweeper's queries: work the queue lost or a killed worker dropped.

SQLite and PostgreSQL; TODAY (23.11.2026) in Moscow, clocks set by hand.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.db import Database
from core.delivery.dispatch import dispatch_event
from core.delivery.lifecycle import claim_delivery, settle_delivery, start_notification
from core.delivery.sweep import (
    due_notifications,
    mark_relayed,
    reset_stuck_sending,
    retryable_deliveries,
    stale_undispatched_events,
    unrelayed_events,
)
from core.services.homework import set_homework
from tests.builders import build_world
from tests.integration.delivery_helpers import (
    Clock,
    deliveries,
    lines,
    msk,
    notifications,
    post,
    relay_and_dispatch,
    run_worker,
    started,
)
from tests.integration.outbox_helpers import outbox

# Both databases, each test: the sweeper's queries of due and stuck rows, on each database's clock arithmetic.
pytestmark = pytest.mark.both_databases

SECONDS_30 = dt.timedelta(seconds=30)


async def test_relay_marks_events_and_the_sweeper_finds_the_lost_ones(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    for kid in ("vanya", "petya", "masha"):
        await post(clock, w, kid)
        clock.advance(1)
    first, second, third = await outbox(db)
    async with db.session() as s:
        batch = await unrelayed_events(s, limit=2)
    assert [e.id for e in batch] == [first.id, second.id]  # oldest first, at most `limit`
    assert await mark_relayed(clock.uow(), [first.id, second.id], now=msk(10, 0, 5)) == 2
    async with db.session() as s:
        assert [e.id for e in await unrelayed_events(s, limit=10)] == [third.id]
    assert await mark_relayed(clock.uow(), [third.id], now=msk(10, 0, 5)) == 1
    assert await mark_relayed(clock.uow(), [], now=msk(10, 0, 5)) == 0

    async def stale(at: dt.datetime) -> list[str]:
        async with db.session() as s:
            found = await stale_undispatched_events(s, now=at, older_than=SECONDS_30)
        return [e.id for e in found]

    assert await stale(msk(10, 0, 35)) == []  # queued 30 s ago: not yet suspicious
    assert await stale(msk(10, 0, 36)) == [first.id, second.id, third.id]
    clock.set(msk(10, 0, 36))
    await dispatch_event(clock.uow(), event_id=first.id)
    assert await stale(msk(10, 0, 36)) == [second.id, third.id]
    # The sweeper queues them again: the clock restarts for them, the dispatched one
    # is left as it was.
    ids = [first.id, second.id, third.id]
    assert await mark_relayed(clock.uow(), ids, now=msk(10, 0, 36)) == 2
    assert await stale(msk(10, 1, 6)) == []
    assert [(e.attempts, e.relayed_at) for e in await outbox(db)] == [
        (1, msk(10, 0, 5)),
        (2, msk(10, 0, 36)),
        (2, msk(10, 0, 36)),
    ]


async def test_due_notifications_and_retryable_deliveries(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    await post(clock, w, "vanya")
    await relay_and_dispatch(clock)
    clock.set(msk(10, 1))
    await post(clock, w, "petya")
    await set_homework(clock.uow(), actor=w.actor("math"), lesson_id=w.lessons["math7"], text="№ 7")
    await relay_and_dispatch(clock)
    father, mother = w.guardians["novikov"], w.guardians["sokolova"]
    by_guardian = {(n.guardian_id, n.mode): n.id or 0 for n in await notifications(db)}
    marks_f, marks_m = by_guardian[(father, "instant")], by_guardian[(mother, "instant")]

    async def due(at: dt.datetime, limit: int = 10) -> list[int]:
        async with db.session() as s:
            return await due_notifications(s, now=at, limit=limit)

    assert await due(msk(10, 1, 59)) == []
    assert await due(msk(10, 2)) == [marks_f]
    assert await due(msk(10, 3)) == [marks_f, marks_m]  # in the order they fell due
    assert await due(msk(10, 3), limit=1) == [marks_f]
    assert len(await due(msk(18))) == 4  # and the homework digests at 18:00

    clock.set(msk(10, 3))
    started = [await start_notification(clock.uow(), notification_id=n) for n in await due(clock())]
    d_f, d_m = (d or 0 for d in started)
    assert await due(clock()) == []  # started ones are no longer open

    async def retryable(at: dt.datetime) -> list[int]:
        async with db.session() as s:
            return await retryable_deliveries(s, now=at, limit=10)

    assert await retryable(clock()) == [d_f, d_m]
    await claim_delivery(clock.uow(), delivery_id=d_f)
    assert await retryable(clock()) == [d_m]  # being sent: not for another worker
    await settle_delivery(clock.uow(), delivery_id=d_f, outcome="retry", retry_after=60)
    assert await retryable(msk(10, 3, 59)) == [d_m]
    assert await retryable(msk(10, 4)) == [d_f, d_m]


async def test_a_delivery_left_sending_by_a_killed_worker_is_sent_once_later(
    db: Database,
) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    delivery_id = await started(clock, w)
    assert await claim_delivery(clock.uow(), delivery_id=delivery_id) is not None
    # The worker is killed here, between claim and settle.
    limit = dt.timedelta(minutes=2)
    assert await reset_stuck_sending(clock.uow(), now=msk(10, 4), older_than=limit) == []
    clock.set(msk(10, 4, 1))
    assert await reset_stuck_sending(clock.uow(), now=clock(), older_than=limit) == [delivery_id]
    assert await reset_stuck_sending(clock.uow(), now=clock(), older_than=limit) == []
    [delivery] = await deliveries(db)
    assert (delivery.status, delivery.attempts) == ("pending", 1)

    received = await run_worker(clock)
    assert [lines(m) for m in received[w.guardians["novikov"]]] == [[("mark", "new", "Иван", 4)]]
    [delivery] = await deliveries(db)
    assert (delivery.status, delivery.attempts, delivery.sent_at) == ("sent", 2, clock())
