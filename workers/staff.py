"""Staff messages through the delivery machinery: the planner, the sweeper, the jobs.

The planner (every ZVONOK_WORKER_REMINDER_SECONDS) records the reminders owed in every
school (core.delivery.staff_plan); the staff sweeper (with the family sweeper's
rhythm) queues the messages whose time has come and the pending ones, and returns
those a killed worker left `sending`. A job reloads its row and moves it only by a
guarded state change, so running one twice, late, or after Redis lost it, sends
nothing twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from dataclasses import replace
from typing import Any

from core.calendar import school_today
from core.db import Database
from core.delivery.reasons import CHANNEL_NOT_CONFIGURED, SEND_ERROR, Reason
from core.delivery.staff_compose import StaffComposition, compose_staff_message
from core.delivery.staff_lifecycle import (
    cancel_staff_message,
    claim_staff_message,
    due_staff_messages,
    ready_staff_messages,
    reset_stuck_staff_sending,
    route_staff_message,
    settle_staff_message,
)
from core.delivery.staff_plan import plan_staff_messages
from core.models import School, StaffMessage, utcnow
from core.settings import Settings
from core.uow import UnitOfWork
from notifier.base import Channel, Outcome, SendResult
from notifier.staff_render import render_staff
from workers.queue import enqueue, not_queued

log = logging.getLogger(__name__)


async def plan_reminders(ctx: dict[str, Any]) -> int:
    """Record the reminders owed now and within the next planning interval."""
    settings: Settings = ctx["settings"]
    horizon = dt.timedelta(seconds=settings.worker_reminder_seconds)
    planned = await plan_staff_messages(ctx["db"], now=utcnow(), horizon=horizon)
    if planned:
        log.info("reminders planned: %s", planned)
    return planned


def start_job_id(message_id: int) -> str:
    return f"staff-start:{message_id}"


def send_job_id(message_id: int, attempts: int) -> str:
    return f"staff-send:{message_id}:{attempts}"


async def enqueue_staff_send(
    ctx: dict[str, Any], message_id: int, attempts: int, at: dt.datetime | None = None
) -> bool:
    job = send_job_id(message_id, attempts)
    return await enqueue(ctx, "staff_send", message_id, job_id=job, at=at)


async def sweep_staff(ctx: dict[str, Any]) -> dict[str, int]:
    """Queue due open messages and sendable pending ones that arq holds no job for."""
    db: Database = ctx["db"]
    settings: Settings = ctx["settings"]
    now = utcnow()
    stuck_after = dt.timedelta(seconds=settings.worker_stuck_sending_seconds)
    stuck = await reset_stuck_staff_sending(UnitOfWork(db), now=now, older_than=stuck_after)
    async with db.session() as session:
        due = await due_staff_messages(session, now=now, limit=1000)
        ready = await ready_staff_messages(session, now=now, limit=1000)
    starts = {start_job_id(m): m for m in due}
    sends = {send_job_id(m, a): (m, a) for m, a in ready.items()}
    queued = 0
    for job_id in sorted(await not_queued(ctx, list(starts))):
        queued += await enqueue(ctx, "staff_start", starts[job_id], job_id=job_id)
    for job_id in sorted(await not_queued(ctx, list(sends))):
        queued += await enqueue_staff_send(ctx, *sends[job_id])
    if stuck:
        log.warning("staff messages back from a dropped send: %s", stuck)
    return {"stuck": len(stuck), "due": len(due), "ready": len(ready), "queued": queued}


async def staff_start(ctx: dict[str, Any], message_id: int) -> str:
    """A due open message: held (quiet hours, holidays, an hour since the last), or routed
    to its channel and sent in the same job."""
    routed = await route_staff_message(UnitOfWork(ctx["db"]), message_id=message_id)
    if not routed:
        return "nothing to do"
    return await staff_send(ctx, message_id)


async def staff_send(ctx: dict[str, Any], message_id: int) -> str:
    """Claim a pending message, compose it from the journal as it is now, send, settle."""
    db: Database = ctx["db"]
    message = await claim_staff_message(UnitOfWork(db), message_id=message_id)
    if message is None:
        return "nothing to do"
    now = utcnow()
    composition = await compose_staff_message(db, message_id=message_id, now=now)
    if composition is None:
        await cancel_staff_message(UnitOfWork(db), message_id=message_id)
        return "nothing left"
    try:
        result = await _send(ctx, message, composition, now)
        reason = Reason.provider(result.reason)
    except Exception as error:  # a channel bug must not leave the message "sending"
        log.exception("staff message %s: channel raised", message_id)
        result = SendResult(Outcome.retry)
        reason = Reason(SEND_ERROR, {"error": type(error).__name__})
    again = await settle_staff_message(
        UnitOfWork(db),
        message_id=message_id,
        outcome=result.outcome.value,
        provider_id=result.provider_id,
        retry_after=result.retry_after,
        reason=reason,
    )
    if again is not None:
        async with db.session() as session:
            row = await session.get(StaffMessage, message_id)
        if row is not None and row.status == "pending":
            await enqueue_staff_send(ctx, message_id, row.attempts, at=again)
    log.info("staff message %s via %s: %s", message_id, message.channel, result.outcome.value)
    return result.outcome.value


async def _send(
    ctx: dict[str, Any], message: StaffMessage, composition: StaffComposition, now: dt.datetime
) -> SendResult:
    channel: Channel | None = ctx["channels"].get(message.channel or "")
    if channel is None:
        return SendResult.failed(CHANNEL_NOT_CONFIGURED)
    async with ctx["db"].session() as session:
        school = await session.get(School, message.school_id)
    assert school is not None
    rendered = render_staff(composition, message.channel or "", today=school_today(school, now))
    return await channel.send(
        replace(rendered, address=message.address or "", idempotency_key=staff_key(ctx, message))
    )


def staff_key(ctx: dict[str, Any], message: StaffMessage) -> str:
    """The message's id for providers (an email's Message-ID): the same on every retry,
    unique across installations (an HMAC with the secret key, as for deliveries)."""
    settings: Settings = ctx["settings"]
    secret = settings.secret_key.get_secret_value().encode()
    made = f"staff:{message.id}:{message.created_at.isoformat()}".encode()
    unique = hmac.new(secret, made, hashlib.sha256).hexdigest()[:20]
    return f"zvonok-staff-{message.id}-{unique}"
