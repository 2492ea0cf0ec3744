"""A school's structure for one academic year, as the set-up pages show it: classes,
groups, subjects, staff, teaching assignments and the timetable. The changes are
`core.services.school_structure`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlmodel import SQLModel, col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.models import (
    AcademicYear,
    Group,
    Role,
    School,
    SchoolClass,
    Staff,
    Subject,
    TeachingAssignment,
    TimetableEntry,
)
from core.permissions import has_role, setup_reader
from core.uow import UnitOfWork

Row = TypeVar("Row", bound=SQLModel)


@dataclass(frozen=True)
class Directory:
    """A school's structure for one academic year, read in a handful of queries."""

    years: tuple[AcademicYear, ...]
    year: AcademicYear | None
    classes: tuple[SchoolClass, ...]
    groups: tuple[Group, ...]
    subjects: tuple[Subject, ...]
    staff: tuple[Staff, ...]
    assignments: tuple[TeachingAssignment, ...]
    timetable: tuple[TimetableEntry, ...]
    slots: tuple[int, ...]
    names: dict[str, dict[int, str]] = field(default_factory=dict)

    @property
    def teachers(self) -> tuple[Staff, ...]:
        return tuple(s for s in self.staff if has_role(s, Role.teacher) and s.locked_at is None)

    def name(self, kind: str, row_id: int | None) -> str:
        """«7Б», «Математика», «Иванова М.П.», «7Б англ. 1» by kind and id ("" for None)."""
        return self.names.get(kind, {}).get(row_id or 0, "")


async def read_directory(
    uow: UnitOfWork, *, actor: StaffActor, year_id: int | None = None
) -> Directory:
    """Classes, groups, subjects, staff, assignments and timetable of one year (the
    current one unless `year_id` is given)."""
    async with uow:
        staff = await setup_reader(uow, actor)
        sid = staff.school_id
        school = await uow.session.get(School, sid)
        assert school is not None
        years = tuple(
            (
                await uow.session.exec(
                    select(AcademicYear)
                    .where(AcademicYear.school_id == sid)
                    .order_by(col(AcademicYear.starts_on).desc())
                )
            ).all()
        )
        year = _pick_year(years, year_id, school_today(school, uow.now()))
        classes = await _rows(uow, SchoolClass, SchoolClass.year_id == (year.id if year else -1))
        class_ids = [c.id for c in classes]
        in_classes = col(Group.class_id).in_(class_ids)
        groups = await _rows(uow, Group, in_classes)
        subjects = await _rows(uow, Subject, Subject.school_id == sid)
        people = await _rows(uow, Staff, Staff.school_id == sid)
        assignments = await _rows(
            uow, TeachingAssignment, col(TeachingAssignment.class_id).in_(class_ids)
        )
        timetable = await _rows(uow, TimetableEntry, col(TimetableEntry.class_id).in_(class_ids))
        # Plain values from here on: leaving the unit of work must not expire them.
        uow.session.expunge_all()
        return Directory(
            years=years,
            year=year,
            classes=tuple(sorted(classes, key=lambda c: (c.grade, c.letter))),
            groups=tuple(sorted(groups, key=lambda g: g.name)),
            subjects=tuple(sorted(subjects, key=lambda s: s.name.lower())),
            staff=tuple(sorted(people, key=lambda s: (s.last_name, s.first_name, s.id or 0))),
            assignments=tuple(assignments),
            timetable=tuple(sorted(timetable, key=lambda e: (e.weekday, e.slot, e.id or 0))),
            slots=tuple(sorted(int(b["slot"]) for b in school.bells if "slot" in b)),
            names={
                "class": {c.id or 0: c.name for c in classes},
                "group": {g.id or 0: g.name for g in groups},
                "subject": {s.id or 0: s.name for s in subjects},
                "staff": {s.id or 0: s.short_name for s in people},
            },
        )


def _pick_year(
    years: tuple[AcademicYear, ...], year_id: int | None, today: dt.date
) -> AcademicYear | None:
    if year_id is not None:
        return next((y for y in years if y.id == year_id), None)
    current = [y for y in years if y.starts_on <= today <= y.ends_on]
    return current[0] if current else (years[0] if years else None)


async def _rows(uow: UnitOfWork, model: type[Row], condition: Any) -> list[Row]:
    return list((await uow.session.exec(select(model).where(condition))).all())
