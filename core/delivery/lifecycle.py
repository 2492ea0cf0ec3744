"""A notification's way out: start → claim → settle, each a guarded state change.

Every step is safe to run twice: it changes state only with a conditional UPDATE
(`WHERE status = ...`), so a repeated job finds nothing to do. Statuses:
notification open → sending → sent | failed | cancelled;
delivery pending → sending → sent | failed | cancelled (pending again to retry).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.engine import CursorResult
from sqlmodel import col, select

from core.delivery.compose import Composition, compose
from core.delivery.routing import live_channels, quiet_ends_at, quiet_window
from core.models import (
    ChannelName,
    ContactStatus,
    Delivery,
    Guardian,
    GuardianSettings,
    Notification,
    School,
)
from core.policy import policy_of
from core.uow import UnitOfWork

# Retry delays when a channel gives none (SMTP down, gateway 5xx): 5 s growing to
# 30 min, about 3 hours in all before a delivery is given up on.
BACKOFF_SECONDS = (5, 15, 45, 120, 300, 600, 1200, 1800, 1800, 1800, 1800, 1800)


@dataclass(frozen=True)
class Claimed:
    """A delivery now `sending`, with the content to render for it."""

    delivery: Delivery
    composition: Composition


async def _guardian_context(
    uow: UnitOfWork, guardian_id: int
) -> tuple[Guardian, GuardianSettings | None, set[tuple[str, str]]]:
    session = uow.session
    guardian = await session.get(Guardian, guardian_id)
    assert guardian is not None
    settings = (
        await session.exec(
            select(GuardianSettings).where(GuardianSettings.guardian_id == guardian_id)
        )
    ).first()
    dead_rows = await session.exec(
        select(ContactStatus).where(ContactStatus.guardian_id == guardian_id)
    )
    return guardian, settings, {(d.channel, d.address) for d in dead_rows.all()}


async def _transition(
    uow: UnitOfWork,
    model: type[Notification] | type[Delivery],
    row_id: int,
    frm: str,
    to: str,
    **values: object,
) -> bool:
    statement = (
        update(model)
        .where(col(model.id) == row_id, col(model.status) == frm)
        .values(status=to, **values)
    )
    result: CursorResult[tuple[()]] = await uow.session.execute(statement)  # type: ignore[assignment]
    return result.rowcount == 1


async def _close(uow: UnitOfWork, note: Notification, status: str, reason: str | None) -> None:
    note.status, note.reason, note.closed_at = status, reason, uow.now()
    uow.session.add(note)


def _new_delivery(
    note: Notification, channel: ChannelName, address: str, now: dt.datetime
) -> Delivery:
    return Delivery(
        school_id=note.school_id,
        notification_id=note.id or 0,
        guardian_id=note.guardian_id,
        channel=channel.value,
        address=address,
        created_at=now,
    )


async def start_notification(uow: UnitOfWork, *, notification_id: int) -> int | None:
    """Hand a due notification to its first live channel; the delivery id to send, or None.

    Re-checks consent (withdrawn stops everything at once), holds non-urgent messages
    during quiet hours, and cancels a notification with nothing left to say.
    """
    async with uow:
        now = uow.now()
        note = await uow.session.get(Notification, notification_id)
        if note is None or note.status != "open" or note.due_at > now:
            return None
        guardian, settings, dead = await _guardian_context(uow, note.guardian_id)
        school = await uow.session.get(School, note.school_id)
        assert school is not None
        if not guardian.has_consent:
            await _close(uow, note, "cancelled", "согласие на обработку данных отозвано")
            await uow.commit()
            return None
        if not note.urgent:
            start, end = quiet_window(settings, policy_of(school))
            quiet_end = quiet_ends_at(now, school.timezone, start, end)
            if quiet_end is not None:
                note.due_at = quiet_end  # held, never dropped; still open for more events
                uow.session.add(note)
                await uow.commit()
                return None
        if await compose(uow.session, note) is None:
            await _close(uow, note, "cancelled", "нечего сообщать: запись исправлена или удалена")
            await uow.commit()
            return None
        channels = live_channels(guardian, settings, dead)
        if not channels:
            await _close(uow, note, "failed", "нет доступного канала связи")
            await uow.commit()
            return None
        if not await _transition(uow, Notification, notification_id, "open", "sending"):
            return None
        delivery = _new_delivery(note, *channels[0], now)
        uow.session.add(delivery)
        await uow.commit()
        return delivery.id


async def claim_delivery(uow: UnitOfWork, *, delivery_id: int) -> Claimed | None:
    """Take a pending delivery for sending (pending → sending), or None if not ours to send."""
    async with uow:
        now = uow.now()
        delivery = await uow.session.get(Delivery, delivery_id)
        if delivery is None or delivery.status != "pending":
            return None
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return None
        note = await uow.session.get(Notification, delivery.notification_id)
        assert note is not None
        guardian, settings, dead = await _guardian_context(uow, delivery.guardian_id)
        wanted = (ChannelName(delivery.channel), delivery.address) in live_channels(
            guardian, settings, dead
        )
        composition = await compose(uow.session, note) if guardian.has_consent and wanted else None
        if composition is None:
            reason = "канал больше не выбран" if guardian.has_consent else "согласие отозвано"
            await _transition(uow, Delivery, delivery_id, "pending", "cancelled", error=reason)
            await _close(uow, note, "cancelled", reason)
            await uow.commit()
            return None
        taken = await _transition(
            uow,
            Delivery,
            delivery_id,
            "pending",
            "sending",
            sending_since=now,
            attempts=delivery.attempts + 1,
        )
        if not taken:
            return None
        await uow.session.refresh(delivery)
        await uow.commit()
        return Claimed(delivery, composition)


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
    reason: str | None = None,
    address_dead: bool = False,
    parts: int = 1,
) -> Settled:
    """Record a send's outcome (sent | retry | permanent) and decide what follows."""
    async with uow:
        now = uow.now()
        delivery = await uow.session.get(Delivery, delivery_id)
        if delivery is None or delivery.status != "sending":
            return Settled()
        note = await uow.session.get(Notification, delivery.notification_id)
        assert note is not None
        if outcome == "sent":
            await _transition(
                uow,
                Delivery,
                delivery_id,
                "sending",
                "sent",
                sent_at=now,
                provider_id=provider_id,
                parts=parts,
                error=None,
            )
            await _close(uow, note, "sent", None)
            await uow.commit()
            return Settled()
        if outcome == "retry" and delivery.attempts < len(BACKOFF_SECONDS):
            # Telegram's retry_after is obeyed exactly; otherwise back off.
            wait = (
                retry_after if retry_after is not None else BACKOFF_SECONDS[delivery.attempts - 1]
            )
            retry_at = now + dt.timedelta(seconds=wait)
            await _transition(
                uow,
                Delivery,
                delivery_id,
                "sending",
                "pending",
                next_attempt_at=retry_at,
                error=reason,
            )
            await uow.commit()
            return Settled(retry_at=retry_at)
        if outcome == "retry":
            reason = f"не удалось после {delivery.attempts} попыток: {reason}"
        await _transition(uow, Delivery, delivery_id, "sending", "failed", error=reason)
        if address_dead:
            uow.session.add(
                ContactStatus(
                    school_id=delivery.school_id,
                    guardian_id=delivery.guardian_id,
                    channel=delivery.channel,
                    address=delivery.address,
                    dead_at=now,
                    reason=reason or "",
                )
            )
        fallback = await _fall_back(uow, note, dead_now=(delivery.channel, delivery.address))
        await uow.commit()
        return Settled(fallback=fallback)


async def _fall_back(
    uow: UnitOfWork, note: Notification, *, dead_now: tuple[str, str]
) -> int | None:
    """A delivery on the guardian's next live channel not yet tried, or mark the note failed."""
    guardian, settings, dead = await _guardian_context(uow, note.guardian_id)
    tried_rows = await uow.session.exec(select(Delivery).where(Delivery.notification_id == note.id))
    tried = list(tried_rows.all())
    used = {d.channel for d in tried}
    for channel, address in live_channels(guardian, settings, dead | {dead_now}):
        if channel.value not in used:
            delivery = _new_delivery(note, channel, address, uow.now())
            uow.session.add(delivery)
            await uow.session.flush()
            return delivery.id
    reasons = "; ".join(f"{d.channel}: {d.error}" for d in tried if d.error)
    await _close(uow, note, "failed", f"не доставлено ни по одному каналу ({reasons})")
    return None
