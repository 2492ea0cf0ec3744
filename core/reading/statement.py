"""The summary statement (сводная ведомость) of a class: period and year marks.

Seed 002 §2.7 (seed 003 §2.9): the statement of intermediate and final attestation is
produced automatically, in real time; it is printed, certified and archived (kept 25
years, §3.3). Students down, subjects across; for each subject one column per
marking period (quarters or halves, by date) and one for the year. A cell holds the
final period mark, or the preliminary one (seed 002 §2.5.6) while no final mark is
set, flagged as preliminary.

Who reads it: the class teacher of the class (seed 002 §2.4.4 prints the period's
statements for the deputy director), the deputy director and the administrator.

`StatementContent.canonical()` is the statement's data as canonical JSON (sorted
keys, no spaces, UTF-8): its SHA-256 is the content hash every export prints. It
leaves out when and by whom the statement was made, so the same marks give the same
hash: anyone can recompute it later from the JSON the API returns.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from core.actors import StaffActor
from core.errors import Forbidden
from core.i18n import texts
from core.models import (
    AcademicYear,
    Enrollment,
    Group,
    Period,
    PeriodMark,
    Role,
    School,
    SchoolClass,
    Staff,
    Student,
    Subject,
    TeachingAssignment,
)
from core.permissions import has_role, load_staff
from core.policy import policy_of
from core.rows import get_in_school, not_deleted
from core.uow import UnitOfWork

NUMERIC = frozenset({"2", "3", "4", "5"})


@dataclass(frozen=True)
class StatementPeriod:
    period_id: int
    name: str  # «1 четверть», «Год»
    kind: str  # quarter | half | year
    starts_on: dt.date
    ends_on: dt.date

    def label(self, language: str) -> str:
        """A column's short head: «1 ч», «2 п/г», «год» / "Q1", "H2", "Year"."""
        t = texts("core", language)
        number = re.match(r"\s*(\d+)", self.name)
        if self.kind == "year":
            return t.pgettext("period column", "Year")
        if number and self.kind == "quarter":
            return t.pgettext("period column", "Q%(number)s", number=number.group(1))
        if number and self.kind == "half":
            return t.pgettext("period column", "H%(number)s", number=number.group(1))
        return self.name


@dataclass(frozen=True)
class Cell:
    """One period mark: 2–5, «осв» or «н/а»; `preliminary` while no final mark is set."""

    value: str
    preliminary: bool = False

    @property
    def number(self) -> int | None:
        return int(self.value) if self.value in NUMERIC else None


@dataclass(frozen=True)
class StatementRow:
    student_id: int
    full_name: str
    left_on: dt.date | None  # left the class during the year (moved or left school)
    cells: tuple[tuple[Cell | None, ...], ...]  # [subject][period]
    averages: tuple[float | None, ...]  # per period, over the numeric marks shown


