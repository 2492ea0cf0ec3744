"""What the administrator reads before and after closing a year or a period.

`closing_overview`: every academic year with its periods, which are closed, by whom
and when, and which may be closed now (their last day is over). `missing_before_closing`:
the period and year marks still not given, from the journal control's own reckoning
(`core.reading.control`), so the page and the control never disagree. The closing
itself is `core.services.year_close`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.control.rules import Kind
from core.errors import NotFound
from core.models import AcademicYear, Period, School, SchoolClass, Staff
from core.permissions import setup_manager
from core.reading.control import journal_control
from core.rows import get_in_school
from core.uow import UnitOfWork


@dataclass(frozen=True)
class ClosingRow:
    """A year or a period as the closing page lists it."""

    id: int
    name: str
    kind: str  # "year", or the period's kind: quarter | half | year
    starts_on: dt.date
    ends_on: dt.date
    closed_at: dt.datetime | None
    closed_by: str  # the administrator's short name, "" while open
    closable: bool  # open, its last day over (and not the year marks' period)


@dataclass(frozen=True)
class YearClosing:
    year: ClosingRow
    periods: tuple[ClosingRow, ...]
    classes: tuple[tuple[int, str], ...] = ()  # (id, «6А»): links to a closed journal


@dataclass(frozen=True)
class MissingMarks:
    """Final marks of one period a teacher has not given a class (or group) in a subject."""

    period: str
    place: str  # «7Б», or «7Б (7Б англ. 1)»
    subject: str
    teacher: str
    pupils: tuple[str, ...]


def _row(
    item: AcademicYear | Period, kind: str, names: dict[int, str], today: dt.date
) -> ClosingRow:
    closed_by = names.get(item.closed_by, "") if item.closed_by is not None else ""
    closable = item.closed_at is None and item.ends_on < today
    return ClosingRow(
        item.id or 0,
        item.name,
        kind,
        item.starts_on,
        item.ends_on,
        item.closed_at,
        closed_by,
        closable,
    )


async def closing_overview(uow: UnitOfWork, *, actor: StaffActor) -> list[YearClosing]:
    """Every academic year of the school with its periods, newest first (administrator)."""
    async with uow:
        staff = await setup_manager(uow, actor)
        sid = staff.school_id
        school = await uow.session.get(School, sid)
        assert school is not None
        today = school_today(school, uow.now())
        years = (
            await uow.session.exec(
                select(AcademicYear)
                .where(AcademicYear.school_id == sid)
                .order_by(col(AcademicYear.starts_on).desc())
            )
        ).all()
        periods = (await uow.session.exec(select(Period).where(Period.school_id == sid))).all()
        staff_rows = (await uow.session.exec(select(Staff).where(Staff.school_id == sid))).all()
        query = select(SchoolClass).where(SchoolClass.school_id == sid)
        classes = sorted((await uow.session.exec(query)).all(), key=lambda k: (k.grade, k.letter))
        names = {s.id or 0: s.short_name for s in staff_rows}
        found = []
        for year in years:
            own = sorted(
                (p for p in periods if p.year_id == year.id),
                key=lambda p: (p.kind == "year", p.starts_on, p.id or 0),
            )
            rows = [_row(p, p.kind, names, today) for p in own]
            rows = [r if r.kind != "year" else _not_closable(r) for r in rows]
            own_classes = tuple((k.id or 0, k.name) for k in classes if k.year_id == year.id)
            found.append(YearClosing(_row(year, "year", names, today), tuple(rows), own_classes))
        return found


def _not_closable(row: ClosingRow) -> ClosingRow:
    return ClosingRow(
        row.id,
        row.name,
        row.kind,
        row.starts_on,
        row.ends_on,
        row.closed_at,
        row.closed_by,
        False,
    )


async def _span(
    uow: UnitOfWork, actor: StaffActor, year_id: int, period_id: int | None
) -> tuple[dt.date, dt.date, set[int]]:
    """The days to read and the periods whose final marks count."""
    async with uow:
        staff = await setup_manager(uow, actor)
        year = await get_in_school(uow, AcademicYear, year_id, staff.school_id, "year")
        query = select(Period).where(Period.year_id == year.id)
        periods = list((await uow.session.exec(query)).all())
        if period_id is None:
            return year.starts_on, year.ends_on, {p.id or 0 for p in periods}
        period = await get_in_school(uow, Period, period_id, staff.school_id, "period")
        if period.year_id != year.id:
            raise NotFound(what="period")
        return period.starts_on, period.ends_on, {period.id or 0}


async def missing_before_closing(
    uow: UnitOfWork, *, actor: StaffActor, year_id: int, period_id: int | None = None
) -> list[MissingMarks]:
    """The final period (and year) marks not given in the year, or in one of its periods.

    Administrator only. Reads the journal control of the span (up to today), so a
    pupil who left or a subject without marks is not counted, as there.
    """
    start, end, wanted = await _span(uow, actor, year_id, period_id)
    control = await journal_control(uow, actor=actor, start=start, end=end, fill_periods=())
    async with uow:
        query = select(Period).where(col(Period.id).in_(sorted(wanted)))
        names = {p.id or 0: p.name for p in (await uow.session.exec(query)).all()}
    found = [
        MissingMarks(
            period=names.get(check.period_id, ""),
            place=control.names.place(check.place),
            subject=control.names.subjects.get(check.place.subject_id, ""),
            teacher=control.names.staff.get(check.teacher_id, ""),
            pupils=tuple(control.names.students.get(p, "") for p in check.missing),
        )
        for check in control.period_marks
        if check.kind is Kind.final and check.period_id in wanted and check.missing
    ]
    return sorted(found, key=lambda m: (m.period, m.place, m.subject))
