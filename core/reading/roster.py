"""The roster as its keepers (administrator, secretary) read it: classes, a class's
students, one student's enrolment history and guardians.

Each view is a handful of queries whatever the class's size (counts are grouped in
SQL, guardians are loaded for the whole class at once).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.messengers import chats_of
from core.models import (
    AcademicYear,
    Enrollment,
    Guardian,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
)
from core.permissions import roster_keeper
from core.rows import get_in_school
from core.uow import UnitOfWork


@dataclass(frozen=True)
class ClassLine:
    id: int
    name: str
    students: int  # enrolled today or from a later day
    class_teacher: str


@dataclass(frozen=True)
class RosterOverview:
    today: dt.date
    year_name: str
    classes: list[ClassLine]


@dataclass(frozen=True)
class StudentLine:
    id: int
    full_name: str
    birth_date: dt.date | None
    since: dt.date
    until: dt.date | None  # the last day in the class (former students)
    end_reason: str | None
    guardians: int


@dataclass(frozen=True)
class ClassRoster:
    id: int
    name: str
    year_name: str
    today: dt.date
    students: list[StudentLine]  # in the class today or from a later day
    former: list[StudentLine]  # transferred or left, newest first


@dataclass(frozen=True)
class EnrolmentLine:
    class_id: int
    class_name: str
    since: dt.date
    until: dt.date | None
    reason: str
    end_reason: str | None


@dataclass(frozen=True)
class GuardianLine:
    id: int
    full_name: str
    phone: str | None
    email: str | None
    relation: str
    consent: bool
    telegram: bool  # linked in any messenger (Telegram or MAX): in the bot


@dataclass(frozen=True)
class ClassChoice:
    id: int
    name: str


@dataclass(frozen=True)
class StudentRecord:
    id: int
    full_name: str
    birth_date: dt.date | None
    left_on: dt.date | None
    today: dt.date
    current: EnrolmentLine | None
    history: list[EnrolmentLine]  # oldest first
    guardians: list[GuardianLine]
    transfer_to: list[ClassChoice]  # the other classes of the current class's year


async def _school_today(uow: UnitOfWork, staff: Staff) -> dt.date:
    school = await uow.session.get(School, staff.school_id)
    assert school is not None
    return school_today(school, uow.now())


async def _year_for(uow: UnitOfWork, school_id: int, today: dt.date) -> AcademicYear | None:
    """The year `today` falls in; else the next one (summer); else the last one."""
    query = select(AcademicYear).where(AcademicYear.school_id == school_id)
    years = sorted((await uow.session.exec(query)).all(), key=lambda y: y.starts_on)
    for year in years:
        if year.starts_on <= today <= year.ends_on:
            return year
    later = [year for year in years if year.starts_on > today]
    return later[0] if later else (years[-1] if years else None)


def _order(klass: SchoolClass) -> tuple[int, str]:
    return klass.grade, klass.letter


async def roster_overview(uow: UnitOfWork, *, actor: StaffActor) -> RosterOverview:
    """The classes of the current year with how many students each has."""
    async with uow:
        staff = await roster_keeper(uow, actor)
        today = await _school_today(uow, staff)
        year = await _year_for(uow, staff.school_id, today)
        if year is None:
            return RosterOverview(today, "", [])
        counts = (
            select(Enrollment.class_id, func.count())
            .where(
                Enrollment.school_id == staff.school_id,
                (col(Enrollment.until).is_(None)) | (col(Enrollment.until) >= today),
            )
            .group_by(col(Enrollment.class_id))
        )
        per_class = dict((await uow.session.exec(counts)).all())
        query = (
            select(SchoolClass, Staff)
            .outerjoin(Staff, col(Staff.id) == SchoolClass.class_teacher_id)
            .where(SchoolClass.school_id == staff.school_id, SchoolClass.year_id == year.id)
        )
        rows = sorted((await uow.session.exec(query)).all(), key=lambda pair: _order(pair[0]))
        classes = [
            ClassLine(k.id or 0, k.name, per_class.get(k.id or 0, 0), t.short_name if t else "")
            for k, t in rows
        ]
        return RosterOverview(today, year.name, classes)


async def class_roster(uow: UnitOfWork, *, actor: StaffActor, class_id: int) -> ClassRoster:
    """A class's students (and those who left it), for enrolling, transferring, leaving."""
    async with uow:
        staff = await roster_keeper(uow, actor)
        klass = await get_in_school(uow, SchoolClass, class_id, staff.school_id, "class")
        year = await uow.session.get(AcademicYear, klass.year_id)
        assert year is not None
        today = await _school_today(uow, staff)
        query = (
            select(Student, Enrollment)
            .join(Enrollment, col(Enrollment.student_id) == Student.id)
            .where(Enrollment.class_id == class_id)
        )
        rows = (await uow.session.exec(query)).all()
        guardians = await _guardian_counts(uow, [s.id or 0 for s, _ in rows])
        lines = [
            StudentLine(
                s.id or 0,
                s.full_name,
                s.birth_date,
                e.since,
                e.until,
                e.end_reason,
                guardians.get(s.id or 0, 0),
            )
            for s, e in rows
        ]
        current = [line for line in lines if line.until is None or line.until >= today]
        former = [line for line in lines if line.until is not None and line.until < today]
        current.sort(key=lambda line: line.full_name.casefold())
        former.sort(key=lambda line: (line.until or today, line.full_name), reverse=True)
        return ClassRoster(klass.id or 0, klass.name, year.name, today, current, former)


