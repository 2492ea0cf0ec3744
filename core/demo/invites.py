"""Invite codes for the demo school, so a newcomer can subscribe to the bot at once.

Codes are stored only as hashes, so the plain ones exist once: here, right after the
demo school is loaded. They are issued through `core.services.invites.issue_invite`,
as the school's administrator would: a few parents of the class whose teacher is in
the demo logins, one parent with children in two classes, and that class teacher.
Which people get them is fixed by the data; the codes themselves are random.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.actors import StaffActor
from core.db import Database
from core.i18n import DEFAULT_LANGUAGE, Texts, texts
from core.models import Enrollment, Guardian, Role, SchoolClass, Staff, Student, StudentGuardian
from core.services.invites import MAX_TTL_DAYS, issue_invite
from core.uow import UnitOfWork

PARENTS_OF_ONE_CLASS = 4


@dataclass(frozen=True)
class DemoInvite:
    """A plain code and whose it is, as the demo's invite sheet shows it."""

    kind: str  # guardian | staff
    code: str
    name: str  # the guardian's or staff member's full name
    about: list[str]  # the children («Пётр Соколов, 7Б»), or the staff member's role
    expires_at: dt.datetime

    def to_json(self) -> dict[str, object]:
        return asdict(self) | {"expires_at": self.expires_at.isoformat()}


@dataclass(frozen=True)
class _Holder:
    kind: str
    person_id: int
    name: str
    about: list[str]


async def issue_demo_invites(
    db: Database, *, school_id: int, language: str = DEFAULT_LANGUAGE
) -> list[DemoInvite]:
    """Issue the demo codes (a year long, so a later `zvonok run` still finds them good);
    a staff member's role is named in `language`."""
    async with db.session() as session:
        admin = await _admin_id(session, school_id)
        holders = await _holders(session, school_id, texts("core", language))
    actor = StaffActor(staff_id=admin, school_id=school_id)
    invites = []
    for holder in holders:
        target = (
            {"guardian_id": holder.person_id}
            if holder.kind == "guardian"
            else {"staff_id": holder.person_id}
        )
        issued = await issue_invite(UnitOfWork(db), actor=actor, ttl_days=MAX_TTL_DAYS, **target)
        invites.append(
            DemoInvite(holder.kind, issued.code, holder.name, holder.about, issued.expires_at)
        )
    return invites


async def _admin_id(session: AsyncSession, school_id: int) -> int:
    query = select(Staff).where(Staff.school_id == school_id).order_by(col(Staff.id))
    staff = (await session.exec(query)).all()
    return next(s.id for s in staff if Role.admin.value in s.roles and s.id is not None)


async def _holders(session: AsyncSession, school_id: int, t: Texts) -> list[_Holder]:
    klass = await _demo_class(session, school_id)
    guardian_ids = await _parents_of_class(session, klass)
    sibling = await _parent_of_children_in_two_classes(session, school_id, set(guardian_ids))
    if sibling is not None:
        guardian_ids.append(sibling)
    holders = [await _guardian_holder(session, g) for g in guardian_ids]
    teacher = await session.get(Staff, klass.class_teacher_id)
    if teacher is not None and teacher.id is not None:
        name = " ".join(
            p for p in (teacher.last_name, teacher.first_name, teacher.middle_name) if p
        )
        role = t.pgettext("demo login", "Class teacher of %(klass)s", klass=klass.name)
        holders.append(_Holder("staff", teacher.id, name, [role]))
    return holders


async def _demo_class(session: AsyncSession, school_id: int) -> SchoolClass:
    """The class of the demo logins' class teacher: the first from grade 5 with one."""
    classes = (
        await session.exec(
            select(SchoolClass)
            .where(
                SchoolClass.school_id == school_id, col(SchoolClass.class_teacher_id).is_not(None)
            )
            .order_by(col(SchoolClass.id))
        )
    ).all()
    return next((k for k in classes if k.grade >= 5), classes[0])


async def _parents_of_class(session: AsyncSession, klass: SchoolClass) -> list[int]:
    """One guardian for each of the class's first students, in alphabetical order."""
    rows = (
        await session.exec(
            select(StudentGuardian.student_id, StudentGuardian.guardian_id)
            .join(Student, col(Student.id) == StudentGuardian.student_id)
            .join(Enrollment, col(Enrollment.student_id) == StudentGuardian.student_id)
            .where(Enrollment.class_id == klass.id, col(Enrollment.until).is_(None))
            .order_by(col(Student.last_name), col(Student.first_name), col(StudentGuardian.id))
        )
    ).all()
    chosen: dict[int, int] = {}  # student → guardian
    for student_id, guardian_id in rows:
        if student_id not in chosen and guardian_id not in chosen.values():
            chosen[student_id] = guardian_id
    return list(chosen.values())[:PARENTS_OF_ONE_CLASS]


async def _parent_of_children_in_two_classes(
    session: AsyncSession, school_id: int, taken: set[int]
) -> int | None:
    rows = (
        await session.exec(
            select(StudentGuardian.guardian_id, Enrollment.class_id)
            .join(Enrollment, col(Enrollment.student_id) == StudentGuardian.student_id)
            .where(StudentGuardian.school_id == school_id, col(Enrollment.until).is_(None))
            .order_by(col(StudentGuardian.guardian_id))
        )
    ).all()
    classes: dict[int, set[int]] = {}
    for guardian_id, class_id in rows:
        classes.setdefault(guardian_id, set()).add(class_id)
    return next((g for g, k in classes.items() if len(k) > 1 and g not in taken), None)


async def _guardian_holder(session: AsyncSession, guardian_id: int) -> _Holder:
    guardian = await session.get(Guardian, guardian_id)
    assert guardian is not None
    rows = (
        await session.exec(
            select(Student.first_name, Student.last_name, SchoolClass.grade, SchoolClass.letter)
            .join(StudentGuardian, col(StudentGuardian.student_id) == Student.id)
            .join(Enrollment, col(Enrollment.student_id) == Student.id)
            .join(SchoolClass, col(SchoolClass.id) == Enrollment.class_id)
            .where(StudentGuardian.guardian_id == guardian_id, col(Enrollment.until).is_(None))
            .order_by(col(SchoolClass.grade), col(Student.first_name))
        )
    ).all()
    children = [f"{first} {last}, {grade}{letter}" for first, last, grade, letter in rows]
    return _Holder("guardian", guardian_id, guardian.full_name, children)
