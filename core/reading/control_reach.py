"""How far the school's messages reach families, class by class: the dashboard's delivery
figures (seed 001 §2: «анализ активности родителей»).

For each class: its families today (the guardians of its pupils), how many of them a
message would reach now and how many are in the bot (`core.reading.reachability`, the
delivery pipeline's own rules), and, for the class's announcements of a span (the
monthly messages among them), the messages planned for families, delivered, failed,
and the «Ознакомлен» presses. The same six queries whatever the school's size:
the families, their settings and dead contacts (`load_contacts`), the announcements,
their notifications by state, their acknowledgements. It runs inside a unit of work
someone else opened (`core.reading.control_summary`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, String, cast, func, literal
from sqlmodel import col, select

from core.models import (
    Acknowledgement,
    Announcement,
    Enrollment,
    Guardian,
    Notification,
    NotificationEvent,
    OutboxEvent,
    StudentGuardian,
)
from core.policy import SchoolPolicy
from core.reading.reachability import load_contacts
from core.rows import not_deleted
from core.uow import UnitOfWork


@dataclass(frozen=True)
class ClassReach:
    class_id: int
    families: int  # guardians of the class's pupils today
    reachable: int  # a message to the class would reach them now
    subscribed: int  # in the bot: consent and a live chat in a messenger the school offers
    announcements: int  # the class's announcements posted in the span
    messages: int  # their messages planned for families
    delivered: int
    failed: int  # failed or cancelled
    acknowledged: int  # «Ознакомлен» pressed

    @property
    def unreachable(self) -> int:
        return self.families - self.reachable


async def class_reach_in(
    uow: UnitOfWork,
    *,
    school_id: int,
    timezone: str,
    policy: SchoolPolicy,
    class_ids: Collection[int],
    today: dt.date,
    start: dt.date,
    end: dt.date,
) -> dict[int, ClassReach]:
    """The reach of each class in `class_ids` today, and of its announcements posted
    from `start` to `end` (school days, both included). Inside an open unit of work."""
    classes = sorted(set(class_ids))
    if not classes:
        return {}
    families = await _families(uow, school_id, classes, today)
    guardian_ids = (g.id or 0 for gs in families.values() for g in gs)
    contacts = await load_contacts(uow.session, guardian_ids, policy=policy)
    reach = {gid: contacts.reach(g) for gs in families.values() for g in gs for gid in [g.id or 0]}
    zone = ZoneInfo(timezone)
    since = dt.datetime.combine(start, dt.time(0), tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    posted = await _announcements(uow, school_id, classes, since, until)
    states = await _notification_states(uow, school_id, classes, since, until)
    presses = await _acknowledgements(uow, school_id, classes, since, until)
    found: dict[int, ClassReach] = {}
    for class_id in classes:
        guardians = families.get(class_id, [])
        by_state = states.get(class_id, {})
        found[class_id] = ClassReach(
            class_id=class_id,
            families=len(guardians),
            reachable=sum(1 for g in guardians if reach[g.id or 0].unreachable is None),
            subscribed=sum(1 for g in guardians if reach[g.id or 0].subscribed),
            announcements=posted.get(class_id, 0),
            messages=sum(by_state.values()),
            delivered=by_state.get("sent", 0),
            failed=by_state.get("failed", 0) + by_state.get("cancelled", 0),
            acknowledged=presses.get(class_id, 0),
        )
    return found


async def _families(
    uow: UnitOfWork, school_id: int, classes: list[int], today: dt.date
) -> dict[int, list[Guardian]]:
    """Each class's guardians (once each) through its pupils enrolled today."""
    query = (
        select(Enrollment.class_id, Guardian)
        .join(StudentGuardian, col(StudentGuardian.student_id) == col(Enrollment.student_id))
        .join(Guardian, col(Guardian.id) == col(StudentGuardian.guardian_id))
        .where(
            Enrollment.school_id == school_id,
            col(Enrollment.class_id).in_(classes),
            Enrollment.since <= today,
            (col(Enrollment.until).is_(None)) | (col(Enrollment.until) >= today),
        )
    )
    found: dict[int, dict[int, Guardian]] = defaultdict(dict)
    for class_id, guardian in (await uow.session.exec(query)).all():
        found[class_id][guardian.id or 0] = guardian
    return {class_id: list(guardians.values()) for class_id, guardians in found.items()}


def _posted(
    school_id: int, classes: list[int], since: dt.datetime, until: dt.datetime
) -> tuple[ColumnElement[bool], ...]:
    """The class announcements posted in the span, not withdrawn."""
    return (
        col(Announcement.school_id) == school_id,
        col(Announcement.class_id).in_(classes),
        col(Announcement.created_at) >= since,
        col(Announcement.created_at) < until,
        not_deleted(Announcement),
    )


async def _announcements(
    uow: UnitOfWork, school_id: int, classes: list[int], since: dt.datetime, until: dt.datetime
) -> dict[int, int]:
    query = (
        select(Announcement.class_id, func.count())
        .where(*_posted(school_id, classes, since, until))
        .group_by(col(Announcement.class_id))
    )
    return {class_id or 0: count for class_id, count in (await uow.session.exec(query)).all()}


async def _notification_states(
    uow: UnitOfWork, school_id: int, classes: list[int], since: dt.datetime, until: dt.datetime
) -> dict[int, dict[str, int]]:
    """Per class, its announcements' notifications (one per guardian) by state."""
    entity = literal("announcement:") + cast(col(Announcement.id), String)
    query = (
        select(Announcement.class_id, Notification.status, func.count())
        .join(OutboxEvent, col(OutboxEvent.entity) == entity)
        .join(NotificationEvent, col(NotificationEvent.event_id) == col(OutboxEvent.id))
        .join(Notification, col(Notification.id) == col(NotificationEvent.notification_id))
        .where(
            *_posted(school_id, classes, since, until),
            OutboxEvent.kind == "announcement_posted",
        )
        .group_by(col(Announcement.class_id), col(Notification.status))
    )
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for class_id, status, count in (await uow.session.exec(query)).all():
        found[class_id or 0][status] = count
    return found


async def _acknowledgements(
    uow: UnitOfWork, school_id: int, classes: list[int], since: dt.datetime, until: dt.datetime
) -> dict[int, int]:
    query = (
        select(Announcement.class_id, func.count())
        .join(Acknowledgement, col(Acknowledgement.announcement_id) == col(Announcement.id))
        .where(*_posted(school_id, classes, since, until))
        .group_by(col(Announcement.class_id))
    )
    return {class_id or 0: count for class_id, count in (await uow.session.exec(query)).all()}