@dataclass(frozen=True)
class StatementContent:
    """What the statement says: the data that is hashed."""

    school: str
    class_name: str
    year: str
    periods: tuple[StatementPeriod, ...]
    subjects: tuple[str, ...]
    rows: tuple[StatementRow, ...]
    marks_given: bool  # False for a class the school gives no marks (grade 1)

    def subject_averages(self) -> tuple[tuple[float | None, ...], ...]:
        """[subject][period]: the class's average of the numeric marks shown."""
        return tuple(
            tuple(mean(row.cells[s][p] for row in self.rows) for p in range(len(self.periods)))
            for s in range(len(self.subjects))
        )

    def as_data(self) -> dict[str, Any]:
        """Plain JSON data: what the canonical form and the API carry."""
        return {
            "school": self.school,
            "class": self.class_name,
            "year": self.year,
            "periods": [
                {
                    "name": p.name,
                    "kind": p.kind,
                    "starts_on": p.starts_on.isoformat(),
                    "ends_on": p.ends_on.isoformat(),
                }
                for p in self.periods
            ],
            "subjects": list(self.subjects),
            "students": [
                {
                    "name": row.full_name,
                    "left_on": row.left_on.isoformat() if row.left_on else None,
                    "marks": [
                        [
                            None
                            if cell is None
                            else {"value": cell.value, "preliminary": cell.preliminary}
                            for cell in by_subject
                        ]
                        for by_subject in row.cells
                    ],
                }
                for row in self.rows
            ],
        }

    def canonical(self) -> bytes:
        """Canonical JSON of `as_data()`: sorted keys, no whitespace, UTF-8."""
        text = json.dumps(self.as_data(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8")

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


@dataclass(frozen=True)
class Statement:
    """The content, and when (the school's clock) and for which class it was read."""

    class_id: int
    content: StatementContent
    class_teacher: str | None  # «Петров С.И.», for the signature line
    generated_at: dt.datetime  # aware, in the school's time zone
    timezone: str

    @property
    def content_sha256(self) -> str:
        return self.content.sha256()


def mean(cells: Any) -> float | None:
    """The average of the numeric marks among `cells` (None and «осв»/«н/а» left out)."""
    numbers = [cell.number for cell in cells if cell is not None and cell.number is not None]
    return sum(numbers) / len(numbers) if numbers else None


def require_statement_reader(staff: Staff, klass: SchoolClass) -> None:
    """The class teacher of `klass`, the deputy director or an administrator (same school)."""
    if klass.school_id != staff.school_id:
        raise Forbidden("statement_readers_only")
    if klass.class_teacher_id == staff.id or has_role(staff, Role.deputy, Role.admin):
        return
    raise Forbidden("statement_readers_only")


async def open_class(uow: UnitOfWork, actor: StaffActor, class_id: int) -> SchoolClass:
    """The class if `actor` may read its statement (NotFound for another school's)."""
    staff = await load_staff(uow, actor)
    klass = await get_in_school(uow, SchoolClass, class_id, staff.school_id, "class")
    require_statement_reader(staff, klass)
    return klass


async def read_statement(uow: UnitOfWork, *, actor: StaffActor, class_id: int) -> Statement:
    """The class's summary statement as it stands now (a handful of queries)."""
    async with uow:
        klass = await open_class(uow, actor, class_id)
        return await statement_of(uow, klass)


async def statement_of(
    uow: UnitOfWork, klass: SchoolClass, *, period_id: int | None = None
) -> Statement:
    """The statement of `klass` inside an open unit of work, the caller having checked
    who reads it; with `period_id`, of that one period only (a quarterly printout)."""
    school = await uow.session.get(School, klass.school_id)
    year = await uow.session.get(AcademicYear, klass.year_id)
    assert school is not None and year is not None
    periods = await _periods(uow, klass)
    if period_id is not None:
        periods = [p for p in periods if p.period_id == period_id]
    students = await _students(uow, klass)
    marks = await _marks(uow, klass)
    subjects = await _subjects(uow, klass, {mark.subject_id for mark in marks})
    content = _content(school, klass, year, periods, subjects, students, marks)
    teacher = (
        await uow.session.get(Staff, klass.class_teacher_id) if klass.class_teacher_id else None
    )
    generated = uow.now().astimezone(ZoneInfo(school.timezone))
    return Statement(
        klass.id or 0,
        content,
        teacher.short_name if teacher else None,
        generated,
        school.timezone,
    )


async def _periods(uow: UnitOfWork, klass: SchoolClass) -> list[StatementPeriod]:
    rows = (await uow.session.exec(select(Period).where(Period.year_id == klass.year_id))).all()
    # Quarters or halves by date, then the year: the order a paper statement has.
    ordered = sorted(rows, key=lambda p: (p.kind == "year", p.starts_on, p.ends_on, p.id or 0))
    return [StatementPeriod(p.id or 0, p.name, p.kind, p.starts_on, p.ends_on) for p in ordered]


async def _students(uow: UnitOfWork, klass: SchoolClass) -> list[tuple[Student, dt.date | None]]:
    """Everyone enrolled in the class during the year, with the day they left it."""
    query = (
        select(Student, Enrollment)
        .join(Enrollment, col(Enrollment.student_id) == col(Student.id))
        .where(Enrollment.class_id == klass.id)
    )
    last_day: dict[int, tuple[Student, dt.date | None]] = {}
    for student, enrollment in (await uow.session.exec(query)).all():
        sid = student.id or 0
        known = last_day.get(sid)
        # Enrolled twice (left and came back): still here if any enrolment is open.
        until = enrollment.until
        if known is not None and (known[1] is None or until is None):
            until = None
        elif known is not None and known[1] is not None and until is not None:
            until = max(until, known[1])
        last_day[sid] = (student, until)
    return sorted(last_day.values(), key=lambda item: _sort_key(item[0]))


def _sort_key(student: Student) -> tuple[str, str, str, int]:
    # «Ё» sorts as «Е», as in a class register.
    def fold(text: str) -> str:
        return text.lower().replace("ё", "е")

    return (
        fold(student.last_name),
        fold(student.first_name),
        fold(student.middle_name),
        student.id or 0,
    )


async def _marks(uow: UnitOfWork, klass: SchoolClass) -> list[PeriodMark]:
    query = select(PeriodMark).where(PeriodMark.class_id == klass.id, not_deleted(PeriodMark))
    return list((await uow.session.exec(query)).all())


async def _subjects(uow: UnitOfWork, klass: SchoolClass, marked: set[int]) -> list[Subject]:
    """Subjects with a period mark in the class, or taught there with marks.

    Electives give attendance only (seed 002 §2.5.7): an elective group's subject
    is left out unless a mark was given for it anyway.
    """
    school = await uow.session.get(School, klass.school_id)
    assert school is not None
    attendance_only = policy_of(school).electives_attendance_only
    query = (
        select(TeachingAssignment.subject_id, Group.kind)
        .outerjoin(Group, col(Group.id) == TeachingAssignment.group_id)
        .where(TeachingAssignment.class_id == klass.id)
    )
    ids = set(marked)
    for subject_id, kind in (await uow.session.exec(query)).all():
        if not (attendance_only and kind == "elective"):
            ids.add(subject_id)
    if not ids:
        return []
    rows = (await uow.session.exec(select(Subject).where(col(Subject.id).in_(ids)))).all()
    return sorted(rows, key=lambda s: (s.name.lower(), s.id or 0))


def _content(
    school: School,
    klass: SchoolClass,
    year: AcademicYear,
    periods: list[StatementPeriod],
    subjects: list[Subject],
    students: list[tuple[Student, dt.date | None]],
    marks: list[PeriodMark],
) -> StatementContent:
    by_key: dict[tuple[int, int, int], Cell] = {}
    for mark in sorted(marks, key=lambda m: m.kind == "final"):  # final ones win
        key = (mark.student_id, mark.subject_id, mark.period_id)
        by_key[key] = Cell(mark.value, preliminary=mark.kind != "final")
    rows = []
    for student, left_on in students:
        cells = tuple(
            tuple(by_key.get((student.id or 0, s.id or 0, p.period_id)) for p in periods)
            for s in subjects
        )
        averages = tuple(
            mean(cells[s][p] for s in range(len(subjects))) for p in range(len(periods))
        )
        rows.append(StatementRow(student.id or 0, student.full_name, left_on, cells, averages))
    return StatementContent(
        school=school.name,
        class_name=klass.name,
        year=year.name,
        periods=tuple(periods),
        subjects=tuple(s.name for s in subjects),
        rows=tuple(rows),
        marks_given=klass.grade >= policy_of(school).marks_from_grade,
    )


@dataclass(frozen=True)
class StatementClass:
    class_id: int
    name: str
    year: str


async def statement_classes(uow: UnitOfWork, *, actor: StaffActor) -> list[StatementClass]:
    """The classes whose statement `actor` may read, newest year first."""
    async with uow:
        staff = await load_staff(uow, actor)
        query = (
            select(SchoolClass, AcademicYear)
            .join(AcademicYear, col(AcademicYear.id) == SchoolClass.year_id)
            .where(SchoolClass.school_id == staff.school_id)
        )
        if not has_role(staff, Role.deputy, Role.admin):
            query = query.where(SchoolClass.class_teacher_id == staff.id)
        rows = (await uow.session.exec(query)).all()
        ordered = sorted(rows, key=lambda r: (-r[1].starts_on.toordinal(), r[0].grade, r[0].letter))
        return [StatementClass(k.id or 0, k.name, year.name) for k, year in ordered]
