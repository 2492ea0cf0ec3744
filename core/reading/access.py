"""Who may read a student's diary, and the reading unit of work.

A guardian reads only their own children, and only after consenting to the
processing of personal data (seed 003 §4.8). Staff read as core/permissions.py says
(seed 002 §2.4): the class teacher their class, a teacher the classes they teach, the
deputy director and administrators the whole school. Everyone else is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Self

from sqlmodel import col, select

from core.actors import Actor, GuardianActor, StaffActor
from core.calendar import school_today
from core.enrolment import class_on
from core.errors import Forbidden
from core.models import (
    Enrollment,
    Guardian,
    Role,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
)
from core.permissions import load_staff, require_class_reader, require_role
from core.policy import SchoolPolicy, policy_of
from core.reading.views import StudentCard
from core.rows import get_in_school
from core.uow import UnitOfWork


class ReadingUnit(UnitOfWork):
    """A unit of work that only reads: a plain session, so reading a diary never takes
    SQLite's write lock and never waits behind a teacher's entry. It cannot commit."""

    async def __aenter__(self) -> Self:
        self._refuse_nesting()
        kept = self._kept_session()
        self._session = kept if kept is not None else self.db.session()
        self._events = []
        self.committed_events = []
        return self

    async def commit(self) -> None:
        raise RuntimeError("a reading unit of work writes nothing")


@dataclass(frozen=True)
class ReadScope:
    """A student someone may read, with what every page about them needs."""

    student: Student
    school: School
    policy: SchoolPolicy
    today: dt.date  # the school's date now
    for_family: bool  # a guardian reads: only what families are told (remarks ticked)


async def open_student(uow: UnitOfWork, actor: Actor, student_id: int) -> ReadScope:
    """The student if `actor` may read their diary; Forbidden or NotFound otherwise."""
    if isinstance(actor, GuardianActor):
        await _require_guardian_of(uow, actor, student_id)
        student = await get_in_school(uow, Student, student_id, actor.school_id, "student")
        return await _scope(uow, student, for_family=True)
    if isinstance(actor, StaffActor):
        staff = await load_staff(uow, actor)
        student = await get_in_school(uow, Student, student_id, staff.school_id, "student")
        scope = await _scope(uow, student, for_family=False)
        await _require_staff_reader(uow, staff, scope)
        return scope
    raise Forbidden("diary_readers_only")


async def _scope(uow: UnitOfWork, student: Student, *, for_family: bool) -> ReadScope:
    school = await uow.session.get(School, student.school_id)
    assert school is not None
    today = school_today(school, uow.now())
    return ReadScope(student, school, policy_of(school), today, for_family)


async def _require_staff_reader(uow: UnitOfWork, staff: Staff, scope: ReadScope) -> None:
    klass = await current_class(uow, scope.student, scope.today)
    if klass is None:
        # In no class at all: only those who read the whole school.
        require_role(staff, Role.deputy, Role.admin)
        return
    await require_class_reader(uow, staff, klass)


async def _require_guardian_of(uow: UnitOfWork, actor: GuardianActor, student_id: int) -> None:
    guardian = await uow.session.get(Guardian, actor.guardian_id)
    if guardian is None or guardian.school_id != actor.school_id:
        raise Forbidden("not_your_child")
    if not guardian.has_consent:
        raise Forbidden("consent_missing")
    link = select(StudentGuardian.id).where(
        StudentGuardian.guardian_id == guardian.id, StudentGuardian.student_id == student_id
    )
    # The same answer whether the child exists or not: nothing is revealed about others.
    if (await uow.session.exec(link.limit(1))).first() is None:
        raise Forbidden("not_your_child")


async def current_class(uow: UnitOfWork, student: Student, on: dt.date) -> SchoolClass | None:
    """The student's class on `on`, else the last class they were in (a pupil who left)."""
    klass = await class_on(uow, student.id or 0, school_id=student.school_id, on=on)
    if klass is not None:
        return klass
    query = (
        select(SchoolClass)
        .join(Enrollment, col(Enrollment.class_id) == col(SchoolClass.id))
        .where(Enrollment.student_id == student.id, Enrollment.since <= on)
        .order_by(col(Enrollment.since).desc())
    )
    return (await uow.session.exec(query.limit(1))).first()


async def student_card(uow: UnitOfWork, scope: ReadScope, on: dt.date) -> StudentCard:
    """The student as a page about `on` names them: their class on that day."""
    klass = await current_class(uow, scope.student, on)
    student = scope.student
    return StudentCard(
        student_id=student.id or 0,
        first_name=student.first_name,
        last_name=student.last_name,
        middle_name=student.middle_name,
        class_name=klass.name if klass else None,
        school_name=scope.school.name,
    )
