"""Closing an academic year or a period: its journal becomes read-only.

Seed 002 §3.4: the journal is printed once a year by 30 June, bound and signed; the
electronic journal standing for it must not change afterwards. The administrator
closes the year (or a period, after its quarterly printout, seed 001) once its last
day is over: a day still to come may yet have lessons, and a teacher's entries of
the last day are written that evening. What is still missing (period and year
marks not given) is read first (`core.reading.year_close.missing_before_closing`),
so the administrator closes knowingly; closing does not wait for it, as a pupil
may never get a mark (long illness) and the school decides.

From then on `core.closing` refuses every write dated in it, but an administrator's
correction with a written reason. Closing again changes nothing.
"""

from __future__ import annotations

import datetime as dt

from core.actors import StaffActor
from core.calendar import school_today
from core.errors import RuleViolation
from core.models import AcademicYear, Period, School, Staff
from core.permissions import setup_manager
from core.rows import get_in_school
from core.uow import UnitOfWork, snapshot, transactional


async def _today(uow: UnitOfWork, staff: Staff) -> dt.date:
    school = await uow.session.get(School, staff.school_id)
    assert school is not None
    return school_today(school, uow.now())


async def close_year_in(uow: UnitOfWork, *, actor: StaffActor, year_id: int) -> AcademicYear:
    """Close an academic year after its last day (administrator only); idempotent.

    Its periods stay as they are: the year's closure covers every day of it.
    """
    staff = await setup_manager(uow, actor)
    year = await get_in_school(uow, AcademicYear, year_id, staff.school_id, "year")
    if year.closed_at is not None:
        return year
    if not year.ends_on < await _today(uow, staff):
        raise RuleViolation("year_not_ended", name=year.name, date=year.ends_on)
    old = snapshot(year)
    year.closed_at, year.closed_by = uow.now(), staff.id
    await uow.save(year, action="update", actor_id=staff.id, old=old)
    return year


close_year = transactional(close_year_in)


async def close_period_in(uow: UnitOfWork, *, actor: StaffActor, period_id: int) -> Period:
    """Close a marking period after its last day (administrator only); idempotent.

    The year-long «period» of the year marks is closed with the year itself.
    """
    staff = await setup_manager(uow, actor)
    period = await get_in_school(uow, Period, period_id, staff.school_id, "period")
    if period.closed_at is not None:
        return period
    if period.kind == "year":
        raise RuleViolation("close_year_instead", name=period.name)
    if not period.ends_on < await _today(uow, staff):
        raise RuleViolation("period_not_ended", name=period.name, date=period.ends_on)
    old = snapshot(period)
    period.closed_at, period.closed_by = uow.now(), staff.id
    await uow.save(period, action="update", actor_id=staff.id, old=old)
    return period


close_period = transactional(close_period_in)