async def _guardian_counts(uow: UnitOfWork, student_ids: list[int]) -> dict[int, int]:
    if not student_ids:
        return {}
    query = (
        select(StudentGuardian.student_id, func.count())
        .where(col(StudentGuardian.student_id).in_(student_ids))
        .group_by(col(StudentGuardian.student_id))
    )
    return dict((await uow.session.exec(query)).all())


async def student_record(uow: UnitOfWork, *, actor: StaffActor, student_id: int) -> StudentRecord:
    """One student: classes over time (history is never rewritten), guardians, and the
    classes they could be transferred to."""
    async with uow:
        staff = await roster_keeper(uow, actor)
        student = await get_in_school(uow, Student, student_id, staff.school_id, "student")
        today = await _school_today(uow, staff)
        query = (
            select(Enrollment, SchoolClass)
            .join(SchoolClass, col(SchoolClass.id) == Enrollment.class_id)
            .where(Enrollment.student_id == student_id)
            .order_by(col(Enrollment.since), col(Enrollment.id))
        )
        pairs = (await uow.session.exec(query)).all()
        history = [
            EnrolmentLine(k.id or 0, k.name, e.since, e.until, e.reason, e.end_reason)
            for e, k in pairs
        ]
        open_ones = [(e, k) for e, k in pairs if e.until is None]
        current = history[pairs.index(open_ones[-1])] if open_ones else None
        transfer_to: list[ClassChoice] = []
        if current is not None and student.left_on is None:
            year_id = open_ones[-1][1].year_id
            others = select(SchoolClass).where(
                SchoolClass.school_id == staff.school_id,
                SchoolClass.year_id == year_id,
                SchoolClass.id != current.class_id,
            )
            classes = sorted((await uow.session.exec(others)).all(), key=_order)
            transfer_to = [ClassChoice(k.id or 0, k.name) for k in classes]
        return StudentRecord(
            id=student.id or 0,
            full_name=student.full_name,
            birth_date=student.birth_date,
            left_on=student.left_on,
            today=today,
            current=current,
            history=history,
            guardians=await _guardians(uow, student_id),
            transfer_to=transfer_to,
        )


async def _guardians(uow: UnitOfWork, student_id: int) -> list[GuardianLine]:
    query = (
        select(Guardian, StudentGuardian)
        .join(StudentGuardian, col(StudentGuardian.guardian_id) == Guardian.id)
        .where(StudentGuardian.student_id == student_id)
        .order_by(col(StudentGuardian.id))
    )
    return [
        GuardianLine(
            g.id or 0,
            g.full_name,
            g.phone,
            g.email,
            link.relation,
            g.has_consent,
            bool(chats_of(g)),
        )
        for g, link in (await uow.session.exec(query)).all()
    ]
