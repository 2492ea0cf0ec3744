"""Guarded changes of notification and delivery rows, shared by the lifecycle steps.

A state change is a conditional UPDATE (`WHERE status = ...`): of two workers running
the same job, one changes the row and the other finds nothing to do.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from core.models import (
    ChannelName,
    ContactStatus,
    Delivery,
    Guardian,
    GuardianSettings,
    Notification,
)
from core.uow import UnitOfWork

# Why a notification or a delivery stopped, in words a class teacher reads.
CONSENT_WITHDRAWN = "согласие на обработку данных отозвано"
NOTHING_LEFT = "нечего сообщать: запись исправлена или удалена"
NO_CHANNEL = "нет доступного канала связи"
CHANNEL_DROPPED = "канал больше не выбран"
SWITCHED_OFF = "родитель отключил такие сообщения"


async def guardian_context(
    uow: UnitOfWork, guardian_id: int
) -> tuple[Guardian, GuardianSettings | None, set[tuple[str, str]]]:
    """The guardian as of now, their settings, and their (channel, address) found dead."""
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


async def transition(
    uow: UnitOfWork,
    model: type[Notification] | type[Delivery],
    row_id: int,
    frm: str,
    to: str,
    **values: object,
) -> bool:
    """Move a row from status `frm` to `to`; False when another worker got there first."""
    statement = (
        update(model)
        .where(col(model.id) == row_id, col(model.status) == frm)
        .values(status=to, **values)
    )
    result = await uow.session.exec(statement)
    return result.rowcount == 1


def close(uow: UnitOfWork, note: Notification, status: str, reason: str | None) -> None:
    note.status, note.reason, note.closed_at = status, reason, uow.now()
    uow.session.add(note)


def new_delivery(
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


async def record_dead_contact(uow: UnitOfWork, delivery: Delivery, reason: str) -> None:
    """Remember that the delivery's address is dead; once, however many messages find it.

    Several notifications in flight to one blocked chat fail one after another (or at
    once, on two workers): each reports the dead address, the first one records it.
    """
    insert = sqlite_insert if uow.db.is_sqlite else postgresql_insert
    statement = (
        insert(ContactStatus)
        .values(
            school_id=delivery.school_id,
            guardian_id=delivery.guardian_id,
            channel=delivery.channel,
            address=delivery.address,
            dead_at=uow.now(),
            reason=reason,
        )
        .on_conflict_do_nothing(index_elements=["guardian_id", "channel", "address"])
    )
    await uow.session.exec(statement)
