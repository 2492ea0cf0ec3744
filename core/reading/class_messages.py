"""A class's announcements at a glance, and whether this month's message is still due.

The product asks class teachers for a message to parents at least once a month
(PRODUCT: "posts class announcements and the monthly message to parents (at least
once a month; reminded when due)"). It is due while no announcement marked monthly
was posted for the class in the current calendar month on the school's clock.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.models import (
    AcademicYear,
    Acknowledgement,
    Announcement,
    Enrollment,
    Notification,
    NotificationEvent,
    OutboxEvent,
    Role,
    School,
    SchoolClass,
    Staff,
    StudentGuardian,
)
from core.permissions import has_role, load_staff, require_announcer
from core.rows import get_in_school, not_deleted
from core.uow import UnitOfWork

RECENT = 20  # announcements listed on a class page


@dataclass(frozen=True)
class AnnouncementSummary:
    id: int
    title: str
    urgent: bool
    monthly: bool
    created_at: dt.datetime
    author: str
    planned: bool  # the workers have planned its messages
    sent: int  # notifications delivered
    pending: int  # planned, not sent yet
    failed: int  # failed or cancelled
    acknowledged: int


@dataclass(frozen=True)
class MonthlyMessage:
    due: bool
    month: dt.date  # the first day of the school's current month
    last_at: dt.datetime | None  # the class's latest monthly message (UTC), if any


@dataclass(frozen=True)
class ClassMessages:
    class_id: int | None  # None: the school-wide announcements
    class_name: str | None
    families: int  # guardians of the class's (or school's) students today
    monthly: MonthlyMessage | None  # None for the school-wide list
    announcements: tuple[AnnouncementSummary, ...]


@dataclass(frozen=True)
class ClassLine:
    class_id: int
    name: str
    class_teacher: str | None
    monthly: MonthlyMessage


def monthly_message_due(last_monthly: dt.datetime | None, now: dt.datetime, timezone: str) -> bool:
    """Due while no monthly message was posted in `now`'s calendar month (school time)."""
    if last_monthly is None:
        return True
    zone = ZoneInfo(timezone)
    last, today = last_monthly.astimezone(zone), now.astimezone(zone)
    return (last.year, last.month) != (today.year, today.month)


async def class_messages(
    uow: UnitOfWork, *, actor: StaffActor, class_id: int | None
) -> ClassMessages:
    """The latest announcements of a class (or of the whole school, `class_id` None)
    with their delivery counts, and the monthly message's state.

    For those who post there (core.permissions.require_announcer): the class teacher,
    the deputy director and the administrators.
    """
    async with uow:
        staff = await load_staff(uow, actor)
        klass = None
        if class_id is not None:
            klass = await get_in_school(uow, SchoolClass, class_id, staff.school_id, "class")
        require_announcer(staff, klass)
        school = await uow.session.get(School, staff.school_id)
        assert school is not None
        query = select(Announcement).where(
            Announcement.school_id == staff.school_id,
            not_deleted(Announcement),
        )
        if class_id is None:
            query = query.where(col(Announcement.class_id).is_(None))
        else:
            query = query.where(Announcement.class_id == class_id)
        recent = query.order_by(col(Announcement.created_at).desc(), col(Announcement.id).desc())
        rows = list((await uow.session.exec(recent.limit(RECENT))).all())
        summaries = await _summaries(uow, rows)
        families = await _families(uow, school, class_id)
        monthly = None
        if klass is not None:
            last = (await _last_monthly(uow, [class_id or 0])).get(class_id or 0)
            monthly = _monthly(last, uow.now(), school.timezone)
        return ClassMessages(
            class_id=class_id,
            class_name=klass.name if klass else None,
            families=families,
            monthly=monthly,
            announcements=tuple(summaries),
        )


async def my_classes(uow: UnitOfWork, *, actor: StaffActor) -> list[ClassLine]:
    """The classes of this academic year a staff member looks after, with the monthly
    message's state: a class teacher their own; the deputy director, administrators
    and the secretary every class of the school."""
    async with uow:
        staff = await load_staff(uow, actor)
        school = await uow.session.get(School, staff.school_id)
        assert school is not None
        year = await _current_year(uow, school, uow.now())
        if year is None:
            return []
        query = select(SchoolClass).where(SchoolClass.year_id == year)
        if not has_role(staff, Role.deputy, Role.admin, Role.secretary):
            query = query.where(SchoolClass.class_teacher_id == staff.id)
        classes = list((await uow.session.exec(query)).all())
        classes.sort(key=lambda k: (k.grade, k.letter))
        teachers = await _teachers(uow, {k.class_teacher_id for k in classes if k.class_teacher_id})
        last = await _last_monthly(uow, [k.id or 0 for k in classes])
        now = uow.now()
        return [
            ClassLine(
                class_id=k.id or 0,
                name=k.name,
                class_teacher=teachers.get(k.class_teacher_id or 0),
                monthly=_monthly(last.get(k.id or 0), now, school.timezone),
            )
            for k in classes
        ]


