"""Who has given, declined or withdrawn consent, on which version, class by class.

For the class teacher (their own classes) and the administration (the administrator
and the secretary: every class of the school). A class with pupils today
is listed; each pupil with each guardian's consent state and their last decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.errors import Forbidden
from core.models import (
    ConsentRecord,
    ConsentText,
    Guardian,
    Role,
    School,
    SchoolClass,
    StudentGuardian,
)
from core.permissions import has_role, load_staff
from core.reading.class_families import class_students
from core.uow import UnitOfWork


@dataclass(frozen=True)
class ConsentLine:
    student: str
    guardian_id: int
    guardian: str
    state: str  # given (in force) | declined | withdrawn | none
    version: int | None  # of the last decision
    at: dt.datetime | None
    channel: str | None


@dataclass(frozen=True)
class ClassConsent:
    class_id: int
    class_name: str
    lines: tuple[ConsentLine, ...]

    def count(self, state: str) -> int:
        return sum(1 for line in self.lines if line.state == state)


async def _last_records(uow: UnitOfWork, guardian_ids: list[int]) -> dict[int, ConsentRecord]:
    query = (
        select(ConsentRecord)
        .where(col(ConsentRecord.guardian_id).in_(guardian_ids))
        .order_by(col(ConsentRecord.at), col(ConsentRecord.id))
    )
    return {r.guardian_id: r for r in (await uow.session.exec(query)).all()}


def _line(student: str, guardian: Guardian, record: ConsentRecord | None) -> ConsentLine:
    if guardian.has_consent:
        state = "given"
    elif record is not None and record.decision != "given":
        state = record.decision
    else:
        state = "withdrawn" if guardian.consent_withdrawn_at else "none"
    return ConsentLine(
        student=student,
        guardian_id=guardian.id or 0,
        guardian=guardian.full_name,
        state=state,
        version=record.version if record else (1 if guardian.consent_given_at else None),
        at=record.at if record else guardian.consent_given_at,
        channel=record.channel if record else guardian.consent_source,
    )


async def _class_consent(uow: UnitOfWork, klass: SchoolClass, today: dt.date) -> ClassConsent:
    students = await class_students(uow, klass, today)
    names = {s.id: s.full_name for s in students}
    query = (
        select(StudentGuardian.student_id, Guardian)
        .join(Guardian, col(Guardian.id) == StudentGuardian.guardian_id)
        .where(col(StudentGuardian.student_id).in_(list(names)))
        .order_by(col(Guardian.last_name), col(Guardian.id))
    )
    pairs = (await uow.session.exec(query)).all()
    records = await _last_records(uow, [g.id or 0 for _, g in pairs])
    lines = [_line(names[sid], g, records.get(g.id or 0)) for sid, g in pairs]
    lines.sort(key=lambda line: (line.student, line.guardian))
    return ClassConsent(klass.id or 0, klass.name, tuple(lines))


async def consent_report(
    uow: UnitOfWork, *, actor: StaffActor, class_id: int | None = None
) -> list[ClassConsent]:
    """The classes `actor` may see (or the one asked for), each with its consent lines.
    Forbidden for a staff member who is neither administration nor a class teacher."""
    async with uow:
        staff = await load_staff(uow, actor)
        school = await uow.session.get(School, staff.school_id)
        assert school is not None
        today = school_today(school, uow.now())
        query = select(SchoolClass).where(SchoolClass.school_id == staff.school_id)
        everyone = has_role(staff, Role.admin, Role.secretary)
        if not everyone:
            query = query.where(SchoolClass.class_teacher_id == staff.id)
        if class_id is not None:
            query = query.where(SchoolClass.id == class_id)
        classes = (await uow.session.exec(query.order_by(col(SchoolClass.id)))).all()
        if not classes and not everyone:
            raise Forbidden("consent_report_forbidden")
        reports = [await _class_consent(uow, k, today) for k in classes]
        return [r for r in reports if r.lines or class_id is not None]


async def consent_versions(uow: UnitOfWork, *, actor: StaffActor) -> list[ConsentText]:
    """The school's consent text versions, newest first (administrator, secretary)."""
    async with uow:
        staff = await load_staff(uow, actor)
        if not has_role(staff, Role.admin, Role.secretary):
            raise Forbidden("consent_report_forbidden")
        query = (
            select(ConsentText)
            .where(ConsentText.school_id == staff.school_id)
            .order_by(col(ConsentText.version).desc())
        )
        rows = list((await uow.session.exec(query)).all())
        uow.session.expunge_all()  # read after the unit of work ends (its rollback expires)
        return rows
