"""Who a chat belongs to, in Telegram or MAX: the guardians and staff members linked to it.

The bot asks this on every update. A chat may follow several children: one guardian
row per school (siblings in two schools are two guardian rows with one chat), and
each guardian may have several children. Only consenting guardians' children and
unlocked staff count; a chat with neither is a stranger and is told nothing. Links
to a school that does not offer the chat's messenger (`SchoolPolicy.messengers`) do
not count either: nothing about its pupils goes through a messenger it did not
choose; those schools are named in `elsewhere`, so the bot can say where they went.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.calendar import school_today
from core.messengers import MessengerChat, chat_column
from core.models import Enrollment, Guardian, School, SchoolClass, Staff, Student, StudentGuardian
from core.models.base import utcnow
from core.policy import policy_of


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
    chat: MessengerChat
    guardians: tuple[Guardian, ...] = ()
    children: tuple[Child, ...] = ()
    staff: tuple[LinkedStaff, ...] = ()
    language: str | None = None  # the linked guardian's chosen language, if any
    schools: dict[int, School] = field(default_factory=dict)
    # Schools linked to this chat that no longer offer its messenger (their rows are
    # left out above), by id: the bot may tell the parent which messenger they use.
    elsewhere: tuple[School, ...] = ()

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def is_stranger(self) -> bool:
        return not self.guardians and not self.staff

    def child(self, student_id: int) -> Child | None:
        return next((c for c in self.children if c.student_id == student_id), None)


async def chat_links(session: AsyncSession, chat: MessengerChat) -> ChatLinks:
    """Everything linked to `chat`, read in a handful of queries."""
    guardians = (
        await session.exec(
            select(Guardian)
            .where(chat_column(Guardian, chat.messenger) == chat.id)
            .order_by(col(Guardian.id))
        )
    ).all()
    staff_rows = (
        await session.exec(
            select(Staff)
            .where(chat_column(Staff, chat.messenger) == chat.id, col(Staff.locked_at).is_(None))
            .order_by(col(Staff.id))
        )
    ).all()
    school_ids = {g.school_id for g in guardians} | {s.school_id for s in staff_rows}
    schools: dict[int, School] = {}
    if school_ids:
        rows = await session.exec(select(School).where(col(School.id).in_(school_ids)))
        schools = {s.id or 0: s for s in rows.all()}
    offering = {
        sid for sid, s in schools.items() if chat.messenger.value in policy_of(s).messengers
    }
    elsewhere = tuple(schools[sid] for sid in sorted(set(schools) - offering))
    schools = {sid: s for sid, s in schools.items() if sid in offering}
    guardians = [g for g in guardians if g.school_id in offering]
    staff_rows = [s for s in staff_rows if s.school_id in offering]
    consenting = [g for g in guardians if g.has_consent]
    children = await _children(session, consenting, schools)
    staff = tuple(
        LinkedStaff(s.id or 0, s.school_id, s.short_name, schools[s.school_id].name)
        for s in staff_rows
    )
    language = next((g.language for g in guardians), None)
    return ChatLinks(chat, tuple(consenting), children, staff, language, schools, elsewhere)


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
