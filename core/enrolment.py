"""Who was in which class (and group) on a date: enrolments and group memberships are
dated, so a transfer keeps the history and a past lesson keeps its pupils."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from core.models import Enrollment, GroupMembership, SchoolClass
from core.uow import UnitOfWork


async def class_on(
    uow: UnitOfWork, student_id: int, *, school_id: int, on: dt.date
) -> SchoolClass | None:
    """The class the student was enrolled in on that date, if any."""
    query = (
        select(SchoolClass)
        .join(Enrollment, col(Enrollment.class_id) == col(SchoolClass.id))
        .where(
            Enrollment.student_id == student_id,
            Enrollment.school_id == school_id,
            Enrollment.since <= on,
            (col(Enrollment.until).is_(None)) | (col(Enrollment.until) >= on),
        )
        .order_by(col(Enrollment.since).desc())
    )
    return (await uow.session.exec(query.limit(1))).first()


async def is_member(
    uow: UnitOfWork, student_id: int, *, class_id: int, group_id: int | None, on: dt.date
) -> bool:
    """Was the student in this class (and group) on that date?"""
    enrolled = select(Enrollment.id).where(
        Enrollment.student_id == student_id,
        Enrollment.class_id == class_id,
        Enrollment.since <= on,
        (col(Enrollment.until).is_(None)) | (col(Enrollment.until) >= on),
    )
    if (await uow.session.exec(enrolled.limit(1))).first() is None:
        return False
    if group_id is None:
        return True
    in_group = select(GroupMembership.id).where(
        GroupMembership.student_id == student_id,
        GroupMembership.group_id == group_id,
        GroupMembership.since <= on,
        (col(GroupMembership.until).is_(None)) | (col(GroupMembership.until) >= on),
    )
    return (await uow.session.exec(in_group.limit(1))).first() is not None
