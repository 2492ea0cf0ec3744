"""Building a school's roster snapshot from the journal (see `core.fallback.snapshot`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import NamedTuple

from redis.asyncio import Redis
from sqlalchemy import or_
from sqlalchemy import select as select_columns
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.bot_registry import split_address
from core.calendar import school_today
from core.delivery.routing import (
    GuardianAddresses,
    address_columns,
    closed_channels,
    live_channels,
    mode_for,
)
from core.fallback import keys
from core.fallback.snapshot import (
    Assignment,
    RosterSnapshot,
    SnapshotGuardian,
    SnapshotStaff,
    store_snapshot,
)
from core.messengers import MessengerChat, chat_column, chats_of
from core.models import (
    ChannelName,
    ContactStatus,
    Enrollment,
    Group,
    GroupMembership,
    Guardian,
    GuardianSettings,
    Messenger,
    Mode,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
    Subject,
    TeachingAssignment,
    Topic,
)
from core.policy import policy_of

MESSENGERS = frozenset(m.value for m in Messenger)


async def staff_assignments(
    session: AsyncSession, staff: Iterable[Staff]
) -> dict[int, tuple[Assignment, ...]]:
    """Each staff member's teaching assignments, ordered by class, group and subject."""
    by_id = {s.id or 0: s for s in staff}
    if not by_id:
        return {}
    query = (
        select(TeachingAssignment, SchoolClass, Subject, Group)
        .join(SchoolClass, col(SchoolClass.id) == TeachingAssignment.class_id)
        .join(Subject, col(Subject.id) == TeachingAssignment.subject_id)
        .outerjoin(Group, col(Group.id) == TeachingAssignment.group_id)
        .where(col(TeachingAssignment.teacher_id).in_(list(by_id)))
    )
    rows = sorted(
        (await session.exec(query)).all(),
        key=lambda r: (r[1].grade, r[1].letter, r[3].name if r[3] else "", r[2].name),
    )
    found: dict[int, list[Assignment]] = defaultdict(list)
    for assignment, klass, subject, group in rows:
        teacher = by_id[assignment.teacher_id]
        found[assignment.teacher_id].append(
            Assignment(
                school_id=assignment.school_id,
                staff_id=assignment.teacher_id,
                teacher=teacher.short_name,
                class_id=klass.id or 0,
                class_name=klass.name,
                group_id=group.id if group else None,
                group_name=group.name if group else None,
                subject_id=subject.id or 0,
                subject=subject.name,
            )
        )
    return {staff_id: tuple(found.get(staff_id, ())) for staff_id in by_id}


async def assignments_of(session: AsyncSession, staff_ids: Iterable[int]) -> tuple[Assignment, ...]:
    """The assignments of these (unlocked) staff members, as the bot offers them."""
    ids = list(staff_ids)
    if not ids:
        return ()
    query = select(Staff).where(col(Staff.id).in_(ids), col(Staff.locked_at).is_(None))
    found = await staff_assignments(session, (await session.exec(query)).all())
    return tuple(a for staff_id in ids for a in found.get(staff_id, ()))


def _offered_chats(staff: Staff, offered: Collection[str]) -> tuple[MessengerChat, ...]:
    return tuple(chat for chat in chats_of(staff) if chat.messenger.value in offered)


async def _linked_staff(
    session: AsyncSession, school_id: int, offered: Collection[str]
) -> tuple[SnapshotStaff, ...]:
    """Unlocked staff with a chat in a messenger the school offers, with those chats."""
    any_chat = or_(*(chat_column(Staff, m).is_not(None) for m in Messenger))
    query = (
        select(Staff)
        .where(Staff.school_id == school_id, any_chat, col(Staff.locked_at).is_(None))
        .order_by(col(Staff.id))
    )
    staff = [s for s in (await session.exec(query)).all() if _offered_chats(s, offered)]
    assignments = await staff_assignments(session, staff)
    return tuple(
        SnapshotStaff(
            staff_id=s.id or 0,
            chats=_offered_chats(s, offered),
            short_name=s.short_name,
            assignments=assignments[s.id or 0],
        )
        for s in staff
    )


async def _members(
    session: AsyncSession, school_id: int, day: dt.date
) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """Pupils per class and per group on `day`."""
    classes: dict[int, set[int]] = defaultdict(set)
    groups: dict[int, set[int]] = defaultdict(set)
    enrolled = select(Enrollment.class_id, Enrollment.student_id).where(
        Enrollment.school_id == school_id,
        Enrollment.since <= day,
        col(Enrollment.until).is_(None) | (col(Enrollment.until) >= day),
    )
    for class_id, student_id in (await session.exec(enrolled)).all():
        classes[class_id].add(student_id)
    in_groups = select(GroupMembership.group_id, GroupMembership.student_id).where(
        GroupMembership.school_id == school_id,
        GroupMembership.since <= day,
        col(GroupMembership.until).is_(None) | (col(GroupMembership.until) >= day),
    )
    for group_id, student_id in (await session.exec(in_groups)).all():
        groups[group_id].add(student_id)
    return classes, groups


class _Family(NamedTuple):
    """What a snapshot needs of a guardian, read as plain columns: a school's thousands
    of guardians as ORM objects were about 13 MB of a worker's memory, every 5 minutes."""

    id: int
    language: str
    consent_given_at: dt.datetime | None
    consent_withdrawn_at: dt.datetime | None
    addresses: GuardianAddresses


