"""What a due notification says, read from the journal as it is now.

Rendering happens at send time, not at dispatch time: a mark changed within the
grace window goes out with its final value, a mark deleted within it not at all,
and a mark changed after its message went out becomes a correction («исправлено»).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.delivery.routing import TOPIC_OF_ITEM, address_of, closed_channels
from core.messengers import linked, stranded
from core.models import (
    Announcement,
    Attendance,
    ChannelName,
    ContactStatus,
    Delivery,
    Guardian,
    Homework,
    Mark,
    Messenger,
    Notification,
    NotificationEvent,
    OutboxEvent,
    PeriodMark,
    Remark,
    School,
    SchoolClass,
    Staff,
    Student,
)
from core.policy import policy_of

if TYPE_CHECKING:
    from core.delivery.prefetch import Prefetched

# The notice of a messenger the school switched off (core.delivery.notices): its item.
NOTICE_KIND = "messenger_moved"


@dataclass(frozen=True)
class Item:
    """One line of a message: a mark, an absence, homework, a remark..."""

    # mark | attendance | homework | remark | announcement | period_mark | NOTICE_KIND
    kind: str
    change: str  # new | corrected | withdrawn
    student: str | None  # the child's first name, when the line is about one child
    data: dict[str, Any]  # what the templates print: subject, date, value, old_value...


@dataclass(frozen=True)
class Composition:
    notification_id: int
    guardian_id: int
    language: str
    mode: str
    urgent: bool
    items: list[Item] = field(default_factory=list)
    # Where else the guardian reads us: "telegram", "max" (a linked chat in a messenger
    # the school offers) and "email" (an address), unless found dead. An SMS points
    # there for details only if present.
    channels: tuple[str, ...] = ()

    @property
    def topics(self) -> tuple[str, ...]:
        """The kinds of message (core.models.Topic values) its items are, sorted; a
        notice about Zvonok itself is none of them."""
        kinds = {
            TOPIC_OF_ITEM[item.kind].value for item in self.items if item.kind in TOPIC_OF_ITEM
        }
        return tuple(sorted(kinds))


async def compose(
    session: AsyncSession, notification: Notification, known: Prefetched | None = None
) -> Composition | None:
    """The notification's content, or None when nothing is left to say.

    `known`: its batch's rows read beforehand (`core.delivery.prefetch`), so that only
    what they leave open is read here (what a family was told before, when it was)."""
    guardian = await session.get(Guardian, notification.guardian_id)
    assert guardian is not None
    if known is not None:
        events = known.events[notification.id or 0]
    else:
        events = await _events_of(session, notification.id or 0)
    by_entity: dict[str, list[OutboxEvent]] = {}
    for event in events:
        by_entity.setdefault(event.entity, []).append(event)
    items: list[Item] = []
    for entity, group in by_entity.items():
        if entity.startswith("messengers:"):
            item = await _notice_item(session, guardian, group[-1])
        else:
            never_told = known is not None and (guardian.id, entity) not in known.told
            prior = None if never_told else await _last_sent(session, notification, entity)
            item = await _item_for(session, entity, group[-1], prior)
        if item is not None:
            items.append(item)
    if not items:
        return None
    return Composition(
        notification_id=notification.id or 0,
        guardian_id=guardian.id or 0,
        language=guardian.language,
        mode=notification.mode,
        urgent=notification.urgent,
        items=items,
        channels=await _channels_of(
            session, guardian, known.dead[guardian.id or 0] if known else None
        ),
    )


async def _channels_of(
    session: AsyncSession, guardian: Guardian, dead: set[tuple[str, str]] | None
) -> tuple[str, ...]:
    """The guardian's chats (in the messengers the school offers) and email, where they
    have them and not found dead (`dead`: read already)."""
    if dead is None:
        query = select(ContactStatus).where(ContactStatus.guardian_id == guardian.id)
        dead = {(row.channel, row.address) for row in (await session.exec(query)).all()}
    school = await session.get(School, guardian.school_id)
    assert school is not None
    closed = closed_channels(policy_of(school))
    found = []
    for channel in (ChannelName.telegram, ChannelName.max, ChannelName.email):
        address = address_of(guardian, channel)
        if channel not in closed and address is not None and (channel.value, address) not in dead:
            found.append(channel.value)
    return tuple(found)


async def _notice_item(
    session: AsyncSession, guardian: Guardian, event: OutboxEvent
) -> Item | None:
    """A messenger switched off, as it stands now; None when the school took it back or
    the family is in one it offers. The code comes with the claim (`notices`)."""
    school = await session.get(School, guardian.school_id)
    assert school is not None
    offered = policy_of(school).messengers
    dropped = [m for m in event.payload.get("dropped", ()) if m not in offered]
    if not stranded(guardian, dropped, offered):
        return None
    was = next(m for m in dropped if linked(guardian, Messenger(m)) is not None)
    data = {"dropped": was, "join": offered[0], "code": None, "expires": None}
    return Item(NOTICE_KIND, "new", None, data)


async def _events_of(session: AsyncSession, notification_id: int) -> list[OutboxEvent]:
    query = (
        select(OutboxEvent)
        .join(NotificationEvent, col(NotificationEvent.event_id) == OutboxEvent.id)
        .where(NotificationEvent.notification_id == notification_id)
        .order_by(col(OutboxEvent.occurred_at), col(OutboxEvent.id))
    )
    return list((await session.exec(query)).all())


async def _last_sent(
    session: AsyncSession, notification: Notification, entity: str
) -> OutboxEvent | None:
    """The latest event about `entity` as this guardian was last told of it.

    A message is rendered when its delivery is claimed, from the journal as it is
    then: what the family knows is the row as of the claim of the delivery that went
    out, which may include changes made after that notification's own events (a
    retry composes again). None when they were never told of the row.
    """
    told_at = (
        select(func.max(Delivery.sending_since))
        .join(NotificationEvent, col(NotificationEvent.notification_id) == Delivery.notification_id)
        .join(OutboxEvent, col(OutboxEvent.id) == NotificationEvent.event_id)
        .where(
            OutboxEvent.entity == entity,
            Delivery.guardian_id == notification.guardian_id,
            Delivery.status == "sent",
            Delivery.notification_id != notification.id,
        )
        .scalar_subquery()
    )
    query = (
        select(OutboxEvent)
        .where(OutboxEvent.entity == entity, col(OutboxEvent.occurred_at) <= told_at)
        .order_by(col(OutboxEvent.occurred_at).desc(), col(OutboxEvent.id).desc())
    )
    return (await session.exec(query.limit(1))).first()


async def _first_name(session: AsyncSession, student_id: int) -> str:
    student = await session.get(Student, student_id)
    return student.first_name if student else "?"


def _lesson_data(payload: dict[str, Any]) -> dict[str, Any]:
    lesson = payload["lesson"]
    return {
        "subject": lesson["subject"],
        "date": dt.date.fromisoformat(lesson["date"]),
        "slot": lesson["slot"],
        "class_name": lesson["class_name"],
    }


def _change(prior_value: object, value: object) -> str | None:
    """new / corrected / withdrawn, or None when the family already knows this value."""
    if value is None:
        return "withdrawn" if prior_value is not None else None
    if prior_value is None:
        return "new"
    return None if prior_value == value else "corrected"


async def _item_for(
    session: AsyncSession, entity: str, last: OutboxEvent, prior: OutboxEvent | None
) -> Item | None:
    kind, _, raw_id = entity.partition(":")
    builder = _BUILDERS.get(kind)
    return await builder(session, int(raw_id), last.payload, prior) if builder else None


async def _mark_item(
    session: AsyncSession, row_id: int, payload: dict[str, Any], prior: OutboxEvent | None
) -> Item | None:
    mark = await session.get(Mark, row_id)
    if mark is None:
        return None
    value = None if mark.deleted_at is not None else mark.value
    before = prior.payload.get("value") if prior and prior.kind != "mark_deleted" else None
    change = _change(before, value)
    if change is None:
        return None
    data = _lesson_data(payload) | {
        "value": value,
        "old_value": before,
        "work_type": mark.work_type,
        "comment": mark.comment,
    }
    return Item("mark", change, await _first_name(session, mark.student_id), data)


async def _attendance_item(
    session: AsyncSession, row_id: int, payload: dict[str, Any], prior: OutboxEvent | None
) -> Item | None:
    row = await session.get(Attendance, row_id)
    if row is None:
        return None
    status = None if row.deleted_at is not None else row.status
    before = prior.payload.get("status") if prior else None
    change = _change(before, status)
    if change is None:
        return None
    data = _lesson_data(payload) | {
        "status": status,
        "old_status": before,
        "minutes_late": row.minutes_late,
    }
    return Item("attendance", change, await _first_name(session, row.student_id), data)


async def _homework_item(
    session: AsyncSession, row_id: int, payload: dict[str, Any], prior: OutboxEvent | None
) -> Item | None:
    row = await session.get(Homework, row_id)
    if row is None:
        return None
    text = None if row.deleted_at is not None else row.text
    before = (prior.payload.get("text") or None) if prior else None  # "" when deleted
    change = _change(before, text)
    if change is None:
        return None
    data = _lesson_data(payload) | {"text": text, "old_text": before, "due_date": row.due_date}
    return Item("homework", change, None, data)


async def _remark_item(
    session: AsyncSession, row_id: int, payload: dict[str, Any], prior: OutboxEvent | None
) -> Item | None:
    row = await session.get(Remark, row_id)
    if row is None or row.deleted_at is not None or prior is not None:
        return None
    author = await session.get(Staff, row.created_by) if row.created_by else None
    data = {
        "remark_kind": row.kind,
        "text": row.text,
        "subject": payload.get("subject"),
        "author": author.short_name if author else "",
    }
    return Item("remark", "new", await _first_name(session, row.student_id), data)


async def _announcement_item(
    session: AsyncSession, row_id: int, payload: dict[str, Any], prior: OutboxEvent | None
) -> Item | None:
    row = await session.get(Announcement, row_id)
    if row is None or row.deleted_at is not None or prior is not None:
        return None
    klass = await session.get(SchoolClass, row.class_id) if row.class_id else None
    author = await session.get(Staff, row.created_by) if row.created_by else None
    data = {
        "title": row.title,
        "body": row.body,
        "class_name": klass.name if klass else None,
        "monthly": row.monthly,
        "urgent": row.urgent,
        "author": author.short_name if author else "",
        "announcement_id": row.id,
    }
    return Item("announcement", "new", None, data)


async def _period_mark_item(
    session: AsyncSession, row_id: int, payload: dict[str, Any], prior: OutboxEvent | None
) -> Item | None:
    row = await session.get(PeriodMark, row_id)
    if row is None:
        return None
    value = None if row.deleted_at is not None else row.value
    change = _change(prior.payload.get("value") if prior else None, value)
    if change is None:
        return None
    data = {
        "subject": payload["subject"],
        "period": payload["period"],
        "value": value,
        "old_value": prior.payload.get("value") if prior else None,
        "mark_kind": row.kind,
    }
    return Item("period_mark", change, await _first_name(session, row.student_id), data)


_BUILDERS = {
    "mark": _mark_item,
    "attendance": _attendance_item,
    "homework": _homework_item,
    "remark": _remark_item,
    "announcement": _announcement_item,
    "period_mark": _period_mark_item,
}
