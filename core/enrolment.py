"""Who was in which class (and group) on a date: enrolments and group memberships are
dated, so a transfer keeps the history and a past lesson keeps its pupils."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, exists
from sqlalchemy.orm import Mapped
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from core.models import Enrollment, GroupMembership, Lesson, SchoolClass
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
    query = select(membership(student_id, class_id=class_id, group_id=group_id, on=on))
    return bool((await uow.session.exec(query)).one())


def membership(
    student_id: int | ColumnElement[int] | Mapped[int | None],
    *,
    class_id: int,
    group_id: int | None,
    on: dt.date,
) -> ColumnElement[bool]:
    """`is_member` as an expression, to be read with the student's row in one statement."""
    enrolled = _enrolled(student_id, class_id, on)
    return enrolled if group_id is None else and_(enrolled, _in_group(student_id, group_id, on))


def lesson_membership(student_id: ColumnElement[int]) -> ColumnElement[bool]:
    """`is_member` for the lesson of the statement it is put in (a `select` from
    `lesson`): the lesson's class, its group if it has one, its day."""
    lesson_day = col(Lesson.date)
    return and_(
        _enrolled(student_id, col(Lesson.class_id), lesson_day),
        col(Lesson.group_id).is_(None) | _in_group(student_id, col(Lesson.group_id), lesson_day),
    )


def _enrolled(student_id: Any, class_id: Any, on: Any) -> ColumnElement[bool]:
    return exists().where(
        col(Enrollment.student_id) == student_id,
        col(Enrollment.class_id) == class_id,
        col(Enrollment.since) <= on,
        (col(Enrollment.until).is_(None)) | (col(Enrollment.until) >= on),
    )


def _in_group(student_id: Any, group_id: Any, on: Any) -> ColumnElement[bool]:
    return exists().where(
        col(GroupMembership.student_id) == student_id,
        col(GroupMembership.group_id) == group_id,
        col(GroupMembership.since) <= on,
        (col(GroupMembership.until).is_(None)) | (col(GroupMembership.until) >= on),
    )
