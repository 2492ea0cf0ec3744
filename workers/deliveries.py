"""Jobs that move notifications out: dispatch an event, start a notification, deliver.

Each job reloads its rows and lets core re-check them (consent, channel, state), so
running a job twice, late, or after Redis lost it, sends nothing twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import logging
import time
from dataclasses import replace
from typing import Any

from core.db import Database
from core.delivery.dispatch import GUARDIANS_AT_ONCE, dispatch_events
from core.delivery.lifecycle import (
    Claimed,
    Sent,
    claim_delivery,
    settle_delivery,
    settle_sent,
    start_and_claim,
    start_batch,
)
from core.delivery.reasons import (
    CHANNEL_NOT_CONFIGURED,
    SEND_ERROR,
    SMS_BUDGET_SPENT,
    Reason,
)
from core.delivery.sweep import next_due_at
from core.metrics import DELIVERIES, DELIVERY_DELAY
from core.models import Delivery, School, utcnow
from core.reading.unsubscription import unsubscribe_link
from core.settings import Settings
from core.uow import UnitOfWork
from notifier.base import Channel, Outcome, SendResult
from notifier.render import render
from notifier.sms_budget import BudgetSpent, send_within_budget
from workers.liveness import mark_sent
from workers.memory import release_free_memory
from workers.queue import enqueue_delivery, enqueue_send_due

log = logging.getLogger(__name__)

# A school's name, time zone and SMS budget change rarely; a worker rereads them this
# often rather than on every delivery of a broadcast.
SCHOOL_CACHE_SECONDS = 60.0
# Batches a worker holds claimed at once: one being sent while the next is started.
BATCHES_IN_FLIGHT = 2
# Sends of one batch under way at once (each channel paces them by its own limits).
# Each is a message that a worker killed at that instant may have sent unrecorded.
SENDS_AT_ONCE = 16
# The grid the wake-ups at a due moment are rounded up to (see wake_at).
WAKE_STEP_SECONDS = 0.05


class NotSent(Exception):
    """This worker refused to send (no such channel here, the SMS budget is spent)."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.code)
        self.reason = reason


async def dispatch(ctx: dict[str, Any], event_id: str) -> int:
    """Plan an outbox event's notifications (one the sweeper found lost)."""
    return await dispatch_many(ctx, [event_id])


async def dispatch_many(ctx: dict[str, Any], event_ids: list[str]) -> int:
    """Plan outbox events' notifications, in one transaction; queue batches for the ones
    due at once (grace window 0), and a wake-up for the first one due later.

    Queued, not started here: an urgent announcement to a whole school is a thousand
    notifications, and every worker should take its share of them.
    """
    db: Database = ctx["db"]
    planned = await dispatch_events(UnitOfWork(db), event_ids=event_ids)
    if len(planned.due) >= GUARDIANS_AT_ONCE:
        release_free_memory()  # a broadcast's guardians, rows and statements
    await enqueue_batches(ctx, len(planned.due), key=f"event:{event_ids[0]}")
    if planned.next_due is not None:
        await wake_at(ctx, planned.next_due)
    return len(planned.due)


def _batch_size(ctx: dict[str, Any]) -> int:
    settings: Settings = ctx["settings"]
    return settings.worker_batch


