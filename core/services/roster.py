"""The roster: enrolment, transfer and leaving (guardians: `core.services.guardians`).

Seed 002 §2.3: the secretary reports an arrival or a departure on its day and the
administrator updates the journal within a day; seed 004: enrolment, expulsion and
transfer between classes follow the director's order. History is never rewritten:
an enrolment is closed (`until`, `end_reason`) and a new one opened, so a mark given
in the old class before the transfer stays valid.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from core.actors import StaffActor
from core.contacts import clean_names
from core.errors import RuleViolation
from core.events import RosterChanged
from core.limits import check_length
from core.models import (
    AcademicYear,
    Enrollment,
    Group,
    GroupMembership,
    SchoolClass,
    Staff,
    Student,
)
from core.permissions import roster_keeper
from core.rows import get_in_school
from core.services.guardians import add_guardian, link_guardian
from core.uow import UnitOfWork, snapshot, transactional

# add_guardian and link_guardian are part of the roster's interface as well.
__all__ = [
    "add_guardian",
    "check_class_year",
    "enrol_student",
    "enrolled_event",
    "enrollment_row",
    "link_guardian",
    "remove_student",
    "student_row",
    "transfer_student",
]

DAY = dt.timedelta(days=1)


def check_class_year(klass: SchoolClass, year: AcademicYear, on: dt.date) -> None:
    """Refuse a date outside the class's academic year."""
    if not year.starts_on <= on <= year.ends_on:
        raise RuleViolation("date_outside_year", date=on, year=year.name, klass=klass.name)


async def _class_on(uow: UnitOfWork, staff: Staff, class_id: int, on: dt.date) -> SchoolClass:
    """The class, refusing a date outside its academic year."""
    klass = await get_in_school(uow, SchoolClass, class_id, staff.school_id, "class")
    year = await uow.session.get(AcademicYear, klass.year_id)
    assert year is not None  # a foreign key
    check_class_year(klass, year, on)
    return klass


def student_row(
    *,
    school_id: int,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    birth_date: dt.date | None,
    on: dt.date,
    now: dt.datetime,
) -> Student:
    """A new student as the roster admits one (names cleaned, born before `on`), not yet
    added to the session: `enrol_student` and the roster import both build them here."""
    last, first, middle = clean_names(last_name, first_name, middle_name)
    if birth_date is not None and birth_date >= on:
        raise RuleViolation("bad_birth_date", date=birth_date, on=on)
    return Student(
        school_id=school_id,
        last_name=last,
        first_name=first,
        middle_name=middle,
        birth_date=birth_date,
        created_at=now,
    )


def enrollment_row(
    *, school_id: int, student_id: int, class_id: int, on: dt.date, reason: str
) -> Enrollment:
    return Enrollment(
        school_id=school_id, student_id=student_id, class_id=class_id, since=on, reason=reason
    )


def enrolled_event(student: Student, class_id: int) -> RosterChanged:
    return RosterChanged(
        school_id=student.school_id,
        student_id=student.id or 0,
        change="enrolled",
        from_class_id=None,
        to_class_id=class_id,
    )


async def _current_enrollment(
    uow: UnitOfWork, staff: Staff, student_id: int
) -> tuple[Student, Enrollment, SchoolClass]:
    student = await get_in_school(uow, Student, student_id, staff.school_id, "student")
    if student.left_on is not None:
        raise RuleViolation("student_already_left", student=student.full_name)
    query = (
        select(Enrollment)
        .where(Enrollment.student_id == student_id, col(Enrollment.until).is_(None))
        .order_by(col(Enrollment.since).desc())
    )
    enrollment = (await uow.session.exec(query.limit(1))).first()
    if enrollment is None:
        raise RuleViolation("not_enrolled", student=student.full_name)
    klass = await uow.session.get(SchoolClass, enrollment.class_id)
    assert klass is not None
    return student, enrollment, klass


