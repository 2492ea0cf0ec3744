"""Jobs that move notifications out: dispatch an event, start a notification, deliver.

Each job reloads its rows and lets core re-check them (consent, channel, state), so
running a job twice, late, or after Redis lost it, sends nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.db import Database
from core.delivery.dispatch import dispatch_event
from core.delivery.lifecycle import Claimed, claim_delivery, settle_delivery, start_notification
from core.models import School
from core.policy import policy_of
from core.uow import UnitOfWork
from notifier.base import SendResult
from notifier.render import render
from notifier.sms import reserve_sms_budget
from notifier.sms_segments import count_segments
from workers.queue import enqueue_delivery

log = logging.getLogger(__name__)


async def dispatch(ctx: dict[str, Any], event_id: str) -> int:
    """Plan an outbox event's notifications; start the ones due at once (grace window 0)."""
    db: Database = ctx["db"]
    due = await dispatch_event(UnitOfWork(db), event_id=event_id)
    for notification_id in due:
        await start(ctx, notification_id)
    return len(due)


async def start(ctx: dict[str, Any], notification_id: int) -> int | None:
    delivery_id = await start_notification(UnitOfWork(ctx["db"]), notification_id=notification_id)
    # None: held for quiet hours (the sweeper starts it when they end), cancelled,
    # or already started by another job.
    if delivery_id is not None:
        await enqueue_delivery(ctx, delivery_id, attempts=0)
    return delivery_id


async def deliver(ctx: dict[str, Any], delivery_id: int) -> str:
    db: Database = ctx["db"]
    claimed = await claim_delivery(UnitOfWork(db), delivery_id=delivery_id)
    if claimed is None:
        return "nothing to do"
    try:
        result = await _send(ctx, claimed)
    except Exception as error:  # a channel bug must not leave the delivery "sending"
        log.exception("delivery %s: channel raised", delivery_id)
        result = SendResult.later(f"ошибка отправки: {type(error).__name__}", 60)
    settled = await settle_delivery(
        UnitOfWork(db),
        delivery_id=delivery_id,
        outcome=result.outcome.value,
        provider_id=result.provider_id,
        retry_after=result.retry_after,
        reason=result.reason,
        address_dead=result.address_dead,
        parts=result.parts,
    )
    if settled.retry_at is not None:
        await enqueue_delivery(ctx, delivery_id, claimed.delivery.attempts, at=settled.retry_at)
    if settled.fallback is not None:
        await enqueue_delivery(ctx, settled.fallback, attempts=0)
    log.info("delivery %s via %s: %s", delivery_id, claimed.delivery.channel, result.outcome.value)
    return result.outcome.value


async def _school(ctx: dict[str, Any], school_id: int) -> School:
    cache: dict[int, School] = ctx.setdefault("schools", {})
    if school_id not in cache:
        async with ctx["db"].session() as session:
            school = await session.get(School, school_id)
        assert school is not None
        cache[school_id] = school
    return cache[school_id]


async def _send(ctx: dict[str, Any], claimed: Claimed) -> SendResult:
    delivery = claimed.delivery
    channel = ctx["channels"].get(delivery.channel)
    if channel is None:
        return SendResult.failed(f"канал {delivery.channel} не настроен на сервере")
    school = await _school(ctx, delivery.school_id)
    message = replace(
        render(claimed.composition, delivery.channel, school_name=school.name),
        address=delivery.address,
        idempotency_key=f"zvonok-delivery-{delivery.id}",
    )
    if delivery.channel == "sms":
        segments = count_segments(message.text).segments
        allowed = await reserve_sms_budget(
            ctx["redis"],
            delivery.school_id,
            segments,
            policy_of(school).sms_daily_budget,
            datetime.now(UTC).astimezone(ZoneInfo(school.timezone)).date(),
        )
        if not allowed:
            return SendResult.failed("дневной лимит SMS школы исчерпан")
    result: SendResult = await channel.send(message)
    return result
