"""A notification's way out: start → claim → settle, each a guarded state change.

Every step is safe to run twice: it changes state only with a conditional UPDATE
(`WHERE status = ...`, see `transitions`), so a repeated job finds nothing to do.
Statuses: notification open → sending → sent | failed | cancelled;
delivery pending → sending → sent | failed | cancelled (pending again to retry).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import col, select

from core.delivery.compose import Composition, compose
from core.delivery.holds import awaits_first, quiet_hold
from core.delivery.notices import with_join_code
from core.delivery.prefetch import Prefetched
from core.delivery.reasons import (
    CHANNEL_DROPPED,
    CONSENT_WITHDRAWN,
    GAVE_UP,
    MESSENGER_NOT_OFFERED,
    NO_CHANNEL,
    NOTHING_LEFT,
    SWITCHED_OFF,
    UNDELIVERED,
    Reason,
)
from core.delivery.routing import live_channels, mode_for, quiet_ends_at, quiet_window
from core.delivery.transitions import (
    close,
    error_values,
    guardian_context,
    insert_new,
    new_delivery,
    note_topics,
    record_dead_contact,
    transition,
    transition_many,
)
from core.models import (
    ChannelName,
    Delivery,
    GuardianSettings,
    Mode,
    Notification,
    School,
    Topic,
)
from core.policy import policy_of
from core.uow import UnitOfWork

# Retry delays when a channel gives none (SMTP down, gateway 5xx): 5 s growing to
# 30 min, about 3 hours in all before a delivery is given up on. Each entry is one
# retry: a delivery is tried len(BACKOFF_SECONDS) + 1 times.
BACKOFF_SECONDS = (5, 15, 45, 120, 300, 600, 1200, 1800, 1800, 1800, 1800, 1800)
# How often a correction waiting for the message it corrects looks again.
IN_FLIGHT_HOLD_SECONDS = 60
OUTCOMES = ("sent", "retry", "permanent")


@dataclass(frozen=True)
class Claimed:
    """A delivery now `sending`, with the content to render for it, and the moment its
    notification was due (the delay to the send is measured from it)."""

    delivery: Delivery
    composition: Composition
    due_at: dt.datetime


@dataclass(frozen=True)
class Started:
    """What a batch start did: the deliveries claimed for sending, and how many due
    notifications it looked at (all of them when fewer than asked for: none is left)."""

    claimed: list[Claimed]
    looked_at: int


async def start_notification(uow: UnitOfWork, *, notification_id: int) -> int | None:
    """Hand a due notification to its first live channel; the delivery id to send, or None.

    Re-checks consent (withdrawn stops everything at once), holds non-urgent messages
    during quiet hours, and cancels a notification with nothing left to say.
    """
    started = await start_batch(uow, ids=[notification_id], claim=False)
    return started.claimed[0].delivery.id if started.claimed else None


async def start_and_claim(
    uow: UnitOfWork, *, notification_id: int, worker: str | None = None
) -> Claimed | None:
    """`start_notification` and `claim_delivery` of its first delivery, in one transaction.

    What a claim re-checks (consent, the channel still wanted, something to say) was
    just checked by the start, so the worker sends at once instead of queuing a
    deliver job that would load and compose everything again. The delivery is
    `sending` from its first moment; a worker that dies before settling it leaves
    it to the sweeper, as any claimed delivery.
    """
    started = await start_batch(uow, ids=[notification_id], worker=worker)
    return started.claimed[0] if started.claimed else None


async def start_batch(
    uow: UnitOfWork,
    *,
    ids: Sequence[int] | None = None,
    limit: int = 100,
    claim: bool = True,
    worker: str | None = None,
) -> Started:
    """Start up to `limit` due notifications (of `ids`, or the longest due), in one
    transaction; with `claim`, their first deliveries are `sending`, held by `worker`.

    Each one is decided as `start_notification` decides it (consent, holds, the
    parent's switches, something left to say, a live channel); the rows they need are
    read for the whole batch at once (`core.delivery.prefetch`). On PostgreSQL the
    notifications are locked and ones another worker holds are skipped, so workers
    starting batches at once share the due work instead of racing for it.
    """
    async with uow:
        now = uow.now()
        due = (Notification.status == "open", col(Notification.due_at) <= now)
        looked_at = None
        if ids is None:
            ids, looked_at = await _spread_batch(uow, now, limit)
        query = select(Notification).where(*due, col(Notification.id).in_(list(ids)))
        query = query.order_by(col(Notification.due_at), col(Notification.id)).limit(limit)
        if not uow.db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        notes = list((await uow.session.exec(query)).all())
        if looked_at is None:
            looked_at = len(notes)
        if not notes:
            return Started([], looked_at)
        known = await Prefetched.load(uow, notes)
        ready: list[tuple[Notification, tuple[ChannelName, str], Composition]] = []
        for note in notes:
            # A batch is mostly work in Python: let the sends already under way (their
            # answers) through between one notification and the next.
            await asyncio.sleep(0)
            decided = await _decide(uow, note, known)
            if decided is not None:
                ready.append((note, *decided))
        started = await transition_many(
            uow,
            Notification,
            [n.id or 0 for n, _, _ in ready],
            "open",
            "sending",
            reason=None,
            reason_params=None,
        )
        claimed: list[Claimed] = []
        for note, channel, composition in ready:
            if note.id not in started:
                continue  # another worker started it
            delivery = new_delivery(note, *channel, now)
            if claim:
                delivery.status, delivery.sending_since, delivery.attempts = "sending", now, 1
                delivery.claimed_by = worker
                composition = await with_join_code(uow, composition)
            claimed.append(Claimed(delivery, composition, note.due_at))
        await insert_new(uow.session, Delivery, [c.delivery for c in claimed])
        await uow.commit()
        return Started(claimed, looked_at)


# A batch is picked from the `limit * BATCH_WINDOW` longest due notifications.
BATCH_WINDOW = 20


async def _spread_batch(uow: UnitOfWork, now: dt.datetime, limit: int) -> tuple[list[int], int]:
    """Up to `limit` of the longest due notifications, spread over their schools; and
    how many it looked at (at most `limit`: fewer means no more are due).

    A district's urgent message makes tens of thousands due at one moment, in the order
    the schools' announcements were dispatched; taken in that order, a batch would be
    one school's families, paced by its one bot at 30 a second, while the other schools'
    bots wait. So a batch takes at most its share from each school among the
    `limit * BATCH_WINDOW` longest due, picked at random within each school: workers
    starting batches at once then seldom reach for the same rows (those locked by another
    worker are skipped on PostgreSQL), and everything in the window is older than what
    is left outside it.
    """
    window = (
        select(Notification.id, Notification.school_id)
        .where(Notification.status == "open", col(Notification.due_at) <= now)
        .order_by(col(Notification.due_at), col(Notification.id))
        .limit(limit * BATCH_WINDOW)
    )
    rows = list((await uow.session.exec(window)).all())
    if len(rows) <= limit:
        return [row_id or 0 for row_id, _ in rows], len(rows)
    by_school: dict[int, list[int]] = {}
    for row_id, school_id in rows:
        by_school.setdefault(school_id, []).append(row_id or 0)
    share = -(-limit // len(by_school))
    picked: list[int] = []
    for members in by_school.values():
        picked += random.sample(members, min(share, len(members)))
    if len(picked) < limit:  # few schools, some with fewer than their share
        rest = list(set(row_id or 0 for row_id, _ in rows) - set(picked))
        picked += random.sample(rest, min(limit - len(picked), len(rest)))
    return picked[:limit], limit


async def _decide(
    uow: UnitOfWork, note: Notification, known: Prefetched
) -> tuple[tuple[ChannelName, str], Composition] | None:
    """Whether a due notification goes now, and on which channel with what content; if
    not, it is held (a new due time and why) or closed (cancelled or failed)."""
    guardian, settings, dead, closed = known.guardian_context(note.guardian_id)
    hold = None if not guardian.has_consent else await _hold(uow, note, settings, known)
    if hold is not None:
        # Held, never dropped; still open for more events. Why is kept for the
        # class teacher's page and `zvonok messages` (core/delivery/holds.py).
        note.due_at, reason = hold
        note.reason, note.reason_params = reason.code, reason.params
        uow.session.add(note)
        return None
    topics = known.topics(note)
    channels = live_channels(guardian, settings, dead, topics, closed=closed)
    if not guardian.has_consent:
        close(uow, note, "cancelled", Reason(CONSENT_WITHDRAWN))
    elif _switched_off(note, settings) or (
        not channels and live_channels(guardian, settings, dead, closed=closed)
    ):
        # Off by the parent's choice: the mode "never", or email switched off for
        # this kind when email is all they have.
        close(uow, note, "cancelled", Reason(SWITCHED_OFF))
    elif (composition := await compose(uow.session, note, known)) is None:
        close(uow, note, "cancelled", Reason(NOTHING_LEFT))
    elif not channels:
        close(uow, note, "failed", Reason(NO_CHANNEL))
    else:
        return channels[0], composition
    return None


def _switched_off(note: Notification, settings: GuardianSettings | None) -> bool:
    """The parent turned this kind of message off after it was planned."""
    if note.topic not in Topic.__members__:
        return False  # a mixed bundle: each of its kinds was wanted when planned
    return mode_for(settings, Topic(note.topic)) is Mode.off


async def _hold(
    uow: UnitOfWork, note: Notification, settings: GuardianSettings | None, known: Prefetched
) -> tuple[dt.datetime, Reason] | None:
    """When a due notification may go after all, and why: quiet hours, or a message
    in flight."""
    now = uow.now()
    if not note.urgent:
        school = await _school(uow, note)
        start, end = quiet_window(settings, policy_of(school))
        quiet_end = quiet_ends_at(now, school.timezone, start, end)
        if quiet_end is not None:
            return quiet_end, quiet_hold(quiet_end, school.timezone)
    if known.corrects_one_in_flight(note):
        until = now + dt.timedelta(seconds=IN_FLIGHT_HOLD_SECONDS)
        return until, awaits_first(until, (await _school(uow, note)).timezone)
    return None


async def _school(uow: UnitOfWork, note: Notification) -> School:
    school = await uow.session.get(School, note.school_id)
    assert school is not None
    return school


async def claim_delivery(
    uow: UnitOfWork, *, delivery_id: int, worker: str | None = None
) -> Claimed | None:
    """Take a pending delivery for sending (pending → sending), or None if not ours to send.

    A channel the guardian no longer wants is cancelled and the message moves to
    their next channel, as a new pending delivery the sweeper hands to a worker.
    """
    async with uow:
        now = uow.now()
        delivery = await uow.session.get(Delivery, delivery_id)
        if delivery is None or delivery.status != "pending":
            return None
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return None
        note = await uow.session.get(Notification, delivery.notification_id)
        assert note is not None
        guardian, settings, dead, closed = await guardian_context(uow, delivery.guardian_id)
        contact = (ChannelName(delivery.channel), delivery.address)
        topics = await note_topics(uow, note)
        composition = None
        if not guardian.has_consent:
            await _cancel(uow, delivery, note, Reason(CONSENT_WITHDRAWN))
        elif contact not in live_channels(guardian, settings, dead, topics, closed=closed):
            # Dropped by the parent, or a messenger the school switched off since.
            dropped = error_values(
                Reason(MESSENGER_NOT_OFFERED, {"channel": delivery.channel})
                if contact[0] in closed
                else Reason(CHANNEL_DROPPED)
            )
            if await transition(uow, Delivery, delivery_id, "pending", "cancelled", **dropped):
                await _fall_back(uow, note)
        elif (composition := await compose(uow.session, note)) is None:
            await _cancel(uow, delivery, note, Reason(NOTHING_LEFT))
        else:
            values = {"sending_since": now, "attempts": delivery.attempts + 1, "claimed_by": worker}
            if not await transition(uow, Delivery, delivery_id, "pending", "sending", **values):
                return None
            await uow.session.refresh(delivery)
            composition = await with_join_code(uow, composition)
        await uow.commit()
        return Claimed(delivery, composition, note.due_at) if composition is not None else None


async def _cancel(uow: UnitOfWork, delivery: Delivery, note: Notification, reason: Reason) -> None:
    values = error_values(reason)
    if await transition(uow, Delivery, delivery.id or 0, "pending", "cancelled", **values):
        close(uow, note, "cancelled", reason)


@dataclass(frozen=True)
class Settled:
    """What the worker does next: retry this delivery at `retry_at`, or send `fallback`."""

    retry_at: dt.datetime | None = None
    fallback: int | None = None


async def settle_delivery(
    uow: UnitOfWork,
    *,
    delivery_id: int,
    outcome: str,
    provider_id: str | None = None,
    retry_after: float | None = None,
    reason: Reason | str | None = None,
    address_dead: bool = False,
    parts: int = 1,
) -> Settled:
    """Record a send's outcome (sent | retry | permanent) and decide what follows.

    `reason` says why it was not sent: a code (core.delivery.reasons), or a channel's
    own words as text."""
    why = reason if isinstance(reason, Reason) or reason is None else Reason.provider(reason)
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown delivery outcome {outcome!r}: one of {', '.join(OUTCOMES)}")
    async with uow:
        delivery = await uow.session.get(Delivery, delivery_id)
        if delivery is None or delivery.status != "sending":
            return Settled()  # settled already: the job ran twice
        note = await uow.session.get(Notification, delivery.notification_id)
        assert note is not None
        if outcome == "sent":
            settled = await _record_sent(uow, delivery, note, provider_id, parts)
        elif outcome == "retry" and delivery.attempts <= len(BACKOFF_SECONDS):
            settled = await _schedule_retry(uow, delivery, retry_after, why)
        else:
            if outcome == "retry":
                last = why.to_json() if why else None
                why = Reason(GAVE_UP, {"attempts": delivery.attempts, "last": last})
            settled = await _record_failure(uow, delivery, note, why, address_dead)
        await uow.commit()
        return settled


@dataclass(frozen=True)
class Sent:
    """A send the channel accepted: the delivery, the provider's id, the parts used."""

    delivery_id: int
    provider_id: str | None = None
    parts: int = 1


async def settle_sent(uow: UnitOfWork, sends: Sequence[Sent]) -> set[int]:
    """`settle_delivery(outcome="sent")` for a batch of sends, in three statements;
    the deliveries this call recorded (one settled already is left as it is)."""
    if not sends:
        return set()
    async with uow:
        now = uow.now()
        marked = (
            update(Delivery)
            .where(col(Delivery.id).in_([s.delivery_id for s in sends]))
            .where(col(Delivery.status) == "sending")
            .values(status="sent", sent_at=now, claimed_by=None, **error_values(None))
            .returning(col(Delivery.id), col(Delivery.notification_id))
        )
        options = {"synchronize_session": False}
        result = await uow.session.exec(marked, execution_options=options)
        notes = dict(result.all())
        if notes:
            details = [
                {"id": s.delivery_id, "provider_id": s.provider_id, "parts": s.parts}
                for s in sends
                if s.delivery_id in notes
            ]
            await uow.session.exec(update(Delivery), params=details, execution_options=options)
            closed = (
                update(Notification)
                .where(col(Notification.id).in_(list(notes.values())))
                .values(status="sent", closed_at=now, reason=None, reason_params=None)
            )
            await uow.session.exec(closed, execution_options=options)
        await uow.commit()
        return set(notes)


async def _record_sent(
    uow: UnitOfWork, delivery: Delivery, note: Notification, provider_id: str | None, parts: int
) -> Settled:
    values = {"sent_at": uow.now(), "provider_id": provider_id, "parts": parts}
    values |= error_values(None)
    if await transition(uow, Delivery, delivery.id or 0, "sending", "sent", **values):
        close(uow, note, "sent", None)
    return Settled()


async def _schedule_retry(
    uow: UnitOfWork, delivery: Delivery, retry_after: float | None, reason: Reason | None
) -> Settled:
    # Telegram's retry_after is obeyed exactly; otherwise back off.
    wait = retry_after if retry_after is not None else BACKOFF_SECONDS[delivery.attempts - 1]
    retry_at = uow.now() + dt.timedelta(seconds=wait)
    values = {"next_attempt_at": retry_at, **error_values(reason)}
    if not await transition(uow, Delivery, delivery.id or 0, "sending", "pending", **values):
        return Settled()
    return Settled(retry_at=retry_at)


async def _record_failure(
    uow: UnitOfWork,
    delivery: Delivery,
    note: Notification,
    reason: Reason | None,
    address_dead: bool,
) -> Settled:
    values = error_values(reason)
    if not await transition(uow, Delivery, delivery.id or 0, "sending", "failed", **values):
        return Settled()
    if address_dead:
        await record_dead_contact(uow, delivery, reason)
    return Settled(fallback=await _fall_back(uow, note))


async def fall_back_after_receipt(
    uow: UnitOfWork, *, delivery: Delivery, note: Notification, address_dead: bool
) -> int | None:
    """The operator could not deliver an SMS the gateway had accepted: reopen the
    notification and try the guardian's next channel, as for any permanent failure."""
    if address_dead:
        await record_dead_contact(uow, delivery, Reason.of(delivery.error, delivery.error_params))
    note.status, note.closed_at = "sending", None
    uow.session.add(note)
    return await _fall_back(uow, note)


async def _fall_back(uow: UnitOfWork, note: Notification) -> int | None:
    """A delivery on the guardian's next live channel not yet tried, or mark the note failed.

    A channel is tried once per message (one delivery per channel), whatever its outcome.
    """
    guardian, settings, dead, closed = await guardian_context(uow, note.guardian_id)
    tried_rows = await uow.session.exec(select(Delivery).where(Delivery.notification_id == note.id))
    tried = list(tried_rows.all())
    used = {d.channel for d in tried}
    topics = await note_topics(uow, note)
    for channel, address in live_channels(guardian, settings, dead, topics, closed=closed):
        if channel.value not in used:
            delivery = new_delivery(note, channel, address, uow.now())
            uow.session.add(delivery)
            await uow.session.flush()
            return delivery.id
    failures = [
        {"channel": d.channel, "reason": {"code": d.error, "params": d.error_params or {}}}
        for d in tried
        if d.error
    ]
    close(uow, note, "failed", Reason(UNDELIVERED, {"tried": failures}))
    return None
