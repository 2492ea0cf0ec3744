"""Checking a roster file against the school: what an import would create, and each bad
row with why.

Nothing here writes. The rows are checked by the roster's own rules (names, birth date
and class year: `core.services.roster`; phones, e-mails and a phone already known:
`core.services.guardians`), plus what only a file can get wrong: an unknown class, a
student listed twice, or already at the school. The school is read in a few queries
(classes, current students, guardians with the file's phones), whatever the file's size.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import col, select

from core.contacts import clean_names, normalize_email, normalize_phone
from core.errors import RuleViolation
from core.models import AcademicYear, Enrollment, Guardian, SchoolClass, Student
from core.reading.roster_imports import RowProblem
from core.services.guardians import guardian_row, guardians_by_phone, refuse_known_phone
from core.services.roster import check_class_year, student_row
from core.services.roster_file import GUARDIANS_PER_ROW, RosterFile, RosterRow
from core.uow import UnitOfWork
from core.validation import check_day

# (stage, done, total): "reading", "checking", "writing".
Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 250  # rows between progress reports (and turns given to other requests)
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
# Latin letters that look like Cyrillic ones in a class name typed on the wrong layout.
_LOOKALIKES = str.maketrans("ABCEHKMOPTXabcehkmoptx", "АВСЕНКМОРТХавсенкмортх")


def problem_of(row: int, column: str, error: RuleViolation) -> RowProblem:
    return RowProblem(row=row, column=column, key=error.code, params=dict(error.params))


@dataclass
class PlannedStudent:
    row: int
    student: Student
    klass: SchoolClass
    guardians: list[tuple[Guardian, str]]  # (new or existing guardian, relation)


@dataclass
class Plan:
    """What the import would create, or the problems that stop it."""

    students: list[PlannedStudent] = field(default_factory=list)
    new_guardians: list[Guardian] = field(default_factory=list)
    linked_guardians: set[int] = field(default_factory=set)  # existing guardians' ids
    problems: list[RowProblem] = field(default_factory=list)


@dataclass(frozen=True)
class SchoolRoster:
    """The school as the rows are checked against it."""

    classes: dict[str, SchoolClass]  # class key → the class of the enrolment date's year
    elsewhere: dict[str, tuple[SchoolClass, AcademicYear]]  # the name in another year only
    students: dict[str, list[tuple[dt.date | None, str]]]  # name key → (birth date, class)
    guardians: dict[str, Guardian]  # by phone


def class_key(text: str) -> str:
    """«7 б», "7-Б", "7B" (Latin) → «7Б»."""
    kept = "".join(ch for ch in text if ch.isalnum())
    return kept.translate(_LOOKALIKES).upper()


def name_key(*names: str) -> str:
    return " ".join(" ".join(names).split()).casefold().replace("ё", "е")


def _split_full_name(text: str) -> tuple[str, str, str]:
    """«Соколова Анна Петровна» → last, first, middle (everything after the second word)."""
    words = text.split()
    return (words[0] if words else "", words[1] if len(words) > 1 else "", " ".join(words[2:]))


def _parse_date(value: str | dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return check_day(value)
    for pattern in DATE_FORMATS:
        try:
            return check_day(dt.datetime.strptime(value, pattern).date())
        except ValueError:
            continue
    raise RuleViolation("roster_bad_date", value=value)


async def load_school_roster(
    uow: UnitOfWork, school_id: int, on: dt.date, phones: set[str]
) -> SchoolRoster:
    classes: dict[str, SchoolClass] = {}
    elsewhere: dict[str, tuple[SchoolClass, AcademicYear]] = {}
    query = (
        select(SchoolClass, AcademicYear)
        .join(AcademicYear, col(AcademicYear.id) == SchoolClass.year_id)
        .where(SchoolClass.school_id == school_id)
    )
    for klass, year in (await uow.session.exec(query)).all():
        if year.starts_on <= on <= year.ends_on:
            classes[class_key(klass.name)] = klass
        else:
            elsewhere[class_key(klass.name)] = (klass, year)
    students: dict[str, list[tuple[dt.date | None, str]]] = {}
    current = (
        select(Student, SchoolClass)
        .join(Enrollment, col(Enrollment.student_id) == Student.id)
        .join(SchoolClass, col(SchoolClass.id) == Enrollment.class_id)
        .where(
            Student.school_id == school_id,
            col(Student.left_on).is_(None),
            col(Enrollment.until).is_(None),
        )
    )
    for student, klass in (await uow.session.exec(current)).all():
        key = name_key(student.last_name, student.first_name, student.middle_name)
        students.setdefault(key, []).append((student.birth_date, klass.name))
    guardians = await guardians_by_phone(uow, school_id, phones)
    return SchoolRoster(classes, elsewhere, students, guardians)


def file_phones(roster_file: RosterFile) -> set[str]:
    """The file's guardian phones that can be read (to look the school's guardians up)."""
    found = set()
    for row in roster_file.rows:
        for n in range(1, GUARDIANS_PER_ROW + 1):
            raw = row.text(f"guardian{n}_phone")
            if raw:
                with contextlib.suppress(RuleViolation):  # reported when the row is checked
                    found.add(normalize_phone(raw))
    return found


@dataclass
class _Checker:
    school: SchoolRoster
    headers: dict[str, str]
    school_id: int
    on: dt.date
    now: dt.datetime
    plan: Plan = field(default_factory=Plan)
    seen: dict[str, list[tuple[dt.date | None, int]]] = field(default_factory=dict)
    by_phone: dict[str, tuple[Guardian, int]] = field(default_factory=dict)
    by_email: dict[tuple[str, str], Guardian] = field(default_factory=dict)

    def column(self, key: str) -> str:
        return self.headers.get(key, "")

    def problem(self, row: RosterRow, key: str, error: RuleViolation) -> None:
        self.plan.problems.append(problem_of(row.number, self.column(key), error))

    def check(self, row: RosterRow) -> None:
        before = len(self.plan.problems)
        student = self.student(row)
        klass = self.klass(row)
        guardians = self.guardians(row)
        if student is not None and len(self.plan.problems) == before:
            assert klass is not None
            self.plan.students.append(PlannedStudent(row.number, student, klass, guardians))

    def student(self, row: RosterRow) -> Student | None:
        if "full_name" in row.values and not (row.text("last_name") or row.text("first_name")):
            last, first, middle = _split_full_name(row.text("full_name"))
            name_column = "full_name"
        else:
            last, first = row.text("last_name"), row.text("first_name")
            middle = row.text("middle_name")
            name_column = "last_name" if not last else "first_name"
        birth = None
        if "birth_date" in row.values:
            try:
                birth = _parse_date(row.values["birth_date"])
            except RuleViolation as error:
                self.problem(row, "birth_date", error)
        try:
            student = student_row(
                school_id=self.school_id,
                last_name=last,
                first_name=first,
                middle_name=middle,
                birth_date=birth,
                on=self.on,
                now=self.now,
            )
        except RuleViolation as error:
            column = "birth_date" if error.key_used == "bad_birth_date" else name_column
            named = error.params.get("field")  # too long, or an invisible character: there
            if name_column != "full_name" and named in ("last_name", "first_name", "middle_name"):
                column = str(named)
            self.problem(row, column, error)
            return None
        self.refuse_duplicate(row, student)
        return student

    def refuse_duplicate(self, row: RosterRow, student: Student) -> None:
        key = name_key(student.last_name, student.first_name, student.middle_name)
        birth = student.birth_date

        def same(other: dt.date | None) -> bool:
            return birth is None or other is None or birth == other

        earlier = [number for other, number in self.seen.get(key, []) if same(other)]
        if earlier:
            error = RuleViolation(
                "roster_duplicate_in_file", student=student.full_name, row=earlier[0]
            )
            self.problem(row, "", error)
        known = [klass for other, klass in self.school.students.get(key, []) if same(other)]
        if known:
            error = RuleViolation(
                "roster_student_exists", student=student.full_name, klass=known[0]
            )
            self.problem(row, "", error)
        self.seen.setdefault(key, []).append((birth, row.number))

    def klass(self, row: RosterRow) -> SchoolClass | None:
        typed = row.text("class")
        key = class_key(typed)
        found = self.school.classes.get(key)
        if found is not None:
            return found
        try:
            if key in self.school.elsewhere:
                check_class_year(*self.school.elsewhere[key], self.on)
            known = ", ".join(sorted(self.school.classes, key=_class_order)) or "—"
            raise RuleViolation(
                "roster_unknown_class", klass=typed or "—", date=self.on, known=known
            )
        except RuleViolation as error:
            self.problem(row, "class", error)
        return None

    def guardians(self, row: RosterRow) -> list[tuple[Guardian, str]]:
        found: list[tuple[Guardian, str]] = []
        for n in range(1, GUARDIANS_PER_ROW + 1):
            guardian = self.new_guardian(row, n)
            if guardian is None:
                continue
            guardian = self.same_guardian(row, n, guardian)
            if guardian is None:
                continue
            if any(guardian is other for other, _ in found):
                error = RuleViolation("roster_guardian_twice", guardian=guardian.full_name)
                self.problem(row, f"guardian{n}_name", error)
                continue
            found.append((guardian, row.text(f"guardian{n}_relation")))
        return found

    def new_guardian(self, row: RosterRow, n: int) -> Guardian | None:
        key = f"guardian{n}"
        name, phone, email = (row.text(f"{key}_{part}") for part in ("name", "phone", "email"))
        if not (name or phone or email or row.text(f"{key}_relation")):
            return None
        failed = False
        for part, check, value in (
            ("phone", normalize_phone, phone),
            ("email", normalize_email, email),
        ):
            if value:
                try:
                    check(value)
                except RuleViolation as error:
                    self.problem(row, f"{key}_{part}", error)
                    failed = True
        last, first, middle = _split_full_name(name)
        try:
            clean_names(last, first, middle)
        except RuleViolation as error:
            if error.code in ("last_name_required", "first_name_required"):
                error = RuleViolation("roster_guardian_name_required", n=n)
            self.problem(row, f"{key}_name", error)  # or too long, or an invisible character
            return None
        if failed:
            return None
        return guardian_row(
            school_id=self.school_id,
            last_name=last,
            first_name=first,
            middle_name=middle,
            phone=phone,
            email=email,
            now=self.now,
        )

    def same_guardian(self, row: RosterRow, n: int, new: Guardian) -> Guardian | None:
        """The guardian this row means: one met in an earlier row or already at the
        school (a brother's or sister's parent), or `new`."""
        name = name_key(new.full_name)
        if new.phone is not None:
            earlier = self.by_phone.get(new.phone)
            if earlier is not None:
                if name_key(earlier[0].full_name) == name:
                    return earlier[0]
                error = RuleViolation(
                    "roster_phone_in_file",
                    phone=new.phone,
                    guardian=earlier[0].full_name,
                    row=earlier[1],
                )
                self.problem(row, f"guardian{n}_phone", error)
                return None
            known = self.school.guardians.get(new.phone)
            if known is not None:
                if name_key(known.full_name) != name:
                    try:
                        refuse_known_phone(new.phone, known)
                    except RuleViolation as error:
                        self.problem(row, f"guardian{n}_phone", error)
                        return None
                self.by_phone[new.phone] = (known, row.number)
                self.plan.linked_guardians.add(known.id or 0)
                return known
            self.by_phone[new.phone] = (new, row.number)
        elif new.email is not None:
            same = self.by_email.setdefault((name, new.email), new)
            if same is not new:
                return same
        self.plan.new_guardians.append(new)
        return new


def _class_order(key: str) -> tuple[int, str]:
    digits = "".join(ch for ch in key if ch.isdigit())
    return (int(digits) if digits else 0, key)


async def plan_import(
    uow: UnitOfWork,
    *,
    school_id: int,
    roster_file: RosterFile,
    on: dt.date,
    progress: Progress,
) -> Plan:
    """Check every row (inside `uow`'s session); the plan holds all problems found."""
    school = await load_school_roster(uow, school_id, on, file_phones(roster_file))
    checker = _Checker(school, roster_file.headers, school_id, on, uow.now())
    total = len(roster_file.rows)
    for done, row in enumerate(roster_file.rows, start=1):
        checker.check(row)
        if done % PROGRESS_EVERY == 0 or done == total:
            progress("checking", done, total)
            await asyncio.sleep(0)  # a big file must not hold up the other requests
    # Each row's problems in the file's column order, the row's own (duplicates) last.
    order = {header: n for n, header in enumerate(roster_file.headers.values())}
    checker.plan.problems.sort(key=lambda p: (p.row, order.get(p.column, len(order))))
    return checker.plan
