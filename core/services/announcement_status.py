"""Each parent's status of one announcement: what the class teacher reads after sending.

For every guardian of the announcement's audience (the class's families on the day it
was posted, or the school's), one line:

- **delivered**, by which channel and when (after a failed Telegram, by email...);
- **pending**: not planned yet, waiting for the digest or the end of quiet hours, being
  sent, or retrying after a temporary failure;
- **failed**, with the reason written on the row by the delivery pipeline;
- **unreachable**: no consent, messages of this kind switched off, no contact point,
  every contact point dead (the bot blocked): core.services.reachability says which;
- and, for any of them, «Ознакомлен» with its time.

Read in a fixed handful of queries, whatever the audience's size: the announcement,
the audience, its outbox event, the notifications that carry it, their deliveries,
the guardians' settings and dead contacts, the acknowledgements.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from core.actors import StaffActor
from core.delivery.transitions import CONSENT_WITHDRAWN, NO_CHANNEL, SWITCHED_OFF
from core.models import (
    Acknowledgement,
    Announcement,
    Delivery,
    Enrollment,
    Guardian,
    Notification,
    NotificationEvent,
    OutboxEvent,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
)
from core.permissions import load_staff
from core.services.acknowledgement_reports import _announcement_for_reader
from core.services.reachability import Contacts, Reach, Unreachable, load_contacts
from core.uow import UnitOfWork


class ParentState(StrEnum):
    delivered = "delivered"
    pending = "pending"
    failed = "failed"
    unreachable = "unreachable"


@dataclass(frozen=True)
class Attempt:
    """One channel tried for this guardian: its outcome and when."""

    channel: str
    status: str  # pending | sending | sent | failed | cancelled
    error: str | None
    at: dt.datetime  # sent, else created (UTC)


@dataclass(frozen=True)
class ParentStatus:
    guardian_id: int
    guardian_name: str
    children: tuple[str, ...]  # full names of their children in the audience
    state: ParentState
    channel: str | None = None  # delivered by
    at: dt.datetime | None = None  # delivered at (UTC)
    due_at: dt.datetime | None = None  # pending: when it is to go (digest, quiet hours, retry)
    reason: str | None = None  # failed: the pipeline's words; pending: the last retry's error
    unreachable: Unreachable | None = None
    dead: tuple[str, ...] = ()  # "telegram: бот заблокирован" for each dead contact point
    attempts: tuple[Attempt, ...] = ()
    acknowledged_at: dt.datetime | None = None  # «Ознакомлен» (UTC)


@dataclass(frozen=True)
class AnnouncementInfo:
    id: int
    title: str
    body: str
    urgent: bool
    monthly: bool
    class_id: int | None
    class_name: str | None  # None: the whole school
    created_at: dt.datetime
    author: str


@dataclass(frozen=True)
class AnnouncementStatus:
    announcement: AnnouncementInfo
    parents: tuple[ParentStatus, ...]
    counts: dict[str, int]  # per ParentState value, plus "acknowledged" and "total"

    @property
    def pending(self) -> bool:
        """Something may still change: the page keeps refreshing while this holds."""
        return self.counts[ParentState.pending.value] > 0


async def announcement_status(
    uow: UnitOfWork, *, actor: StaffActor, announcement_id: int
) -> AnnouncementStatus:
    """Every guardian the announcement is for, with its delivery and «Ознакомлен».

    Readable by its author, the class's class teacher, the deputy director and the
    administrators (as the acknowledgements are).
    """
    async with uow:
        staff = await load_staff(uow, actor)
        announcement = await _announcement_for_reader(uow, staff, announcement_id)
        school = await uow.session.get(School, announcement.school_id)
        assert school is not None
        info = await _info(uow, announcement)
        posted_on = announcement.created_at.astimezone(ZoneInfo(school.timezone)).date()
        guardians, children = await _audience(uow, announcement, posted_on)
        event = await _event_of(uow, announcement_id)
        notes = await _notifications(uow, event.id) if event else {}
        await _add_late_recipients(uow, guardians, children, notes)
        deliveries = await _deliveries(uow, [n.id or 0 for n in notes.values()])
        contacts = await load_contacts(uow.session, guardians)
        acks = await _acknowledgements(uow, f"announcement:{announcement_id}")
        planned = event is not None and event.dispatched_at is not None
        lines = [
            _line(
                guardian,
                tuple(sorted(children[gid])),
                notes.get(gid),
                deliveries,
                contacts,
                planned=planned,
                acknowledged_at=acks.get(gid),
            )
            for gid, guardian in guardians.items()
        ]
    lines.sort(key=lambda line: (line.guardian_name, line.guardian_id))
    return AnnouncementStatus(info, tuple(lines), _count(lines))


async def _info(uow: UnitOfWork, announcement: Announcement) -> AnnouncementInfo:
    klass = None
    if announcement.class_id is not None:
        klass = await uow.session.get(SchoolClass, announcement.class_id)
    author = await uow.session.get(Staff, announcement.created_by)
    return AnnouncementInfo(
        id=announcement.id or 0,
        title=announcement.title,
        body=announcement.body,
        urgent=announcement.urgent,
        monthly=announcement.monthly,
        class_id=announcement.class_id,
        class_name=klass.name if klass else None,
        created_at=announcement.created_at,
        author=author.short_name if author else "",
    )


async def _audience(
    uow: UnitOfWork, announcement: Announcement, on: dt.date
) -> tuple[dict[int, Guardian], dict[int, set[str]]]:
    """The guardians of the students enrolled in the class (or school) that day."""
    query = (
        select(Guardian, Student)
        .join(StudentGuardian, col(StudentGuardian.guardian_id) == Guardian.id)
        .join(Student, col(Student.id) == StudentGuardian.student_id)
        .join(Enrollment, col(Enrollment.student_id) == Student.id)
        .where(
            Guardian.school_id == announcement.school_id,
            Enrollment.since <= on,
            (col(Enrollment.until).is_(None)) | (col(Enrollment.until) >= on),
        )
    )
    if announcement.class_id is not None:
        query = query.where(Enrollment.class_id == announcement.class_id)
    guardians: dict[int, Guardian] = {}
    children: dict[int, set[str]] = {}
    for guardian, student in (await uow.session.exec(query)).all():
        guardians[guardian.id or 0] = guardian
        children.setdefault(guardian.id or 0, set()).add(student.full_name)
    return guardians, children


async def _event_of(uow: UnitOfWork, announcement_id: int) -> OutboxEvent | None:
    query = select(OutboxEvent).where(
        OutboxEvent.entity == f"announcement:{announcement_id}",
        OutboxEvent.kind == "announcement_posted",
    )
    return (await uow.session.exec(query.limit(1))).first()


async def _notifications(uow: UnitOfWork, event_id: str) -> dict[int, Notification]:
    """Per guardian, the notification that carries the event (alone or in a bundle)."""
    query = (
        select(Notification)
        .join(NotificationEvent, col(NotificationEvent.notification_id) == Notification.id)
        .where(NotificationEvent.event_id == event_id)
    )
    return {note.guardian_id: note for note in (await uow.session.exec(query)).all()}


async def _add_late_recipients(
    uow: UnitOfWork,
    guardians: dict[int, Guardian],
    children: dict[int, set[str]],
    notes: dict[int, Notification],
) -> None:
    """Guardians the message was planned for though not in the audience of the day it
    was posted (it was dispatched the next day, after a child joined the class)."""
    missing = sorted(notes.keys() - guardians.keys())
    if not missing:
        return
    rows = await uow.session.exec(select(Guardian).where(col(Guardian.id).in_(missing)))
    for guardian in rows.all():
        guardians[guardian.id or 0] = guardian
        children[guardian.id or 0] = set()


async def _deliveries(uow: UnitOfWork, note_ids: list[int]) -> dict[int, list[Delivery]]:
    found: dict[int, list[Delivery]] = {}
    if not note_ids:
        return found
    query = (
        select(Delivery)
        .where(col(Delivery.notification_id).in_(note_ids))
        .order_by(col(Delivery.id))
    )
    for delivery in (await uow.session.exec(query)).all():
        found.setdefault(delivery.notification_id, []).append(delivery)
    return found


async def _acknowledgements(uow: UnitOfWork, subject: str) -> dict[int, dt.datetime]:
    query = select(Acknowledgement).where(Acknowledgement.subject == subject)
    return {a.guardian_id: a.at for a in (await uow.session.exec(query)).all()}


def _line(
    guardian: Guardian,
    children: tuple[str, ...],
    note: Notification | None,
    deliveries: dict[int, list[Delivery]],
    contacts: Contacts,
    *,
    planned: bool,
    acknowledged_at: dt.datetime | None,
) -> ParentStatus:
    base = ParentStatus(
        guardian_id=guardian.id or 0,
        guardian_name=guardian.full_name,
        children=children,
        state=ParentState.pending,
        acknowledged_at=acknowledged_at,
    )
    reach = contacts.reach(guardian)
    dead = tuple(f"{d.channel}: {d.reason}" for d in reach.dead)
    if note is None:
        return _without_notification(base, reach, dead, planned=planned)
    tried = deliveries.get(note.id or 0, [])
    attempts = tuple(
        Attempt(d.channel, d.status, d.error, d.sent_at or d.created_at) for d in tried
    )
    return _with_notification(base, note, tried, reach, dead, attempts)


def _without_notification(
    base: ParentStatus, reach: Reach, dead: tuple[str, ...], *, planned: bool
) -> ParentStatus:
    """Nothing is planned for this guardian: not yet, or they could not be reached."""
    if reach.unreachable is not None:
        return _replace(base, ParentState.unreachable, unreachable=reach.unreachable, dead=dead)
    if not planned:
        return base  # the workers have not planned the announcement yet
    # Reachable now but not when the announcement was sent out (subscribed since).
    return _replace(base, ParentState.unreachable, unreachable=Unreachable.then, dead=dead)


def _with_notification(
    base: ParentStatus,
    note: Notification,
    tried: list[Delivery],
    reach: Reach,
    dead: tuple[str, ...],
    attempts: tuple[Attempt, ...],
) -> ParentStatus:
    if note.status == "sent":
        sent = next((d for d in tried if d.status == "sent"), None)
        return _replace(
            base,
            ParentState.delivered,
            channel=sent.channel if sent else None,
            at=(sent.delivered_at or sent.sent_at) if sent else note.closed_at,
            attempts=attempts,
        )
    if note.status in ("open", "sending"):
        retrying = next((d for d in tried if d.status == "pending"), None)
        due = note.due_at if note.status == "open" else None
        if retrying is not None:
            due = retrying.next_attempt_at
        reason = retrying.error if retrying else None
        return _replace(base, ParentState.pending, due_at=due, reason=reason, attempts=attempts)
    why = _unreachable_reason(note.reason, reach)
    if why is not None:
        return _replace(
            base, ParentState.unreachable, unreachable=why, dead=dead, attempts=attempts
        )
    return _replace(base, ParentState.failed, reason=note.reason, dead=dead, attempts=attempts)


def _unreachable_reason(reason: str | None, reach: Reach) -> Unreachable | None:
    """A closed notification that never had a channel to try is "unreachable"."""
    if reason == CONSENT_WITHDRAWN:
        return Unreachable.consent_withdrawn
    if reason == SWITCHED_OFF:
        return Unreachable.switched_off
    if reason == NO_CHANNEL:
        return reach.unreachable or Unreachable.contacts_dead
    return None


def _replace(base: ParentStatus, state: ParentState, **values: Any) -> ParentStatus:
    return replace(base, state=state, **values)


def _count(lines: list[ParentStatus]) -> dict[str, int]:
    counts = Counter(line.state.value for line in lines)
    result = {state.value: counts.get(state.value, 0) for state in ParentState}
    result["acknowledged"] = sum(1 for line in lines if line.acknowledged_at is not None)
    result["total"] = len(lines)
    return result
