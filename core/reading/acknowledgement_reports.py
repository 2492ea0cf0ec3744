"""Who has signed «Ознакомлен» and who not yet: what the class teacher reads.

For an announcement: every guardian of its audience (the class's families on the day
it was posted, or the school's for a school-wide one), with the time of their press or
none yet. For a week's summary: the student's guardians.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from core.actors import StaffActor
from core.errors import Forbidden, NotFound
from core.models import (
    Acknowledgement,
    Announcement,
    Enrollment,
    Guardian,
    Role,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
)
from core.permissions import has_role, is_class_teacher_of, load_staff
from core.rows import get_in_school
from core.uow import UnitOfWork


@dataclass(frozen=True)
class AckStatus:
    """One guardian's line: through which children they are concerned, and their press."""

    guardian_id: int
    guardian_name: str
    children: tuple[str, ...]  # children's full names, within the audience
    has_consent: bool  # without it they get no message, so cannot acknowledge
    at: dt.datetime | None  # UTC; None: not yet
    local_at: dt.datetime | None  # the same on the school's clock
    via: str | None


async def _announcement_for_reader(
    uow: UnitOfWork, staff: Staff, announcement_id: int
) -> Announcement:
    announcement = await get_in_school(
        uow, Announcement, announcement_id, staff.school_id, "announcement"
    )
    if announcement.deleted_at is not None:
        raise NotFound(what="announcement")
    if announcement.created_by == staff.id or has_role(staff, Role.deputy, Role.admin):
        return announcement
    if announcement.class_id is not None:
        klass = await uow.session.get(SchoolClass, announcement.class_id)
        if klass is not None and klass.class_teacher_id == staff.id:
            return announcement
    raise Forbidden("ack_reader_forbidden")


async def _audience(
    uow: UnitOfWork, school_id: int, class_id: int | None, on: dt.date
) -> list[tuple[Guardian, Student]]:
    """(guardian, child) for each child enrolled in the class (or school) that day."""
    query = (
        select(Guardian, Student)
        .join(StudentGuardian, col(StudentGuardian.guardian_id) == Guardian.id)
        .join(Student, col(Student.id) == StudentGuardian.student_id)
        .join(Enrollment, col(Enrollment.student_id) == Student.id)
        .where(
            Guardian.school_id == school_id,
            Enrollment.since <= on,
            (col(Enrollment.until).is_(None)) | (col(Enrollment.until) >= on),
        )
    )
    if class_id is not None:
        query = query.where(Enrollment.class_id == class_id)
    return [(g, s) for g, s in (await uow.session.exec(query)).all()]


async def _presses(uow: UnitOfWork, subject: str) -> dict[int, Acknowledgement]:
    query = select(Acknowledgement).where(Acknowledgement.subject == subject)
    return {a.guardian_id: a for a in (await uow.session.exec(query)).all()}


async def _statuses(
    uow: UnitOfWork, school: School, pairs: list[tuple[Guardian, Student]], subject: str
) -> list[AckStatus]:
    presses = await _presses(uow, subject)
    guardians: dict[int, Guardian] = {}
    children: dict[int, list[str]] = {}
    for guardian, student in pairs:
        guardians[guardian.id or 0] = guardian
        names = children.setdefault(guardian.id or 0, [])
        if student.full_name not in names:
            names.append(student.full_name)
    for guardian_id in presses.keys() - guardians.keys():  # joined the class since
        late = await uow.session.get(Guardian, guardian_id)
        if late is not None:
            guardians[guardian_id], children[guardian_id] = late, []
    zone = ZoneInfo(school.timezone)
    lines = []
    for gid, guardian in guardians.items():
        press = presses.get(gid)
        lines.append(
            AckStatus(
                guardian_id=gid,
                guardian_name=guardian.full_name,
                children=tuple(sorted(children[gid])),
                has_consent=guardian.has_consent,
                at=press.at if press else None,
                local_at=press.at.astimezone(zone) if press else None,
                via=press.via if press else None,
            )
        )
    return sorted(lines, key=lambda line: (line.guardian_name, line.guardian_id))


async def announcement_acknowledgements(
    uow: UnitOfWork, *, actor: StaffActor, announcement_id: int
) -> list[AckStatus]:
    """Each guardian the announcement was for, with their «Ознакомлен» or none yet.

    Readable by its author, the class's class teacher, the deputy director and the
    administrators.
    """
    async with uow:
        staff = await load_staff(uow, actor)
        announcement = await _announcement_for_reader(uow, staff, announcement_id)
        school = await uow.session.get(School, announcement.school_id)
        assert school is not None
        posted_on = announcement.created_at.astimezone(ZoneInfo(school.timezone)).date()
        pairs = await _audience(uow, school.id or 0, announcement.class_id, posted_on)
        return await _statuses(uow, school, pairs, f"announcement:{announcement_id}")


async def week_acknowledgements(
    uow: UnitOfWork, *, actor: StaffActor, student_id: int, monday: dt.date
) -> list[AckStatus]:
    """The student's guardians and whether each signed the week's summary.

    Readable by the student's class teacher, the deputy director and the administrators.
    """
    async with uow:
        staff = await load_staff(uow, actor)
        student = await get_in_school(uow, Student, student_id, staff.school_id, "student")
        if not has_role(staff, Role.deputy, Role.admin) and not await is_class_teacher_of(
            uow, staff, student_id
        ):
            raise Forbidden("ack_reader_forbidden")
        school = await uow.session.get(School, student.school_id)
        assert school is not None
        query = (
            select(Guardian)
            .join(StudentGuardian, col(StudentGuardian.guardian_id) == Guardian.id)
            .where(StudentGuardian.student_id == student_id)
        )
        pairs = [(g, student) for g in (await uow.session.exec(query)).all()]
        subject = f"week:{student_id}:{monday.isoformat()}"
        return await _statuses(uow, school, pairs, subject)
