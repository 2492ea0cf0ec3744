"""SMS delivery receipts: what the operator later says about an SMS the gateway took.

A `sent` SMS delivery only means the gateway accepted it; whether the phone got it
arrives minutes later in the provider's status callback. Delivered sets
`delivered_at`; a final failure marks the delivery and its notification failed,
with the reason, so the class teacher's delivery status shows that this parent
was not reached.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import ColumnElement, update
from sqlalchemy.sql.dml import UpdateBase
from sqlmodel import col, select

from core.delivery.lifecycle import fall_back_after_receipt
from core.delivery.reasons import RECEIPT, Reason
from core.delivery.transitions import error_values
from core.models import ChannelName, Delivery, Notification
from core.uow import UnitOfWork

log = logging.getLogger(__name__)

# provider_id, delivered, reason it was not, whether the number itself is dead
Receipt = tuple[str, bool, str | None, bool]


async def record_sms_receipts(uow: UnitOfWork, *, provider: str, updates: list[Receipt]) -> int:
    """Apply a provider's final delivery reports; how many deliveries changed.

    Deliveries are found by (channel "sms", provider_id). Safe to repeat: a report
    already applied, or one for an SMS that is not ours (another system on the same
    gateway account), changes nothing. A delivered SMS stays delivered whatever a
    later report says.
    """
    changed = 0
    async with uow:
        now = uow.now()
        for provider_id, delivered, reason, address_dead in updates:
            if delivered:
                changed += await _mark_delivered(uow, provider_id, now)
            else:
                changed += await _mark_failed(uow, provider, provider_id, reason, address_dead)
        await uow.commit()
    log.debug("%s receipts: %d reports, %d deliveries changed", provider, len(updates), changed)
    return changed


def _sent_sms(provider_id: str) -> tuple[ColumnElement[bool], ...]:
    """The conditions every receipt update shares: our SMS, sent, not yet known delivered."""
    return (
        col(Delivery.channel) == ChannelName.sms.value,
        col(Delivery.provider_id) == provider_id,
        col(Delivery.status) == "sent",
        col(Delivery.delivered_at).is_(None),
    )


async def _execute(uow: UnitOfWork, statement: UpdateBase) -> int:
    """Run a conditional UPDATE; the rows it changed."""
    result = await uow.session.exec(statement)
    return int(result.rowcount)


async def _mark_delivered(uow: UnitOfWork, provider_id: str, now: dt.datetime) -> int:
    statement = update(Delivery).where(*_sent_sms(provider_id)).values(delivered_at=now)
    return await _execute(uow, statement)


async def _mark_failed(
    uow: UnitOfWork, provider: str, provider_id: str, reason: str | None, address_dead: bool
) -> int:
    query = select(Delivery).where(*_sent_sms(provider_id))
    found = list((await uow.session.exec(query)).all())
    changed = 0
    for delivery in found:
        # Conditional on the status again: a concurrent receipt must not count twice.
        why = Reason(RECEIPT, {"provider": provider, "detail": reason})
        marked = (
            update(Delivery)
            .where(col(Delivery.id) == delivery.id, *_sent_sms(provider_id))
            .values(status="failed", **error_values(why))
        )
        if not await _execute(uow, marked):
            continue
        changed += 1
        delivery.error, delivery.error_params = why.code, why.params
        note = await uow.session.get(Notification, delivery.notification_id)
        if note is not None:
            # The next channel's delivery is pending; the worker's sweeper sends it.
            await fall_back_after_receipt(
                uow, delivery=delivery, note=note, address_dead=address_dead
            )
    return changed
