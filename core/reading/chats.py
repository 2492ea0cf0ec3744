"""Who a Telegram chat belongs to: the guardians and staff members linked to it.

The bot asks this on every update. A chat may follow several children: one guardian
row per school (siblings in two schools are two guardian rows with one chat), and
each guardian may have several children. Only consenting guardians' children and
unlocked staff count; a chat with neither is a stranger and is told nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.calendar import school_today
from core.models import Enrollment, Guardian, School, SchoolClass, Staff, Student, StudentGuardian
from core.models.base import utcnow


@dataclass(frozen=True)
class Child:
    """A child the chat follows, named as every answer about them names them."""

    student_id: int
    guardian_id: int
    school_id: int
    first_name: str
    last_name: str
    class_id: int | None
    class_name: str | None
    school_name: str

    @property
    def label(self) -> str:
        """«Пётр Соколов, 7Б»: which child an answer is about."""
        name = f"{self.first_name} {self.last_name}"
        return f"{name}, {self.class_name}" if self.class_name else name


@dataclass(frozen=True)
class LinkedStaff:
    staff_id: int
    school_id: int
    short_name: str
    school_name: str


@dataclass(frozen=True)
class ChatLinks:
    chat_id: int
    guardians: tuple[Guardian, ...] = ()
    children: tuple[Child, ...] = ()
    staff: tuple[LinkedStaff, ...] = ()
    language: str | None = None  # the linked guardian's chosen language, if any
    schools: dict[int, School] = field(default_factory=dict)

    @property
    def is_stranger(self) -> bool:
        return not self.guardians and not self.staff

    def child(self, student_id: int) -> Child | None:
        return next((c for c in self.children if c.student_id == student_id), None)


async def chat_links(session: AsyncSession, chat_id: int) -> ChatLinks:
    """Everything linked to `chat_id`, read in a handful of queries."""
    guardians = tuple(
        (
            await session.exec(
                select(Guardian)
                .where(Guardian.telegram_chat_id == chat_id)
                .order_by(col(Guardian.id))
            )
        ).all()
    )
    staff_rows = (
        await session.exec(
            select(Staff)
            .where(Staff.telegram_chat_id == chat_id, col(Staff.locked_at).is_(None))
            .order_by(col(Staff.id))
        )
    ).all()
    school_ids = {g.school_id for g in guardians} | {s.school_id for s in staff_rows}
    schools: dict[int, School] = {}
    if school_ids:
        rows = await session.exec(select(School).where(col(School.id).in_(school_ids)))
        schools = {s.id or 0: s for s in rows.all()}
    consenting = [g for g in guardians if g.has_consent]
    children = await _children(session, consenting, schools)
    staff = tuple(
        LinkedStaff(s.id or 0, s.school_id, s.short_name, schools[s.school_id].name)
        for s in staff_rows
    )
    language = next((g.language for g in guardians), None)
    return ChatLinks(chat_id, tuple(consenting), children, staff, language, schools)


async def _children(
    session: AsyncSession, guardians: list[Guardian], schools: dict[int, School]
) -> tuple[Child, ...]:
    if not guardians:
        return ()
    by_id = {g.id: g for g in guardians}
    rows = (
        await session.exec(
            select(Student, StudentGuardian.guardian_id)
            .join(StudentGuardian, col(StudentGuardian.student_id) == Student.id)
            .where(
                col(StudentGuardian.guardian_id).in_(list(by_id)),
                col(Student.left_on).is_(None),
            )
            .order_by(col(Student.last_name), col(Student.first_name), col(Student.id))
        )
    ).all()
    now = utcnow()
    children: list[Child] = []
    for student, guardian_id in rows:
        school = schools[student.school_id]
        klass = await _class_today(session, student.id or 0, school_today(school, now))
        children.append(
            Child(
                student_id=student.id or 0,
                guardian_id=guardian_id,
                school_id=student.school_id,
                first_name=student.first_name,
                last_name=student.last_name,
                class_id=klass.id if klass else None,
                class_name=klass.name if klass else None,
                school_name=school.name,
            )
        )
    return tuple(children)


async def _class_today(
    session: AsyncSession, student_id: int, today: dt.date
) -> SchoolClass | None:
    query = (
        select(SchoolClass)
        .join(Enrollment, col(Enrollment.class_id) == col(SchoolClass.id))
        .where(
            Enrollment.student_id == student_id,
            Enrollment.since <= today,
            (col(Enrollment.until).is_(None)) | (col(Enrollment.until) >= today),
        )
        .order_by(col(Enrollment.since).desc())
    )
    return (await session.exec(query.limit(1))).first()
