"""Who hears of an event: the guardians of the students it is about, with consent."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.events import (
    AnnouncementPosted,
    AttendanceMarked,
    Event,
    HomeworkChanged,
    HomeworkSet,
    LessonRef,
    MarkChanged,
    MarkDeleted,
    MarkPosted,
    PeriodMarkSet,
    RemarkPosted,
)
from core.models import Enrollment, GroupMembership, Guardian, StudentGuardian
from core.policy import SchoolPolicy

# Ids in one IN (...) list: well under SQLite's 32,766 parameters.
_IN_CHUNK = 5000


@dataclass(frozen=True)
class Recipient:
    """A guardian with consent who hears of an event: ids only, so that a school-wide
    announcement's thousands of recipients are a few integers each (their addresses
    are read a chunk at a time by the dispatch)."""

    guardian_id: int
    student_id: int | None  # None: a message for the family, not about one child


@dataclass(frozen=True)
class Asked:
    """An event whose recipients are wanted, with its school's policy and date."""

    event: Event
    policy: SchoolPolicy
    today: dt.date


async def recipients_of_many(
    session: AsyncSession, asked: Sequence[Asked]
) -> list[list[Recipient]]:
    """Guardians with consent who should hear of each event, in order, one entry per
    child concerned (the family, student None, for a school- or class-wide message),
    sorted by guardian; the guardians of every pupil the events are about read in one
    query (a run of fifty marks is one statement, not fifty)."""
    students = [await _students_of(session, a.event, policy=a.policy, today=a.today) for a in asked]
    wanted = sorted({sid for ids in students if ids for sid in ids})
    of_student: dict[int, list[int]] = defaultdict(list)
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        query = (
            select(StudentGuardian.student_id, StudentGuardian.guardian_id)
            .join(Guardian, col(Guardian.id) == StudentGuardian.guardian_id)
            .where(col(StudentGuardian.student_id).in_(chunk), _has_consent())
        )
        for sid, guardian_id in (await session.exec(query)).all():
            of_student[sid].append(guardian_id)
    found: list[list[Recipient]] = []
    for a, ids in zip(asked, students, strict=True):
        if ids is None:  # a school- or class-wide message: one per guardian
            guardians = await _guardians_of_school_or_class(session, a.event, a.today)
            found.append([Recipient(gid, None) for gid in guardians])
            continue
        pairs = sorted((gid, sid) for sid in set(ids) for gid in of_student[sid])
        found.append([Recipient(gid, sid) for gid, sid in pairs])
    return found


def _has_consent() -> ColumnElement[bool]:
    """`Guardian.has_consent`, as SQL."""
    return and_(
        col(Guardian.consent_given_at).is_not(None), col(Guardian.consent_withdrawn_at).is_(None)
    )


async def _students_of(
    session: AsyncSession, event: Event, *, policy: SchoolPolicy, today: dt.date
) -> list[int] | None:
    if isinstance(event, MarkPosted | MarkChanged | MarkDeleted):
        # Seed 002 §2.6: no marks in grade 1, so no messages about them either.
        return [] if event.lesson.grade < policy.marks_from_grade else [event.student_id]
    if isinstance(event, PeriodMarkSet):
        return [] if event.grade < policy.marks_from_grade else [event.student_id]
    if isinstance(event, AttendanceMarked | RemarkPosted):
        return [event.student_id]
    if isinstance(event, HomeworkSet | HomeworkChanged):
        if event.student_ids:
            return list(event.student_ids)
        return await _members_of_lesson(session, event.lesson)
    if isinstance(event, AnnouncementPosted):
        return None
    return []


async def _members_of_lesson(session: AsyncSession, lesson: LessonRef) -> list[int]:
    on = lesson.date
    query = select(Enrollment.student_id).where(
        Enrollment.class_id == lesson.class_id,
        Enrollment.since <= on,
        (col(Enrollment.until).is_(None)) | (col(Enrollment.until) >= on),
    )
    students = set((await session.exec(query)).all())
    if lesson.group_id is not None:
        in_group = select(GroupMembership.student_id).where(
            GroupMembership.group_id == lesson.group_id,
            GroupMembership.since <= on,
            (col(GroupMembership.until).is_(None)) | (col(GroupMembership.until) >= on),
        )
        students &= set((await session.exec(in_group)).all())
    return sorted(students)


async def _guardians_of_school_or_class(
    session: AsyncSession, event: Event, today: dt.date
) -> list[int]:
    """The ids of the guardians with consent of the school's (or the class's) pupils."""
    assert isinstance(event, AnnouncementPosted)
    query = (
        select(Guardian.id)
        .join(StudentGuardian, col(StudentGuardian.guardian_id) == Guardian.id)
        .join(Enrollment, col(Enrollment.student_id) == StudentGuardian.student_id)
        .where(
            Guardian.school_id == event.school_id,
            _has_consent(),
            Enrollment.since <= today,
            (col(Enrollment.until).is_(None)) | (col(Enrollment.until) >= today),
        )
        .distinct()
        .order_by(col(Guardian.id))
    )
    if event.class_id is not None:
        query = query.where(Enrollment.class_id == event.class_id)
    return [gid for gid in (await session.exec(query)).all() if gid is not None]