def _broadcast_chat(
    guardian: _Family,
    settings: GuardianSettings | None,
    dead: set[tuple[str, str]],
    closed: Collection[ChannelName],
) -> MessengerChat | None:
    """Where a broadcast reaches the guardian, if anywhere: consent given, homework not
    switched off, and the first messenger of their channel order that the school offers
    (not in `closed`) where their chat is not dead. One chat, so a parent linked in both
    messengers hears once, where delivery would write to them first."""
    consent = guardian.consent_given_at is not None and guardian.consent_withdrawn_at is None
    if not consent or mode_for(settings, Topic.homework) is Mode.off:
        return None
    for channel, address in live_channels(guardian.addresses, settings, dead, closed=closed):
        if channel.value in MESSENGERS:
            bot, chat = split_address(address)
            return MessengerChat(Messenger(channel.value), int(chat), bot)
    return None


async def _guardians_by_student(
    session: AsyncSession, school_id: int, closed: Collection[ChannelName]
) -> dict[int, list[tuple[_Family, MessengerChat, str]]]:
    """Reachable guardians of each current pupil, in their chat, with the pupil's first name."""
    any_chat = or_(*(chat_column(Guardian, m).is_not(None) for m in Messenger))
    query = (
        select_columns(
            col(StudentGuardian.student_id),
            col(Student.first_name),
            col(Guardian.id),
            col(Guardian.language),
            col(Guardian.consent_given_at),
            col(Guardian.consent_withdrawn_at),
            *address_columns(),
        )
        .join(Guardian, col(Guardian.id) == StudentGuardian.guardian_id)
        .join(Student, col(Student.id) == StudentGuardian.student_id)
        .where(col(Guardian.school_id) == school_id, any_chat, col(Student.left_on).is_(None))
        .order_by(col(Guardian.id))
    )
    connection = await session.connection()
    rows = [
        (
            student_id,
            first_name,
            _Family(gid or 0, lang, given, gone, GuardianAddresses._make(rest)),
        )
        for student_id, first_name, gid, lang, given, gone, *rest in (
            await connection.execute(query)
        ).all()
    ]
    ids = list({family.id for _, _, family in rows})
    settings_rows = await session.exec(
        select(GuardianSettings).where(col(GuardianSettings.guardian_id).in_(ids))
    )
    settings = {s.guardian_id: s for s in settings_rows.all()}
    dead_rows = await session.exec(
        select(ContactStatus.guardian_id, ContactStatus.channel, ContactStatus.address).where(
            col(ContactStatus.guardian_id).in_(ids),
            col(ContactStatus.channel).in_(sorted(MESSENGERS)),
        )
    )
    dead: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for guardian_id, channel, address in dead_rows.all():
        dead[guardian_id].add((channel, address))
    found: dict[int, list[tuple[_Family, MessengerChat, str]]] = defaultdict(list)
    for student_id, first_name, family in rows:
        chat = _broadcast_chat(family, settings.get(family.id), dead[family.id], closed)
        if chat is not None:
            found[student_id].append((family, chat, first_name))
    return found


def _audience(
    pupils: set[int], guardians: dict[int, list[tuple[_Family, MessengerChat, str]]]
) -> tuple[SnapshotGuardian, ...]:
    children: dict[int, list[str]] = defaultdict(list)
    by_id: dict[int, tuple[_Family, MessengerChat]] = {}
    for student_id in pupils:
        for family, chat, first_name in guardians.get(student_id, []):
            by_id[family.id] = (family, chat)
            children[family.id].append(first_name)
    return tuple(
        SnapshotGuardian(
            guardian_id=gid,
            chat=by_id[gid][1],
            language=by_id[gid][0].language,
            children=tuple(sorted(children[gid])),
        )
        for gid in sorted(by_id)
    )


async def build_snapshot(
    session: AsyncSession, school: School, *, now: dt.datetime, version: int
) -> RosterSnapshot:
    """The school's snapshot as the journal has it at `now` (the school's date)."""
    school_id = school.id or 0
    day = school_today(school, now)
    classes, groups = await _members(session, school_id, day)
    # Only the messengers the school offers now, for its staff and its families alike.
    policy = policy_of(school)
    guardians = await _guardians_by_student(session, school_id, closed_channels(policy))
    return RosterSnapshot(
        school_id=school_id,
        school_name=school.name,
        timezone=school.timezone,
        version=version,
        built_at=now,
        built_for=day,
        staff=await _linked_staff(session, school_id, policy.messengers),
        classes={cid: _audience(pupils, guardians) for cid, pupils in sorted(classes.items())},
        groups={gid: _audience(pupils, guardians) for gid, pupils in sorted(groups.items())},
    )


async def refresh_snapshot(
    session: AsyncSession, redis: Redis, school: School, *, now: dt.datetime
) -> RosterSnapshot:
    """Rebuild the school's snapshot from the journal and store it."""
    version = int(await redis.incr(keys.snapshot_version(school.id or 0)))
    snapshot = await build_snapshot(session, school, now=now, version=version)
    await store_snapshot(redis, snapshot)
    return snapshot
