"""A staff message's way out: route → claim → settle, each a guarded state change.

open ──due──> route: the school's quiet hours or holidays, or (a teacher's reminders)
              less than an hour since the last one → still open, due later; else the
              channel: the linked chat in a messenger the school offers (Telegram,
              then MAX), else the email address → pending; neither → failed
pending ────> claim (attempts + 1, sending_since) → sending; a messenger the school
              no longer offers (or a chat unlinked since) → the channel of now
              instead (the other messenger, else email), or failed with that reason
sending ────> settle: sent | pending again with next_attempt_at (retry) |
              pending on email after the messenger refused for good | failed
              | cancelled when nothing was left to say at send time

Every step is a conditional UPDATE on the expected status, so a repeated job does
nothing; the sweeper puts a message a killed worker left `sending` back to pending.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.control.reminders import REMINDER_SPACING, held_until
from core.delivery.holds import clock, quiet_hold
from core.delivery.lifecycle import BACKOFF_SECONDS
from core.delivery.reasons import (
    CHANNEL_DROPPED,
    GAVE_UP,
    HOLIDAYS,
    INTERRUPTED,
    MESSENGER_NOT_OFFERED,
    NOTHING_LEFT,
    SPACING,
    STAFF_NO_CHANNEL,
    Reason,
)
from core.messengers import CHAT_FIELDS, chats_of, linked
from core.models import Holiday, Messenger, School, Staff, StaffMessage, StaffMessageKind
from core.policy import policy_of
from core.uow import UnitOfWork


async def _move(uow: UnitOfWork, message_id: int, frm: str, to: str, **values: object) -> bool:
    statement = (
        update(StaffMessage)
        .where(col(StaffMessage.id) == message_id, col(StaffMessage.status) == frm)
        .values(status=to, **values)
    )
    return (await uow.session.exec(statement)).rowcount == 1


def _why(reason: Reason | None) -> dict[str, object]:
    return {
        "reason": reason.code if reason else None,
        "reason_params": reason.params if reason else None,
    }


async def route_staff_message(uow: UnitOfWork, *, message_id: int) -> bool:
    """Hold a due open message, or choose its channel (open → pending). True: to send."""
    async with uow:
        now = uow.now()
        message = await uow.session.get(StaffMessage, message_id)
        if message is None or message.status != "open" or message.due_at > now:
            return False
        staff = await uow.session.get(Staff, message.staff_id)
        school = await uow.session.get(School, message.school_id)
        assert staff is not None and school is not None
        hold = await _hold(uow, message, school, now)
        if hold is not None:
            until, reason = hold
            await _move(uow, message_id, "open", "open", due_at=until, **_why(reason))
            await uow.commit()
            return False
        contact = _contact(staff, school)
        if contact is None:
            closed = {"closed_at": now, **_why(Reason(STAFF_NO_CHANNEL))}
            await _move(uow, message_id, "open", "failed", **closed)
            await uow.commit()
            return False
        channel, address = contact
        moved = await _move(
            uow, message_id, "open", "pending", channel=channel, address=address, **_why(None)
        )
        await uow.commit()
        return moved


def _contact(staff: Staff, school: School) -> tuple[str, str] | None:
    """Where a staff message goes: the first linked chat in a messenger the school
    offers (Telegram, then MAX), else the email address; None for a locked account."""
    if staff.locked_at is not None:
        return None
    offered = policy_of(school).messengers
    chat = next((c for c in chats_of(staff) if c.messenger.value in offered), None)
    if chat is not None:
        return chat.channel.value, chat.address
    return ("email", staff.email) if staff.email else None


async def _hold(
    uow: UnitOfWork, message: StaffMessage, school: School, now: dt.datetime
) -> tuple[dt.datetime, Reason] | None:
    zone = ZoneInfo(school.timezone)
    holidays = (await uow.session.exec(select(Holiday).where(Holiday.school_id == school.id))).all()
    if message.kind == StaffMessageKind.alert:
        # An administrators' alert (a broken audit chain, no backup) must not wait for
        # the end of the winter holidays: only the night holds it.
        holidays = []
    until = held_until(now, zone, policy_of(school), holidays)
    if until is not None:
        local_day = now.astimezone(zone).date()
        if any(h.starts_on <= local_day <= h.ends_on for h in holidays):
            return until, Reason(HOLIDAYS, {"until": until.astimezone(zone).date().isoformat()})
        return until, quiet_hold(until, school.timezone)
    if message.kind == StaffMessageKind.reminders:
        last = (
            await uow.session.exec(
                select(StaffMessage.sent_at)
                .where(
                    StaffMessage.staff_id == message.staff_id,
                    StaffMessage.kind == message.kind,
                    col(StaffMessage.sent_at).is_not(None),
                )
                .order_by(col(StaffMessage.sent_at).desc())
                .limit(1)
            )
        ).first()
        if last is not None and last + REMINDER_SPACING > now:
            nxt = last + REMINDER_SPACING
            return nxt, Reason(SPACING, {"until": clock(nxt, school.timezone)})
    return None


def _chat_dropped(message: StaffMessage, staff: Staff, school: School) -> Reason | None:
    """Why the messenger chat a message was routed to is no longer the way to its
    reader: the school stopped offering the messenger, or the chat was unlinked since.
    None when it still is (or the message goes by email)."""
    if message.channel not in CHAT_FIELDS:
        return None
    if message.channel not in policy_of(school).messengers:
        return Reason(MESSENGER_NOT_OFFERED, {"channel": message.channel})
    chat = linked(staff, Messenger(message.channel))
    return Reason(CHANNEL_DROPPED) if chat is None or chat.address != message.address else None


async def claim_staff_message(uow: UnitOfWork, *, message_id: int) -> StaffMessage | None:
    """Take a pending message whose time has come for sending (pending → sending).

    Routed minutes or hours ago, it is re-checked as families' deliveries are: a
    message waiting for a messenger the school no longer offers (or a chat unlinked
    since) goes by the reader's channel of now, the other messenger or email, with
    the reason kept until it is sent; with none left it has failed, for that reason.
    """
    async with uow:
        now = uow.now()
        message = await uow.session.get(StaffMessage, message_id)
        if message is None or message.status != "pending":
            return None
        if message.next_attempt_at is not None and message.next_attempt_at > now:
            return None
        values: dict[str, object] = {"sending_since": now, "attempts": message.attempts + 1}
        staff = await uow.session.get(Staff, message.staff_id)
        school = await uow.session.get(School, message.school_id)
        assert staff is not None and school is not None
        dropped = _chat_dropped(message, staff, school)
        if dropped is not None:
            contact = _contact(staff, school)
            if contact is None:
                await _move(uow, message_id, "pending", "failed", closed_at=now, **_why(dropped))
                await uow.commit()
                return None
            values |= {"channel": contact[0], "address": contact[1], **_why(dropped)}
        if not await _move(uow, message_id, "pending", "sending", **values):
            return None
        await uow.session.refresh(message)
        await uow.commit()
        return message


async def cancel_staff_message(uow: UnitOfWork, *, message_id: int) -> bool:
    """Nothing left to say at send time: every item was entered meanwhile."""
    async with uow:
        closed = {"closed_at": uow.now(), **_why(Reason(NOTHING_LEFT))}
        moved = await _move(uow, message_id, "sending", "cancelled", **closed)
        await uow.commit()
        return moved


async def settle_staff_message(
    uow: UnitOfWork,
    *,
    message_id: int,
    outcome: str,
    provider_id: str | None = None,
    retry_after: float | None = None,
    reason: Reason | None = None,
) -> dt.datetime | None:
    """Record a send's outcome (sent | retry | permanent); when to send again, or None."""
    async with uow:
        now = uow.now()
        message = await uow.session.get(StaffMessage, message_id)
        if message is None or message.status != "sending":
            return None  # settled already: the job ran twice
        again: dt.datetime | None = None
        if outcome == "sent":
            done = {"sent_at": now, "closed_at": now, "provider_id": provider_id}
            await _move(uow, message_id, "sending", "sent", **done, **_why(None))
        elif outcome == "retry" and message.attempts <= len(BACKOFF_SECONDS):
            wait = retry_after if retry_after is not None else BACKOFF_SECONDS[message.attempts - 1]
            again = now + dt.timedelta(seconds=wait)
            await _move(
                uow, message_id, "sending", "pending", next_attempt_at=again, **_why(reason)
            )
        else:
            if outcome == "retry":
                last = reason.to_json() if reason else None
                reason = Reason(GAVE_UP, {"attempts": message.attempts, "last": last})
            again = await _fail_or_email(uow, message, reason, now)
        await uow.commit()
        return again


