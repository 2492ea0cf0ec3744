"""Students' guardians (законные представители): adding them and linking a second child.

The administrator and the secretary keep the roster; the class teacher, who hands
out parents' invite codes (seed 002 §2.3), keeps their students' guardians too.
A guardian gets no message until they consent (seed 003 §4.8): by the bot with an
invite code, or on a paper form (`core.services.consent`). Whether one wants the weekly
summary on paper is kept here too (`set_paper_summary`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlmodel import col, select

from core.actors import StaffActor
from core.contacts import check_language, clean_names, normalize_email, normalize_phone
from core.errors import RuleViolation
from core.models import Guardian, Student, StudentGuardian
from core.permissions import load_staff, require_people_manager
from core.rows import get_in_school
from core.uow import UnitOfWork, snapshot, transactional


async def _student_for_guardians(uow: UnitOfWork, actor: StaffActor, student_id: int) -> Student:
    staff = await load_staff(uow, actor)
    student = await get_in_school(uow, Student, student_id, staff.school_id, "student")
    await require_people_manager(uow, staff, student_id)
    if student.left_on is not None:
        raise RuleViolation("student_already_left", student=student.full_name)
    return student


def guardian_row(
    *,
    school_id: int,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    phone: str | None = None,
    email: str | None = None,
    language: str = "ru",
    now: dt.datetime,
) -> Guardian:
    """A new guardian with names cleaned and contacts normalized (phone in E.164), not yet
    added to the session: `add_guardian` and the roster import both build them here."""
    last, first, middle = clean_names(last_name, first_name, middle_name)
    phone_e164 = normalize_phone(phone) if phone and phone.strip() else None
    email_norm = normalize_email(email) if email and email.strip() else None
    check_language(language)
    return Guardian(
        school_id=school_id,
        last_name=last,
        first_name=first,
        middle_name=middle,
        phone=phone_e164,
        email=email_norm,
        language=language,
        created_at=now,
    )


def link_row(student: Student, guardian: Guardian, relation: str) -> StudentGuardian:
    return StudentGuardian(
        school_id=student.school_id,
        student_id=student.id or 0,
        guardian_id=guardian.id or 0,
        relation=" ".join(relation.split()),
    )


async def _link(
    uow: UnitOfWork, actor: StaffActor, student: Student, guardian: Guardian, relation: str
) -> StudentGuardian:
    query = select(StudentGuardian.id).where(
        StudentGuardian.student_id == student.id, StudentGuardian.guardian_id == guardian.id
    )
    if (await uow.session.exec(query)).first() is not None:
        raise RuleViolation(
            "guardian_already_linked", guardian=guardian.full_name, student=student.full_name
        )
    link = link_row(student, guardian, relation)
    await uow.save(link, school_id=student.school_id, action="create", actor_id=actor.staff_id)
    return link


async def guardians_by_phone(
    uow: UnitOfWork, school_id: int, phones: Collection[str]
) -> dict[str, Guardian]:
    """The school's guardians who have one of these (E.164) phones, by phone."""
    found: dict[str, Guardian] = {}
    wanted = sorted(set(phones))
    for start in range(0, len(wanted), 500):  # bounded IN lists for any backend
        query = select(Guardian).where(
            Guardian.school_id == school_id, col(Guardian.phone).in_(wanted[start : start + 500])
        )
        for guardian in (await uow.session.exec(query)).all():
            found.setdefault(guardian.phone or "", guardian)
    return found


def refuse_known_phone(phone: str, same: Guardian | None) -> None:
    # The same parent typed in twice would get every message twice.
    if same is not None:
        raise RuleViolation("guardian_phone_taken", phone=phone, guardian=same.full_name)


async def add_guardian_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    student_id: int,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    phone: str | None = None,
    email: str | None = None,
    language: str = "ru",
    relation: str = "",
) -> Guardian:
    """Add a parent or other legal representative of a student (administrator,
    secretary, or the student's class teacher). Consent comes later: by the bot
    with an invite code, or from a paper form."""
    guardian = guardian_row(
        school_id=actor.school_id,
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
        phone=phone,
        email=email,
        language=language,
        now=uow.now(),
    )
    student = await _student_for_guardians(uow, actor, student_id)
    if guardian.phone is not None:
        known = await guardians_by_phone(uow, student.school_id, [guardian.phone])
        refuse_known_phone(guardian.phone, known.get(guardian.phone))
    await uow.save(guardian, action="create", actor_id=actor.staff_id)
    await _link(uow, actor, student, guardian, relation)
    return guardian


add_guardian = transactional(add_guardian_in)


async def link_guardian_in(
    uow: UnitOfWork, *, actor: StaffActor, student_id: int, guardian_id: int, relation: str = ""
) -> StudentGuardian:
    """Name an existing guardian for another student (a second child at the school)."""
    student = await _student_for_guardians(uow, actor, student_id)
    guardian = await get_in_school(uow, Guardian, guardian_id, student.school_id, "guardian")
    link = await _link(uow, actor, student, guardian, relation)
    return link


link_guardian = transactional(link_guardian_in)


async def set_paper_summary_in(
    uow: UnitOfWork, *, actor: StaffActor, guardian_id: int, wants: bool
) -> Guardian:
    """Record that a guardian wants (or no longer wants) the weekly summary on paper.

    For those who keep a student's guardians: the class teacher, the administrators
    and the secretary (core.permissions.require_people_manager). Audited.
    """
    if not isinstance(wants, bool):
        raise RuleViolation("bad_value", reason="yes_or_no")
    staff = await load_staff(uow, actor)
    guardian = await get_in_school(uow, Guardian, guardian_id, staff.school_id, "guardian")
    children = select(StudentGuardian.student_id).where(StudentGuardian.guardian_id == guardian_id)
    await require_people_manager(uow, staff, *(await uow.session.exec(children)).all())
    if guardian.wants_paper_summary != wants:
        old = snapshot(guardian)
        guardian.wants_paper_summary = wants
        await uow.save(guardian, action="update", actor_id=staff.id, old=old)
    return guardian


set_paper_summary = transactional(set_paper_summary_in)
