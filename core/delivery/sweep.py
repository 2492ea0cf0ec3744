"""What the workers' sweeper looks for: work that Redis lost or a worker dropped.

The database, not the queue, is the source of truth (PRODUCT §2: nothing is lost when
Redis or a worker is down). Each query returns ids or rows for the sweeper to enqueue
again; the jobs themselves re-check state, so finding the same row twice is harmless.
Reads take a session (`Database.session()`); writes take a unit of work and commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.delivery.reasons import INTERRUPTED, Reason
from core.delivery.transitions import error_values
from core.models import Delivery, Notification, OutboxEvent
from core.uow import UnitOfWork


async def unrelayed_events(session: AsyncSession, *, limit: int) -> list[OutboxEvent]:
    """Outbox events not yet handed to the queue, oldest first."""
    query = (
        select(OutboxEvent)
        .where(col(OutboxEvent.relayed_at).is_(None))
        .order_by(col(OutboxEvent.occurred_at), col(OutboxEvent.id))
        .limit(limit)
    )
    return list((await session.exec(query)).all())


async def mark_relayed(uow: UnitOfWork, ids: Sequence[str], *, now: dt.datetime) -> int:
    """Record that these events were queued (again); returns how many were marked.

    A re-relay moves `relayed_at` forward, so a stale event is retried once per
    `older_than`, not on every sweep; `attempts` counts the relays. Events already
    dispatched are left alone: a late duplicate relay changes nothing.
    """
    if not ids:
        return 0
    async with uow:
        statement = (
            update(OutboxEvent)
            .where(col(OutboxEvent.id).in_(ids), col(OutboxEvent.dispatched_at).is_(None))
            .values(relayed_at=now, attempts=OutboxEvent.attempts + 1)
        )
        result = await uow.session.exec(statement)
        await uow.commit()
        return result.rowcount


async def stale_undispatched_events(
    session: AsyncSession, *, now: dt.datetime, older_than: dt.timedelta, limit: int = 500
) -> list[OutboxEvent]:
    """Events queued more than `older_than` ago and still not dispatched (Redis lost them)."""
    query = (
        select(OutboxEvent)
        .where(
            col(OutboxEvent.dispatched_at).is_(None),
            col(OutboxEvent.relayed_at).is_not(None),
            col(OutboxEvent.relayed_at) < now - older_than,
        )
        .order_by(col(OutboxEvent.occurred_at), col(OutboxEvent.id))
        .limit(limit)
    )
    return list((await session.exec(query)).all())


async def due_notifications(session: AsyncSession, *, now: dt.datetime, limit: int) -> list[int]:
    """Open notifications whose time has come (grace window, digest, end of quiet hours)."""
    query = (
        select(Notification.id)
        .where(Notification.status == "open", col(Notification.due_at) <= now)
        .order_by(col(Notification.due_at), col(Notification.id))
        .limit(limit)
    )
    return [i for i in (await session.exec(query)).all() if i is not None]


async def next_due_at(session: AsyncSession, *, after: dt.datetime) -> dt.datetime | None:
    """When the next open notification falls due, if any is due after `after`."""
    query = (
        select(Notification.due_at)
        .where(Notification.status == "open", col(Notification.due_at) > after)
        .order_by(col(Notification.due_at))
        .limit(1)
    )
    return (await session.exec(query)).first()


async def retryable_deliveries(session: AsyncSession, *, now: dt.datetime, limit: int) -> list[int]:
    """Pending deliveries that may be sent now: new ones, and retries whose wait is over."""
    query = (
        select(Delivery.id)
        .where(
            Delivery.status == "pending",
            col(Delivery.next_attempt_at).is_(None) | (col(Delivery.next_attempt_at) <= now),
        )
        .order_by(col(Delivery.created_at), col(Delivery.id))
        .limit(limit)
    )
    return [i for i in (await session.exec(query)).all() if i is not None]


async def stuck_sending(
    session: AsyncSession, *, now: dt.datetime, older_than: dt.timedelta
) -> dict[int, str | None]:
    """Deliveries `sending` for longer than `older_than`, with the worker holding each.

    A worker killed between claim and settle leaves its delivery `sending` for ever;
    one that is still alive is past its job's timeout by then. `older_than` must
    exceed the longest send (channel timeouts): a slow worker that is still alive
    would otherwise send the same message a second time.
    """
    query = select(Delivery.id, Delivery.claimed_by).where(
        Delivery.status == "sending", col(Delivery.sending_since) < now - older_than
    )
    return {i: w for i, w in (await session.exec(query)).all() if i is not None}


async def claimants(session: AsyncSession) -> set[str]:
    """The workers (`Delivery.claimed_by`) holding deliveries `sending` now."""
    query = (
        select(Delivery.claimed_by)
        .where(Delivery.status == "sending", col(Delivery.claimed_by).is_not(None))
        .distinct()
    )
    return {w for w in (await session.exec(query)).all() if w is not None}


async def claimed_by(session: AsyncSession, workers: Sequence[str]) -> list[int]:
    """The deliveries these workers hold `sending`."""
    if not workers:
        return []
    query = select(Delivery.id).where(
        Delivery.status == "sending", col(Delivery.claimed_by).in_(list(workers))
    )
    return sorted(i for i in (await session.exec(query)).all() if i is not None)


async def release_sending(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, int]:
    """Put these `sending` deliveries back to pending (their sender is gone, and did not
    send them); {delivery: attempts so far} of those this call moved."""
    if not ids:
        return {}
    async with uow:
        statement = (
            update(Delivery)
            .where(col(Delivery.id).in_(list(ids)), col(Delivery.status) == "sending")
            .values(status="pending", claimed_by=None, **error_values(Reason(INTERRUPTED)))
            .returning(col(Delivery.id), col(Delivery.attempts))
        )
        options = {"synchronize_session": False}
        moved = dict((await uow.session.exec(statement, execution_options=options)).all())
        await uow.commit()
        return moved


async def reset_stuck_sending(
    uow: UnitOfWork, *, now: dt.datetime, older_than: dt.timedelta
) -> list[int]:
    """Put deliveries `sending` for longer than `older_than` back to pending
    (`stuck_sending`, `release_sending`); the ids moved."""
    async with uow.db.session() as session:
        stuck = await stuck_sending(session, now=now, older_than=older_than)
    return sorted(await release_sending(uow, sorted(stuck)))
