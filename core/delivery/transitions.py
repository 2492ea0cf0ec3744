"""Guarded changes of notification and delivery rows, shared by the lifecycle steps.

A state change is a conditional UPDATE (`WHERE status = ...`): of two workers running
the same job, one changes the row and the other finds nothing to do.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert, inspect, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.delivery.reasons import Reason
from core.delivery.routing import TOPIC_OF_EVENT, closed_channels
from core.models import (
    ChannelName,
    ContactStatus,
    Delivery,
    Guardian,
    GuardianSettings,
    Notification,
    NotificationEvent,
    OutboxEvent,
    School,
    Topic,
)
from core.policy import policy_of
from core.uow import UnitOfWork


async def guardian_context(
    uow: UnitOfWork, guardian_id: int
) -> tuple[Guardian, GuardianSettings | None, set[tuple[str, str]], frozenset[ChannelName]]:
    """The guardian as of now, their settings, their (channel, address) found dead, and
    the messengers their school does not offer now (`routing.closed_channels`)."""
    session = uow.session
    guardian = await session.get(Guardian, guardian_id)
    assert guardian is not None
    school = await session.get(School, guardian.school_id)
    assert school is not None
    settings, dead = await guardian_rows(session, [guardian_id])
    closed = closed_channels(policy_of(school))
    return guardian, settings.get(guardian_id), dead[guardian_id], closed


async def note_topics(uow: UnitOfWork, note: Notification) -> tuple[str, ...]:
    """The kinds of message a notification carries: its topic, or a bundle's topics."""
    if note.topic in Topic.__members__:
        return (note.topic,)
    query = (
        select(OutboxEvent.kind)
        .join(NotificationEvent, col(NotificationEvent.event_id) == OutboxEvent.id)
        .where(NotificationEvent.notification_id == note.id)
    )
    return topics_of_kinds((await uow.session.exec(query)).all())


def topics_of_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    """The topics (sorted, once each) of a bundle's events, by their kinds."""
    return tuple(sorted({TOPIC_OF_EVENT[k].value for k in kinds if k in TOPIC_OF_EVENT}))


async def guardian_rows(
    session: AsyncSession, ids: Sequence[int]
) -> tuple[dict[int, GuardianSettings], dict[int, set[tuple[str, str]]]]:
    """These guardians' own settings, and the (channel, address) found dead of each."""
    wanted = list(ids)
    query = select(GuardianSettings).where(col(GuardianSettings.guardian_id).in_(wanted))
    settings = {s.guardian_id: s for s in (await session.exec(query)).all()}
    dead: dict[int, set[tuple[str, str]]] = defaultdict(set)
    statuses = select(ContactStatus).where(col(ContactStatus.guardian_id).in_(wanted))
    for status in (await session.exec(statuses)).all():
        dead[status.guardian_id].add((status.channel, status.address))
    return settings, dead


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


async def transition_many(
    uow: UnitOfWork,
    model: type[Notification] | type[Delivery],
    row_ids: list[int],
    frm: str,
    to: str,
    **values: object,
) -> set[int]:
    """`transition` for many rows in one statement; the ids this call moved."""
    if not row_ids:
        return set()
    statement = (
        update(model)
        .where(col(model.id).in_(row_ids), col(model.status) == frm)
        .values(status=to, **values)
        .returning(col(model.id))
    )
    result = await uow.session.exec(statement, execution_options={"synchronize_session": False})
    return {row_id for (row_id,) in result.all()}


async def insert_new(
    session: AsyncSession, model: type[Notification] | type[Delivery], rows: Sequence[Any]
) -> None:
    """Insert new `rows` of `model` (not added to the session) in one statement and give
    each its id.

    The ORM's flush would insert them one statement each on SQLite, whose RETURNING
    promises no order. So the ids come back with every inserted column, and each goes
    to a row with those values: rows equal in every column are interchangeable."""
    if not rows:
        return
    table = inspect(model).local_table
    columns = [column for column in table.columns if column.key != "id"]
    waiting: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    values = []
    for row in rows:
        given = {column.key: getattr(row, column.key) for column in columns}
        values.append(given)
        waiting[_key(given.values())].append(row)
    statement = insert(model).returning(table.c.id, *columns)
    for row_id, *got in (await session.exec(statement, params=values)).all():
        waiting[_key(got)].pop().id = row_id


def _key(values: Iterable[Any]) -> tuple[Any, ...]:
    """Column values as a dictionary key (a JSON column's value as its text)."""
    return tuple(
        json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value
        for value in values
    )


def close(uow: UnitOfWork, note: Notification, status: str, reason: Reason | None) -> None:
    note.status, note.closed_at = status, uow.now()
    note.reason = reason.code if reason else None
    note.reason_params = reason.params if reason else None
    uow.session.add(note)


def error_values(reason: Reason | None) -> dict[str, Any]:
    """A delivery's `error` columns for `reason` (for `transition(**values)`)."""
    return {
        "error": reason.code if reason else None,
        "error_params": reason.params if reason else None,
    }


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


async def record_dead_contact(uow: UnitOfWork, delivery: Delivery, reason: Reason | None) -> None:
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
            reason=reason.code if reason else "",
            reason_params=reason.params if reason else None,
        )
        .on_conflict_do_nothing(index_elements=["guardian_id", "channel", "address"])
    )
    await uow.session.exec(statement)