async def enqueue_batches(ctx: dict[str, Any], due: int, *, key: str) -> int:
    """Queue enough `send_due` jobs for `due` notifications due now, so that every
    worker takes a share; each job id is made of `key` (the event, the sweep)."""
    jobs = -(-due // _batch_size(ctx))
    return sum([await enqueue_send_due(ctx, job_id=f"{key}:{n}") for n in range(jobs)])


async def wake_at_next_due(ctx: dict[str, Any]) -> None:
    """A `send_due` job at the moment the next open notification falls due (the end
    of a grace window, of quiet hours, a digest time), so it leaves then and not at
    the next sweep. One job a moment: its id is the moment, to the millisecond."""
    async with ctx["db"].session() as session:
        at = await next_due_at(session, after=utcnow())
    if at is not None:
        await wake_at(ctx, at)


async def wake_at(ctx: dict[str, Any], at: dt.datetime) -> None:
    """A `send_due` job at `at`, rounded up to WAKE_STEP_SECONDS: the notifications of
    a burst of marks (a teacher's whole class) fall due within a moment of each other,
    and one job for each such moment is enough."""
    step = int(WAKE_STEP_SECONDS * 1000)
    moment = -(-int(at.timestamp() * 1000) // step) * step
    when = dt.datetime.fromtimestamp(moment / 1000, dt.UTC)
    await enqueue_send_due(ctx, job_id=f"at:{moment}", at=when)


async def send_due(ctx: dict[str, Any]) -> str:
    """Start, send and record one batch of due notifications (the longest due first).

    A worker has at most BATCHES_IN_FLIGHT batches claimed at a time; a job waits for
    its turn before claiming anything. Sending runs shielded from the job's timeout:
    once claimed, a batch is sent and recorded to its end. A full batch queues another
    job, so a backlog keeps every worker busy until it is gone.
    """
    # Shared by the worker's jobs (workers.main.startup); a job run alone has its own.
    turns: asyncio.Semaphore = ctx.setdefault("batch_turns", asyncio.Semaphore(BATCHES_IN_FLIGHT))
    await turns.acquire()
    try:
        task = asyncio.create_task(_send_batch(ctx))
    except BaseException:
        turns.release()
        raise
    # The turn is the batch's, not the job's: a job that times out while its batch is
    # still sending leaves, and the batch keeps its turn until it ends.
    task.add_done_callback(lambda _: turns.release())
    batches: set[asyncio.Task[str]] = ctx.setdefault("batches", set())
    batches.add(task)
    task.add_done_callback(batches.discard)
    return await asyncio.shield(task)


async def _send_batch(ctx: dict[str, Any]) -> str:
    limit = _batch_size(ctx)
    started = await start_batch(UnitOfWork(ctx["db"]), limit=limit, worker=ctx.get("worker_id"))
    if started.looked_at == limit:
        await enqueue_send_due(ctx, job_id=f"more:{time.time():.6f}")
    else:
        await wake_at_next_due(ctx)  # those held just now (quiet hours) included
    slots = asyncio.Semaphore(SENDS_AT_ONCE)

    async def attempt(claimed: Claimed) -> tuple[Claimed, SendResult, Reason | None]:
        async with slots:
            return await _attempt(ctx, claimed)

    attempts = await asyncio.gather(*(attempt(c) for c in started.claimed))
    sent = [
        Sent(c.delivery.id or 0, result.provider_id, result.parts)
        for c, result, _ in attempts
        if result.outcome is Outcome.sent
    ]
    await settle_sent(UnitOfWork(ctx["db"]), sent)
    for claimed, result, reason in attempts:
        if result.outcome is not Outcome.sent:
            await _settle(ctx, claimed, result, reason)
        _count(claimed, result.outcome)
    log.info("batch: %d started, %d sent", len(started.claimed), len(sent))
    release_free_memory()  # the batch's rows and compositions: 0.03 ms, ~2 MB a broadcast
    return f"{len(sent)} of {len(started.claimed)} sent"


async def stop_batches(ctx: dict[str, Any], within: float = 5.0) -> None:
    """At shutdown: let the batches being sent finish for a moment, then stop them
    (what they claimed and did not send is handed over by `stop_liveness`)."""
    batches: set[asyncio.Task[str]] = ctx.get("batches", set())
    if not batches:
        return
    _, late = await asyncio.wait(set(batches), timeout=within)
    for task in late:
        task.cancel()
    await asyncio.gather(*late, return_exceptions=True)


async def start(ctx: dict[str, Any], notification_id: int) -> str:
    """Start one due notification and send its first delivery (jobs queued by a worker
    of an earlier version; notifications now leave in batches: `send_due`)."""
    claimed = await start_and_claim(
        UnitOfWork(ctx["db"]), notification_id=notification_id, worker=ctx.get("worker_id")
    )
    # None: held for quiet hours (the sweeper starts it when they end), cancelled,
    # or already started by another job.
    if claimed is None:
        return "nothing to do"
    return await _send_and_settle(ctx, claimed)


async def deliver(ctx: dict[str, Any], delivery_id: int) -> str:
    """Send a pending delivery: a retry, a fallback to the next channel, a swept one."""
    claimed = await claim_delivery(
        UnitOfWork(ctx["db"]), delivery_id=delivery_id, worker=ctx.get("worker_id")
    )
    if claimed is None:
        return "nothing to do"
    return await _send_and_settle(ctx, claimed)


async def _attempt(
    ctx: dict[str, Any], claimed: Claimed
) -> tuple[Claimed, SendResult, Reason | None]:
    """Send a claimed delivery; the result, and why it was not sent (None: the channel's
    own words). A message the channel accepted is marked sent in Redis at once."""
    delivery_id = claimed.delivery.id or 0
    try:
        result = await _send(ctx, claimed)
        reason = Reason.provider(result.reason)  # the channel's own words
    except NotSent as refused:
        return claimed, SendResult(Outcome.permanent), refused.reason
    except Exception as error:  # a channel bug must not leave the delivery "sending"
        log.exception("delivery %s: channel raised", delivery_id)
        # No retry_after: the backoff table of core.delivery.lifecycle decides.
        return (
            claimed,
            SendResult(Outcome.retry),
            Reason(SEND_ERROR, {"error": type(error).__name__}),
        )
    if result.outcome is Outcome.sent:
        await mark_sent(ctx, delivery_id, result)
    return claimed, result, reason


async def _send_and_settle(ctx: dict[str, Any], claimed: Claimed) -> str:
    claimed, result, reason = await _attempt(ctx, claimed)
    await _settle(ctx, claimed, result, reason)
    _count(claimed, result.outcome)
    return result.outcome.value


async def _settle(
    ctx: dict[str, Any], claimed: Claimed, result: SendResult, reason: Reason | None
) -> None:
    delivery_id = claimed.delivery.id or 0
    settled = await settle_delivery(
        UnitOfWork(ctx["db"]),
        delivery_id=delivery_id,
        outcome=result.outcome.value,
        provider_id=result.provider_id,
        retry_after=result.retry_after,
        reason=reason,
        address_dead=result.address_dead,
        parts=result.parts,
    )
    if settled.retry_at is not None:
        await enqueue_delivery(ctx, delivery_id, claimed.delivery.attempts, at=settled.retry_at)
    if settled.fallback is not None:
        await enqueue_delivery(ctx, settled.fallback, attempts=0)
    log.info("delivery %s via %s: %s", delivery_id, claimed.delivery.channel, result.outcome.value)


def _count(claimed: Claimed, outcome: Outcome) -> None:
    channel = claimed.delivery.channel
    DELIVERIES.labels(channel, outcome.value).inc()
    if outcome is Outcome.sent:
        DELIVERY_DELAY.labels(channel).observe((utcnow() - claimed.due_at).total_seconds())


async def _school(ctx: dict[str, Any], school_id: int) -> School:
    cache: dict[int, tuple[School, float]] = ctx.setdefault("schools", {})
    cached = cache.get(school_id)
    if cached is not None and time.monotonic() - cached[1] < SCHOOL_CACHE_SECONDS:
        return cached[0]
    db: Database = ctx["db"]
    async with db.session() as session:
        school = await session.get(School, school_id)
    assert school is not None
    cache[school_id] = (school, time.monotonic())
    return school


async def _send(ctx: dict[str, Any], claimed: Claimed) -> SendResult:
    delivery = claimed.delivery
    channel: Channel | None = ctx["channels"].get(delivery.channel)
    if channel is None:
        raise NotSent(Reason(CHANNEL_NOT_CONFIGURED, {"channel": delivery.channel}))
    school = await _school(ctx, delivery.school_id)
    settings: Settings = ctx["settings"]
    # A notice about Zvonok itself carries no kind of message an email could switch off.
    email = delivery.channel == "email" and claimed.composition.topics
    unsubscribe_url = _unsubscribe_url(ctx, claimed) if email else None
    rendered = render(
        claimed.composition,
        delivery.channel,
        school_name=school.name,
        unsubscribe_url=unsubscribe_url,
        bots={m: settings.bot_username(m, delivery.school_id) for m in ("telegram", "max")},
    )
    message = replace(
        rendered,
        address=delivery.address,
        idempotency_key=delivery_key(ctx, delivery),
        urgent=claimed.composition.urgent,
    )
    if delivery.channel != "sms":
        return await channel.send(message)
    try:
        return await send_within_budget(ctx["redis"], channel, message, school)
    except BudgetSpent:
        raise NotSent(Reason(SMS_BUDGET_SPENT)) from None


def delivery_key(ctx: dict[str, Any], delivery: Delivery) -> str:
    """The delivery's id for providers (an email's Message-ID, SMSC's message id).

    The same on every retry of the delivery, and globally unique: besides the row's
    id, which every installation counts from 1, an HMAC with this installation's
    secret key over the id and the row's creation instant (two installations with the
    development key still differ by the microsecond). Mailbox providers hide messages
    that share a Message-ID as duplicates.
    """
    settings: Settings = ctx["settings"]
    secret = settings.secret_key.get_secret_value().encode()
    made = f"{delivery.id}:{delivery.created_at.isoformat()}".encode()
    unique = hmac.new(secret, made, hashlib.sha256).hexdigest()[:20]
    return f"zvonok-delivery-{delivery.id}-{unique}"


def _unsubscribe_url(ctx: dict[str, Any], claimed: Claimed) -> str:
    """The one-click link of this email (RFC 8058): the kinds of message it carries,
    switched off for email for its guardian (webapp/unsubscribe.py answers it)."""
    settings: Settings = ctx["settings"]
    link = unsubscribe_link(
        settings.secret_key.get_secret_value(),
        guardian_id=claimed.delivery.guardian_id,
        topics=claimed.composition.topics,
        email=claimed.delivery.address,
    )
    return settings.public_url_resolved + link.path
