"""Jobs that move notifications out: dispatch an event, start a notification, deliver.

Each job reloads its rows and lets core re-check them (consent, channel, state), so
running a job twice, late, or after Redis lost it, sends nothing twice.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from dataclasses import replace
from typing import Any

from core.db import Database
from core.delivery.dispatch import dispatch_event
from core.delivery.lifecycle import Claimed, claim_delivery, settle_delivery, start_and_claim
from core.delivery.reasons import (
    CHANNEL_NOT_CONFIGURED,
    SEND_ERROR,
    SMS_BUDGET_SPENT,
    Reason,
)
from core.metrics import DELIVERIES, DELIVERY_DELAY
from core.models import Delivery, School, utcnow
from core.reading.unsubscription import unsubscribe_link
from core.settings import Settings
from core.uow import UnitOfWork
from notifier.base import Channel, Outcome, SendResult
from notifier.render import render
from notifier.sms_budget import BudgetSpent, send_within_budget
from workers.queue import enqueue_delivery, enqueue_start
from workers.writes import writing

log = logging.getLogger(__name__)

# A school's name, time zone and SMS budget change rarely; a worker rereads them this
# often rather than on every delivery of a broadcast.
SCHOOL_CACHE_SECONDS = 60.0


class NotSent(Exception):
    """This worker refused to send (no such channel here, the SMS budget is spent)."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.code)
        self.reason = reason


async def dispatch(ctx: dict[str, Any], event_id: str) -> int:
    """Plan an outbox event's notifications; queue the ones due at once (grace window 0).

    Queued, not started here: an urgent announcement to a whole school is a thousand
    notifications, and every worker should take its share of them.
    """
    db: Database = ctx["db"]
    async with writing(ctx):
        due = await dispatch_event(UnitOfWork(db), event_id=event_id)
    for notification_id in due:
        await enqueue_start(ctx, notification_id)
    return len(due)


async def start(ctx: dict[str, Any], notification_id: int) -> str:
    """Start a due notification and send its first delivery in the same job."""
    async with writing(ctx):
        claimed = await start_and_claim(UnitOfWork(ctx["db"]), notification_id=notification_id)
    # None: held for quiet hours (the sweeper starts it when they end), cancelled,
    # or already started by another job.
    if claimed is None:
        return "nothing to do"
    return await _send_and_settle(ctx, claimed)


async def deliver(ctx: dict[str, Any], delivery_id: int) -> str:
    """Send a pending delivery: a retry, a fallback to the next channel, a swept one."""
    async with writing(ctx):
        claimed = await claim_delivery(UnitOfWork(ctx["db"]), delivery_id=delivery_id)
    if claimed is None:
        return "nothing to do"
    return await _send_and_settle(ctx, claimed)


async def _send_and_settle(ctx: dict[str, Any], claimed: Claimed) -> str:
    db: Database = ctx["db"]
    delivery_id = claimed.delivery.id or 0
    try:
        result = await _send(ctx, claimed)
        reason = Reason.provider(result.reason)  # the channel's own words
    except NotSent as refused:
        result, reason = SendResult(Outcome.permanent), refused.reason
    except Exception as error:  # a channel bug must not leave the delivery "sending"
        log.exception("delivery %s: channel raised", delivery_id)
        # No retry_after: the backoff table of core.delivery.lifecycle decides.
        result = SendResult(Outcome.retry)
        reason = Reason(SEND_ERROR, {"error": type(error).__name__})
    async with writing(ctx):
        settled = await settle_delivery(
            UnitOfWork(db),
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
    _count(claimed, result.outcome)
    log.info("delivery %s via %s: %s", delivery_id, claimed.delivery.channel, result.outcome.value)
    return result.outcome.value


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
        bots={"telegram": settings.telegram_bot_username, "max": settings.max_bot_username},
    )
    message = replace(
        rendered, address=delivery.address, idempotency_key=delivery_key(ctx, delivery)
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