async def _fail_or_email(
    uow: UnitOfWork, message: StaffMessage, reason: Reason | None, now: dt.datetime
) -> dt.datetime | None:
    """A messenger refused for good (the bot blocked, the chat gone): the email address,
    if any, takes over; otherwise the message has failed."""
    staff = await uow.session.get(Staff, message.staff_id)
    if message.channel in CHAT_FIELDS and staff is not None and staff.email:
        values = {
            "channel": "email",
            "address": staff.email,
            "attempts": 0,
            "next_attempt_at": None,
        }
        await _move(uow, message.id or 0, "sending", "pending", **values, **_why(reason))
        return now
    await _move(uow, message.id or 0, "sending", "failed", closed_at=now, **_why(reason))
    return None


# What the sweeper looks for (the database, not Redis, is the source of truth).


async def due_staff_messages(session: AsyncSession, *, now: dt.datetime, limit: int) -> list[int]:
    query = (
        select(StaffMessage.id)
        .where(StaffMessage.status == "open", col(StaffMessage.due_at) <= now)
        .order_by(col(StaffMessage.due_at), col(StaffMessage.id))
        .limit(limit)
    )
    return [i for i in (await session.exec(query)).all() if i is not None]


async def ready_staff_messages(
    session: AsyncSession, *, now: dt.datetime, limit: int
) -> dict[int, int]:
    """Pending messages that may be sent now: {id: attempts so far}."""
    query = (
        select(StaffMessage.id, StaffMessage.attempts)
        .where(
            StaffMessage.status == "pending",
            col(StaffMessage.next_attempt_at).is_(None)
            | (col(StaffMessage.next_attempt_at) <= now),
        )
        .order_by(col(StaffMessage.id))
        .limit(limit)
    )
    return {i: a for i, a in (await session.exec(query)).all() if i is not None}


async def reset_stuck_staff_sending(
    uow: UnitOfWork, *, now: dt.datetime, older_than: dt.timedelta
) -> list[int]:
    """Messages `sending` longer than `older_than` (a killed worker's) back to pending."""
    async with uow:
        stuck = select(StaffMessage.id).where(
            StaffMessage.status == "sending", col(StaffMessage.sending_since) < now - older_than
        )
        ids = sorted(i for i in (await uow.session.exec(stuck)).all() if i is not None)
        if ids:
            await uow.session.exec(
                update(StaffMessage)
                .where(col(StaffMessage.id).in_(ids), col(StaffMessage.status) == "sending")
                .values(status="pending", **_why(Reason(INTERRUPTED)))
            )
        await uow.commit()
        return ids
