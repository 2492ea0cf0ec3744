"""Who hears of an event: the guardians of the students it is about, with consent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Recipient:
    guardian: Guardian
    student_id: int | None  # None: a message for the family, not about one child


async def recipients_of(
    session: AsyncSession, event: Event, *, policy: SchoolPolicy, today: dt.date
) -> list[Recipient]:
    """Guardians with consent who should hear of `event`, one entry per child concerned."""
    students = await _students_of(session, event, policy=policy, today=today)
    if students is None:  # a school- or class-wide message: one per guardian
        guardians = await _guardians_of_school_or_class(session, event, today)
        return [Recipient(g, None) for g in guardians if g.has_consent]
    if not students:
        return []
    query = (
        select(StudentGuardian.student_id, Guardian)
        .join(Guardian, col(Guardian.id) == StudentGuardian.guardian_id)
        .where(col(StudentGuardian.student_id).in_(students))
        .order_by(col(Guardian.id), col(StudentGuardian.student_id))
    )
    rows = (await session.exec(query)).all()
    return [Recipient(g, sid) for sid, g in rows if g.has_consent]


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
) -> list[Guardian]:
    assert isinstance(event, AnnouncementPosted)
    query = (
        select(Guardian)
        .join(StudentGuardian, col(StudentGuardian.guardian_id) == Guardian.id)
        .join(Enrollment, col(Enrollment.student_id) == StudentGuardian.student_id)
        .where(
            Guardian.school_id == event.school_id,
            Enrollment.since <= today,
            (col(Enrollment.until).is_(None)) | (col(Enrollment.until) >= today),
        )
        .distinct()
        .order_by(col(Guardian.id))
    )
    if event.class_id is not None:
        query = query.where(Enrollment.class_id == event.class_id)
    return list((await session.exec(query)).all())