async def _close_enrollment(
    uow: UnitOfWork,
    staff: Staff,
    current: tuple[Student, Enrollment, SchoolClass],
    on: dt.date,
    end_reason: str,
) -> None:
    """End the enrolment on the day before `on`, and the class's groups with it."""
    student, enrollment, klass = current
    if on <= enrollment.since:
        raise RuleViolation(
            "roster_date_too_early",
            student=student.full_name,
            klass=klass.name,
            since=enrollment.since,
            date=on,
        )
    old = snapshot(enrollment)
    enrollment.until, enrollment.end_reason = on - DAY, end_reason
    await uow.save(
        enrollment, school_id=staff.school_id, action="update", actor_id=staff.id, old=old
    )
    query = (
        select(GroupMembership)
        .join(Group, col(Group.id) == GroupMembership.group_id)
        .where(
            GroupMembership.student_id == student.id,
            Group.class_id == klass.id,
            GroupMembership.since < on,
            (col(GroupMembership.until).is_(None)) | (col(GroupMembership.until) >= on),
        )
    )
    for membership in (await uow.session.exec(query)).all():
        old = snapshot(membership)
        membership.until = on - DAY
        await uow.save(
            membership, school_id=staff.school_id, action="update", actor_id=staff.id, old=old
        )


async def _open_enrollment(
    uow: UnitOfWork, staff: Staff, student_id: int, class_id: int, on: dt.date, reason: str
) -> Enrollment:
    enrollment = enrollment_row(
        school_id=staff.school_id, student_id=student_id, class_id=class_id, on=on, reason=reason
    )
    await uow.save(enrollment, school_id=staff.school_id, action="create", actor_id=staff.id)
    return enrollment


async def enrol_student_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    class_id: int,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    birth_date: dt.date | None = None,
    on: dt.date,
) -> Student:
    """Add a newly arrived student to a class from `on` (administrator or secretary)."""
    student = student_row(
        school_id=actor.school_id,
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
        birth_date=birth_date,
        on=on,
        now=uow.now(),
    )
    staff = await roster_keeper(uow, actor)
    klass = await _class_on(uow, staff, class_id, on)
    await uow.save(student, school_id=staff.school_id, action="create", actor_id=staff.id)
    await _open_enrollment(uow, staff, student.id or 0, class_id, on, "enrolled")
    uow.record(enrolled_event(student, klass.id or 0))
    return student


enrol_student = transactional(enrol_student_in)


async def transfer_student_in(
    uow: UnitOfWork, *, actor: StaffActor, student_id: int, to_class_id: int, on: dt.date
) -> Enrollment:
    """Move a student to another class from `on`; the old class's enrolment and
    groups end the day before, and stay in the history."""
    staff = await roster_keeper(uow, actor)
    current = await _current_enrollment(uow, staff, student_id)
    student, _enrollment, old_class = current
    if old_class.id == to_class_id:
        raise RuleViolation("same_class", student=student.full_name, klass=old_class.name)
    await _class_on(uow, staff, to_class_id, on)
    await _close_enrollment(uow, staff, current, on, "transferred")
    enrollment = await _open_enrollment(uow, staff, student_id, to_class_id, on, "transferred")
    uow.record(
        RosterChanged(
            school_id=staff.school_id,
            student_id=student_id,
            change="transferred",
            from_class_id=old_class.id,
            to_class_id=to_class_id,
        )
    )
    return enrollment


transfer_student = transactional(transfer_student_in)


async def remove_student_in(
    uow: UnitOfWork, *, actor: StaffActor, student_id: int, on: dt.date, reason: str = "left"
) -> Student:
    """Record that a student leaves the school on `on` (their last day is the day
    before). Guardians stay linked: the history must still name them."""
    reason = check_length("reason", reason.strip())
    if not reason:
        raise RuleViolation("leave_reason_required")
    staff = await roster_keeper(uow, actor)
    current = await _current_enrollment(uow, staff, student_id)
    student, _enrollment, klass = current
    await _close_enrollment(uow, staff, current, on, reason)
    old = snapshot(student)
    student.left_on = on
    await uow.save(student, school_id=staff.school_id, action="update", actor_id=staff.id, old=old)
    uow.record(
        RosterChanged(
            school_id=staff.school_id,
            student_id=student_id,
            change="left",
            from_class_id=klass.id,
            to_class_id=None,
        )
    )
    return student


remove_student = transactional(remove_student_in)
