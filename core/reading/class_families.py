"""A class's families as its class teacher looks after them: who is reachable and how,
who asked for the weekly summary on paper, and what the viewer may do about it.

Readable by the class teacher, the deputy director, the administrators and the
secretary (who keep the roster). What each of them may do on the page (post, hand out
invite codes, print, set the paper flag) is answered by the same permission rules the
services apply when they do it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable
from dataclasses import dataclass

from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
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
from core.permissions import (
    has_role,
    load_staff,
    require_announcer,
    require_class_reader,
    require_people_manager,
)
from core.policy import policy_of
from core.reading.reachability import Reach, load_contacts
from core.rows import get_in_school
from core.uow import UnitOfWork


@dataclass(frozen=True)
class FamilyGuardian:
    guardian_id: int
    name: str
    relation: str
    reach: Reach
    wants_paper_summary: bool


@dataclass(frozen=True)
class ClassStudent:
    student_id: int
    name: str  # «Соколов Пётр»
    guardians: tuple[FamilyGuardian, ...]

    @property
    def wants_paper(self) -> bool:
        """One of the student's guardians asked for the weekly summary on paper."""
        return any(g.wants_paper_summary for g in self.guardians)


@dataclass(frozen=True)
class ClassFamilies:
    class_id: int
    class_name: str
    today: dt.date
    students: tuple[ClassStudent, ...]
    may_post: bool  # announcements and the monthly message
    may_invite: bool  # invite codes; also the paper flag
    may_print: bool  # the weekly summary

    @property
    def guardians(self) -> list[FamilyGuardian]:
        """Each guardian once, in the order of their first child."""
        seen: dict[int, FamilyGuardian] = {}
        for student in self.students:
            for guardian in student.guardians:
                seen.setdefault(guardian.guardian_id, guardian)
        return list(seen.values())

    @property
    def unsubscribed(self) -> int:
        """Guardians not (or no longer) in the bot: who an invite sheet is for."""
        return sum(1 for g in self.guardians if not g.reach.subscribed)

    @property
    def paper_students(self) -> int:
        return sum(1 for s in self.students if s.wants_paper)


async def class_students(uow: UnitOfWork, klass: SchoolClass, on: dt.date) -> list[Student]:
    """The students enrolled in the class on `on`, by surname and name."""
    query = (
        select(Student)
        .join(Enrollment, col(Enrollment.student_id) == Student.id)
        .where(
            Enrollment.class_id == klass.id,
            Enrollment.since <= on,
            (col(Enrollment.until).is_(None)) | (col(Enrollment.until) >= on),
        )
        .order_by(col(Student.last_name), col(Student.first_name), col(Student.id))
    )
    rows = (await uow.session.exec(query)).all()
    return list({student.id: student for student in rows}.values())


async def class_families(uow: UnitOfWork, *, actor: StaffActor, class_id: int) -> ClassFamilies:
    """The class's students today, each with their guardians' reachability and paper flag."""
    async with uow:
        staff = await load_staff(uow, actor)
        klass = await get_in_school(uow, SchoolClass, class_id, staff.school_id, "class")
        if klass.class_teacher_id != staff.id and not has_role(
            staff, Role.deputy, Role.admin, Role.secretary
        ):
            raise Forbidden("class_families_forbidden", klass=klass.name)
        school = await uow.session.get(School, staff.school_id)
        assert school is not None
        today = school_today(school, uow.now())
        students = await class_students(uow, klass, today)
        links = await _guardians_of(uow, [s.id or 0 for s in students])
        contacts = await load_contacts(
            uow.session, (g.id or 0 for _, g, _ in links), policy=policy_of(school)
        )
        by_student: dict[int, list[FamilyGuardian]] = {}
        for student_id, guardian, relation in links:
            line = FamilyGuardian(
                guardian_id=guardian.id or 0,
                name=guardian.full_name,
                relation=relation,
                reach=contacts.reach(guardian),
                wants_paper_summary=guardian.wants_paper_summary,
            )
            by_student.setdefault(student_id, []).append(line)
        rows = tuple(
            ClassStudent(
                student_id=s.id or 0,
                name=f"{s.last_name} {s.first_name}",
                guardians=tuple(by_student.get(s.id or 0, [])),
            )
            for s in students
        )
        return ClassFamilies(
            class_id=class_id,
            class_name=klass.name,
            today=today,
            students=rows,
            may_post=_may_post(staff, klass),
            may_invite=await _allowed(
                require_people_manager(uow, staff, *(s.id or 0 for s in students))
            ),
            may_print=await _allowed(require_class_reader(uow, staff, klass)),
        )


async def _guardians_of(uow: UnitOfWork, student_ids: list[int]) -> list[tuple[int, Guardian, str]]:
    if not student_ids:
        return []
    query = (
        select(StudentGuardian.student_id, Guardian, StudentGuardian.relation)
        .join(Guardian, col(Guardian.id) == StudentGuardian.guardian_id)
        .where(col(StudentGuardian.student_id).in_(student_ids))
        .order_by(col(Guardian.last_name), col(Guardian.first_name), col(Guardian.id))
    )
    return [(sid, g, rel) for sid, g, rel in (await uow.session.exec(query)).all()]


def _may_post(staff: Staff, klass: SchoolClass) -> bool:
    try:
        require_announcer(staff, klass)
    except Forbidden:
        return False
    return True


async def _allowed(check: Awaitable[None]) -> bool:
    """Whether a permission check of core.permissions (raising Forbidden) lets it pass."""
    try:
        await check
    except Forbidden:
        return False
    return True