def _monthly(last: dt.datetime | None, now: dt.datetime, timezone: str) -> MonthlyMessage:
    today = now.astimezone(ZoneInfo(timezone)).date()
    return MonthlyMessage(
        due=monthly_message_due(last, now, timezone),
        month=today.replace(day=1),
        last_at=last,
    )


async def _current_year(uow: UnitOfWork, school: School, now: dt.datetime) -> int | None:
    """This academic year, or the last one begun (the summer after it ended)."""
    today = school_today(school, now)
    query = (
        select(AcademicYear.id)
        .where(AcademicYear.school_id == school.id, AcademicYear.starts_on <= today)
        .order_by(col(AcademicYear.starts_on).desc())
    )
    return (await uow.session.exec(query.limit(1))).first()


async def _teachers(uow: UnitOfWork, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await uow.session.exec(select(Staff).where(col(Staff.id).in_(sorted(ids))))
    return {s.id or 0: s.short_name for s in rows.all()}


async def _last_monthly(uow: UnitOfWork, class_ids: list[int]) -> dict[int, dt.datetime]:
    if not class_ids:
        return {}
    query = (
        select(Announcement.class_id, func.max(Announcement.created_at))
        .where(
            col(Announcement.class_id).in_(class_ids),
            col(Announcement.monthly).is_(True),
            not_deleted(Announcement),
        )
        .group_by(col(Announcement.class_id))
    )
    found: dict[int, dt.datetime] = {}
    for class_id, at in (await uow.session.exec(query)).all():
        if class_id is not None and at is not None:
            found[class_id] = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return found


async def _families(uow: UnitOfWork, school: School, class_id: int | None) -> int:
    today = school_today(school, uow.now())
    query = (
        select(func.count(func.distinct(StudentGuardian.guardian_id)))
        .select_from(StudentGuardian)
        .join(Enrollment, col(Enrollment.student_id) == StudentGuardian.student_id)
        .where(
            Enrollment.school_id == school.id,
            Enrollment.since <= today,
            (col(Enrollment.until).is_(None)) | (col(Enrollment.until) >= today),
        )
    )
    if class_id is not None:
        query = query.where(Enrollment.class_id == class_id)
    return int((await uow.session.exec(query)).one())


async def _summaries(uow: UnitOfWork, rows: list[Announcement]) -> list[AnnouncementSummary]:
    """Counts for every listed announcement in three grouped queries."""
    if not rows:
        return []
    entities = {f"announcement:{a.id}": a.id or 0 for a in rows}
    events = await uow.session.exec(
        select(OutboxEvent.id, OutboxEvent.entity, OutboxEvent.dispatched_at).where(
            col(OutboxEvent.entity).in_(list(entities)),
            OutboxEvent.kind == "announcement_posted",
        )
    )
    event_of: dict[str, int] = {}
    planned: set[int] = set()
    for event_id, entity, dispatched_at in events.all():
        event_of[event_id] = entities[entity]
        if dispatched_at is not None:
            planned.add(entities[entity])
    statuses: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if event_of:
        grouped = await uow.session.exec(
            select(NotificationEvent.event_id, Notification.status, func.count())
            .join(Notification, col(Notification.id) == NotificationEvent.notification_id)
            .where(col(NotificationEvent.event_id).in_(list(event_of)))
            .group_by(col(NotificationEvent.event_id), col(Notification.status))
        )
        for event_id, status, count in grouped.all():
            statuses[event_of[event_id]][status] += count
    acks = await uow.session.exec(
        select(Acknowledgement.subject, func.count())
        .where(col(Acknowledgement.subject).in_(list(entities)))
        .group_by(col(Acknowledgement.subject))
    )
    acked = {entities[subject]: count for subject, count in acks.all()}
    authors = await _teachers(uow, {a.created_by for a in rows if a.created_by})
    return [_summary(a, statuses[a.id or 0], acked, planned, authors) for a in rows]


def _summary(
    a: Announcement,
    statuses: dict[str, int],
    acked: dict[int, int],
    planned: set[int],
    authors: dict[int, str],
) -> AnnouncementSummary:
    return AnnouncementSummary(
        id=a.id or 0,
        title=a.title,
        urgent=a.urgent,
        monthly=a.monthly,
        created_at=a.created_at,
        author=authors.get(a.created_by or 0, ""),
        planned=(a.id or 0) in planned,
        sent=statuses.get("sent", 0),
        pending=statuses.get("open", 0) + statuses.get("sending", 0),
        failed=statuses.get("failed", 0) + statuses.get("cancelled", 0),
        acknowledged=acked.get(a.id or 0, 0),
    )
