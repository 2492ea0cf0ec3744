"""The weekly summary printed for a class: every pupil, one pupil, or only the pupils
whose parents asked for paper (`Guardian.wants_paper_summary`).

The pages themselves are core/reports/weekly.py's: one A4 page per pupil with the
parent's signature line, rendered in one go for the whole class.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.errors import RuleViolation
from core.models import Guardian, School, SchoolClass, Student, StudentGuardian
from core.permissions import load_staff, require_class_reader, require_student_reader
from core.reading.class_families import class_students
from core.reading.diary import DIARY_DAYS, monday_of
from core.reports.filenames import slug, weekly_summary_filename
from core.reports.weekly import weekly_summary_pdf
from core.rows import get_in_school
from core.uow import UnitOfWork


@dataclass(frozen=True)
class PrintedSummary:
    pdf: bytes
    filename: str
    students: tuple[str, ...]  # the pupils printed, in page order


async def class_weekly_pdf(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    class_id: int,
    week_start: dt.date,
    student_id: int | None = None,
    paper_only: bool = False,
    language: str = "ru",
) -> PrintedSummary:
    """The week's summary of the class's pupils (or of one of them, or of those whose
    parents want paper), one page each. For those who read the class journal."""
    monday = monday_of(week_start)
    class_name, pupils = await _pupils(uow, actor, class_id, monday, student_id, paper_only)
    pdf = await weekly_summary_pdf(
        uow,
        actor=actor,
        student_ids=[pupil_id for pupil_id, _, _ in pupils],
        week_start=monday,
        language=language,
    )
    if student_id is not None:
        _, last_name, first_name = pupils[0]
        filename = weekly_summary_filename(last_name, first_name, monday)
    else:
        who = slug(class_name) or "klass"
        filename = f"itogi-nedeli-{who}{'-na-bumage' if paper_only else ''}-{monday}.pdf"
    names = tuple(f"{last} {first}" for _, last, first in pupils)
    return PrintedSummary(pdf=pdf, filename=filename, students=names)


async def _pupils(
    uow: UnitOfWork,
    actor: StaffActor,
    class_id: int,
    monday: dt.date,
    student_id: int | None,
    paper_only: bool,
) -> tuple[str, list[tuple[int, str, str]]]:
    """The class's name and its pupils to print (id, surname, name), in page order."""
    async with uow:
        staff = await load_staff(uow, actor)
        klass = await get_in_school(uow, SchoolClass, class_id, staff.school_id, "class")
        await require_class_reader(uow, staff, klass)
        school = await uow.session.get(School, staff.school_id)
        assert school is not None
        # The class as it is on the week's last day, or today while the week runs.
        on = min(monday + dt.timedelta(days=DIARY_DAYS - 1), school_today(school, uow.now()))
        students = await class_students(uow, klass, on)
        if student_id is not None:
            students = [s for s in students if s.id == student_id]
            if not students:
                student = await get_in_school(uow, Student, student_id, staff.school_id, "student")
                await require_student_reader(uow, staff, student_id)  # the error names them
                raise RuleViolation(
                    "student_not_in_class", student=student.full_name, klass=klass.name
                )
        elif paper_only:
            wanted = await _paper_students(uow, [s.id or 0 for s in students])
            students = [s for s in students if s.id in wanted]
            if not students:
                raise RuleViolation("paper_summary_nobody", klass=klass.name)
        elif not students:
            raise RuleViolation("class_has_no_students", klass=klass.name)
        return klass.name, [(s.id or 0, s.last_name, s.first_name) for s in students]


async def _paper_students(uow: UnitOfWork, student_ids: list[int]) -> set[int]:
    """The pupils one of whose guardians asked for the summary on paper."""
    if not student_ids:
        return set()
    query = (
        select(StudentGuardian.student_id)
        .join(Guardian, col(Guardian.id) == StudentGuardian.guardian_id)
        .where(
            col(StudentGuardian.student_id).in_(student_ids),
            col(Guardian.wants_paper_summary).is_(True),
        )
    )
    return set((await uow.session.exec(query)).all())
