"""The school's calendar: academic years, marking periods and holidays.

Seed 002 §2.2: set before 5 September. Periods are quarters, halves or the year
(the year mark is a period mark of the year period); periods of one kind do not
overlap. Holidays are days without lessons (`core.journal_page.require_school_day`
refuses a lesson on one), so a holiday cannot cover a day the journal already has
lessons on. A period that has marks cannot be deleted: the marks would lose their page.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, func, select

from core import limits
from core.actors import StaffActor
from core.closing import require_calendar_open
from core.errors import RuleViolation
from core.models import AcademicYear, Holiday, Lesson, Period, PeriodMark
from core.permissions import setup_manager
from core.rows import get_in_school, not_deleted
from core.uow import UnitOfWork, transactional
from core.validation import check_day, check_visible

PERIOD_KINDS = ("quarter", "half", "year")
NAME_MAX = limits.NAME


def _name(value: str, key: str) -> str:
    name = check_visible("name", " ".join(value.split()))
    if not name:
        raise RuleViolation(key)
    if len(name) > NAME_MAX:
        raise RuleViolation("name_too_long", max=NAME_MAX)
    return name


def _span(starts_on: dt.date, ends_on: dt.date) -> None:
    if starts_on > ends_on:
        raise RuleViolation("bad_date_range", start=starts_on, end=ends_on)


def _inside(year: AcademicYear, starts_on: dt.date, ends_on: dt.date) -> None:
    if starts_on < year.starts_on or ends_on > year.ends_on:
        raise RuleViolation(
            "outside_year",
            start=starts_on,
            end=ends_on,
            year=year.name,
            year_start=year.starts_on,
            year_end=year.ends_on,
        )


async def add_year_in(
    uow: UnitOfWork, *, actor: StaffActor, name: str, starts_on: dt.date, ends_on: dt.date
) -> AcademicYear:
    """A new academic year (such as «2027/2028»), overlapping no other."""
    staff = await setup_manager(uow, actor)
    clean = _name(name, "year_name_required")
    _span(starts_on, ends_on)
    query = select(AcademicYear).where(
        AcademicYear.school_id == staff.school_id,
        AcademicYear.starts_on <= ends_on,
        AcademicYear.ends_on >= starts_on,
    )
    other = (await uow.session.exec(query.limit(1))).first()
    if other is not None:
        raise RuleViolation("year_overlap", name=clean, other=other.name)
    year = AcademicYear(school_id=staff.school_id, name=clean, starts_on=starts_on, ends_on=ends_on)
    await uow.save(year, school_id=staff.school_id, action="create", actor_id=staff.id)
    return year


add_year = transactional(add_year_in)


async def add_period_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    year_id: int,
    name: str,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
) -> Period:
    """A marking period inside its year, overlapping no period of the same kind."""
    staff = await setup_manager(uow, actor)
    year = await get_in_school(uow, AcademicYear, year_id, staff.school_id, "year")
    await require_calendar_open(uow, year_id=year.id or 0)
    clean = _name(name, "period_name_required")
    if kind not in PERIOD_KINDS:
        raise RuleViolation("bad_period_kind", value=kind, allowed=", ".join(PERIOD_KINDS))
    _span(starts_on, ends_on)
    _inside(year, starts_on, ends_on)
    query = select(Period).where(
        Period.year_id == year.id,
        Period.kind == kind,
        Period.starts_on <= ends_on,
        Period.ends_on >= starts_on,
    )
    other = (await uow.session.exec(query.limit(1))).first()
    if other is not None:
        raise RuleViolation("period_overlap", name=clean, other=other.name)
    period = Period(
        school_id=staff.school_id,
        year_id=year.id or 0,
        name=clean,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    await uow.save(period, school_id=staff.school_id, action="create", actor_id=staff.id)
    return period


add_period = transactional(add_period_in)


async def delete_period_in(uow: UnitOfWork, *, actor: StaffActor, period_id: int) -> None:
    """Remove a period that has no marks yet (a mistake in the set-up)."""
    staff = await setup_manager(uow, actor)
    period = await get_in_school(uow, Period, period_id, staff.school_id, "period")
    await require_calendar_open(uow, year_id=period.year_id, period=period)
    marks = await uow.session.exec(
        select(func.count()).select_from(PeriodMark).where(PeriodMark.period_id == period.id)
    )
    count = marks.one()
    if count:
        raise RuleViolation("period_has_marks", name=period.name, count=count)
    uow.audit(period, school_id=staff.school_id, action="delete", actor_id=staff.id)
    await uow.session.delete(period)


delete_period = transactional(delete_period_in)


async def add_holiday_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    year_id: int,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
) -> Holiday:
    """Holidays or a day off inside the year, on days the journal has no lessons."""
    staff = await setup_manager(uow, actor)
    year = await get_in_school(uow, AcademicYear, year_id, staff.school_id, "year")
    await require_calendar_open(uow, year_id=year.id or 0)
    clean = _name(name, "holiday_name_required")
    _span(starts_on, ends_on)
    _inside(year, starts_on, ends_on)
    query = (
        select(col(Lesson.date), func.count())
        .where(
            Lesson.school_id == staff.school_id,
            not_deleted(Lesson),
            Lesson.date >= starts_on,
            Lesson.date <= ends_on,
        )
        .group_by(col(Lesson.date))
        .order_by(col(Lesson.date))
    )
    taught = (await uow.session.exec(query.limit(1))).first()
    if taught is not None:
        raise RuleViolation("holiday_has_lessons", date=taught[0], count=taught[1])
    holiday = Holiday(
        school_id=staff.school_id,
        year_id=year.id or 0,
        name=clean,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    await uow.save(holiday, school_id=staff.school_id, action="create", actor_id=staff.id)
    return holiday


add_holiday = transactional(add_holiday_in)


async def delete_holiday_in(uow: UnitOfWork, *, actor: StaffActor, holiday_id: int) -> None:
    staff = await setup_manager(uow, actor)
    holiday = await get_in_school(uow, Holiday, holiday_id, staff.school_id, "holiday")
    await require_calendar_open(uow, year_id=holiday.year_id)
    uow.audit(holiday, school_id=staff.school_id, action="delete", actor_id=staff.id)
    await uow.session.delete(holiday)


delete_holiday = transactional(delete_holiday_in)


def parse_day(text: str) -> dt.date:
    """«2026-11-23» (a date field) or «23.11.2026» (typed by hand)."""
    value = text.strip()
    try:
        if "." in value:
            day = dt.datetime.strptime(value, "%d.%m.%Y").date()
        else:
            day = dt.date.fromisoformat(value)
    except ValueError:
        raise RuleViolation("bad_date", value=text) from None
    return check_day(day)
