"""Each parent's status of one announcement: what the class teacher reads after sending.

For every guardian of the announcement's audience (the class's families on the day it
was posted, or the school's), one line:

- **delivered**, by which channel and when (after a failed Telegram, by email...);
- **pending**: not planned yet, waiting for the digest or the end of quiet hours, being
  sent, or retrying after a temporary failure;
- **failed**, with the reason the delivery pipeline recorded (a code, in words here);
- **unreachable**: no consent, messages of this kind switched off, no contact point,
  every contact point dead (the bot blocked): core.reading.reachability says which;
- and, for any of them, «Ознакомлен» with its time.

Read in a fixed handful of queries, whatever the audience's size: the announcement,
the audience, its outbox event, the notifications that carry it, their deliveries,
the guardians' settings and dead contacts, the acknowledgements.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from core.actors import StaffActor
from core.i18n import DEFAULT_LANGUAGE
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
from core.policy import policy_of
from core.reading.acknowledgement_reports import _announcement_for_reader
from core.reading.parent_status import Attempt, ParentState, ParentStatus, count_states, line_of
from core.reading.reachability import load_contacts
from core.uow import UnitOfWork

__all__ = ["AnnouncementStatus", "Attempt", "ParentState", "ParentStatus", "announcement_status"]


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
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    announcement_id: int,
    language: str = DEFAULT_LANGUAGE,
) -> AnnouncementStatus:
    """Every guardian the announcement is for, with its delivery and «Ознакомлен».

    Readable by its author, the class's class teacher, the deputy director and the
    administrators (as the acknowledgements are). Reasons are written in `language`.
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
        contacts = await load_contacts(uow.session, guardians, policy=policy_of(school))
        acks = await _acknowledgements(uow, f"announcement:{announcement_id}")
        planned = event is not None and event.dispatched_at is not None
        lines = [
            line_of(
                guardian,
                tuple(sorted(children[gid])),
                notes.get(gid),
                deliveries,
                contacts,
                planned=planned,
                acknowledged_at=acks.get(gid),
                language=language,
                school=school,
            )
            for gid, guardian in guardians.items()
        ]
    lines.sort(key=lambda line: (line.guardian_name, line.guardian_id))
    return AnnouncementStatus(info, tuple(lines), count_states(lines))


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
