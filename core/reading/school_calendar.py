"""The school's calendar as the set-up page shows it: every academic year with its
marking periods and holidays. The changes are `core.services.school_calendar`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from core.actors import StaffActor
from core.models import AcademicYear, Holiday, Period
from core.permissions import setup_reader
from core.uow import UnitOfWork


@dataclass(frozen=True)
class YearCalendar:
    year: AcademicYear
    periods: tuple[Period, ...]
    holidays: tuple[Holiday, ...]


async def read_calendar(uow: UnitOfWork, *, actor: StaffActor) -> list[YearCalendar]:
    """Every academic year of the school with its periods and holidays, newest first."""
    async with uow:
        staff = await setup_reader(uow, actor)
        sid = staff.school_id
        years = (
            await uow.session.exec(
                select(AcademicYear)
                .where(AcademicYear.school_id == sid)
                .order_by(col(AcademicYear.starts_on).desc())
            )
        ).all()
        periods = (await uow.session.exec(select(Period).where(Period.school_id == sid))).all()
        holidays = (await uow.session.exec(select(Holiday).where(Holiday.school_id == sid))).all()
        uow.session.expunge_all()  # plain values: leaving must not expire them
        return [
            YearCalendar(
                year,
                tuple(
                    sorted(
                        (p for p in periods if p.year_id == year.id),
                        key=lambda p: (p.kind == "year", p.starts_on, p.id or 0),
                    )
                ),
                tuple(
                    sorted((h for h in holidays if h.year_id == year.id), key=lambda h: h.starts_on)
                ),
            )
            for year in years
        ]
