"""A closed journal is read-only: the guard every journal write passes.

The administrator closes an academic year or a period (`core.services.year_close`);
from then on an entry dated in it (a mark, attendance, a topic, homework, a remark,
a lesson, a test in the schedule, a period mark) is refused for everyone. The
paper journal it stands for is printed, bound and signed (seed 002 §3.4): changing
it afterwards is a correction, which only an administrator makes, with a written
reason that the audit log keeps with every change (`start_correction`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Date, Integer, bindparam
from sqlmodel import col, select

from core.errors import RuleViolation
from core.limits import check_length
from core.models import AcademicYear, Period, Role, Staff
from core.uow import UnitOfWork

# A reason a later reader understands: "опечатка" alone does not say what was wrong.
REASON_MIN_CHARS = 10
REASON_MIN_WORDS = 2


@dataclass(frozen=True)
class Closure:
    """What closed a day of the journal: its period or its whole year."""

    kind: str  # "year" | "period"
    name: str
    closed_at: dt.datetime
    closed_by: int | None


def _year_closure(year: AcademicYear) -> Closure | None:
    if year.closed_at is None:
        return None
    return Closure("year", year.name, year.closed_at, year.closed_by)


def _period_closure(period: Period) -> Closure | None:
    if period.closed_at is None:
        return None
    return Closure("period", period.name, period.closed_at, period.closed_by)


async def closure_on(uow: UnitOfWork, *, year_id: int, on: dt.date) -> Closure | None:
    """The closure covering day `on` of the year, None while its journal is open."""
    year = await uow.session.get(AcademicYear, year_id)
    if year is not None and (closed := _year_closure(year)) is not None:
        return closed
    query = select(Period).where(
        Period.year_id == year_id,
        Period.starts_on <= on,
        Period.ends_on >= on,
        col(Period.closed_at).is_not(None),
    )
    period = (await uow.session.exec(query.order_by(col(Period.starts_on)).limit(1))).first()
    return _period_closure(period) if period is not None else None


@dataclass(frozen=True)
class JournalDay:
    """A day of the journal as a write needs it: its closure (`closure_on`), and the
    school's periods begun by that day (the average's period: `core.reading.marks.
    pick_period`)."""

    closure: Closure | None
    periods: tuple[Period, ...]


# Built once (a journal cell's save runs it: core.services.journal_cell).
_JOURNAL_DAY = (
    select(AcademicYear, Period)
    .outerjoin(
        Period,
        (col(Period.school_id) == col(AcademicYear.school_id))
        & (col(Period.starts_on) <= bindparam("on", type_=Date)),
    )
    .where(col(AcademicYear.id) == bindparam("year_id", type_=Integer))
    .order_by(col(Period.starts_on), col(Period.id))
)


async def journal_day(uow: UnitOfWork, *, year_id: int, on: dt.date) -> JournalDay:
    """`closure_on` and the school's periods begun by `on`, in one statement."""
    rows = (await uow.session.exec(_JOURNAL_DAY, params={"year_id": year_id, "on": on})).all()
    periods = tuple(period for _, period in rows if period is not None)
    year = rows[0][0] if rows else None
    if year is not None and (closed := _year_closure(year)) is not None:
        return JournalDay(closed, periods)
    # As closure_on: the first (by start) closed period of the year holding the day.
    closing = (
        p for p in periods if p.year_id == year_id and p.ends_on >= on and p.closed_at is not None
    )
    period = next(closing, None)
    return JournalDay(_period_closure(period) if period is not None else None, periods)


@dataclass(frozen=True)
class ClosedDays:
    """A year's closed days, for pages that show many days at once (the grid)."""

    spans: tuple[tuple[dt.date, dt.date, Closure], ...]

    def at(self, day: dt.date) -> Closure | None:
        return next((c for first, last, c in self.spans if first <= day <= last), None)


async def closed_days(uow: UnitOfWork, year_id: int) -> ClosedDays:
    """The closed spans of the year: the whole year once it is closed, else its closed
    periods."""
    year = await uow.session.get(AcademicYear, year_id)
    if year is not None and (closed := _year_closure(year)) is not None:
        return ClosedDays(((year.starts_on, year.ends_on, closed),))
    query = select(Period).where(Period.year_id == year_id, col(Period.closed_at).is_not(None))
    periods = (await uow.session.exec(query.order_by(col(Period.starts_on)))).all()
    spans = []
    for period in periods:
        if (closure := _period_closure(period)) is not None:
            spans.append((period.starts_on, period.ends_on, closure))
    return ClosedDays(tuple(spans))


async def closure_of_period(uow: UnitOfWork, period: Period) -> Closure | None:
    """The closure covering a period's marks: the period's own, or its year's."""
    year = await uow.session.get(AcademicYear, period.year_id)
    if year is not None and (closed := _year_closure(year)) is not None:
        return closed
    return _period_closure(period)


def is_correcting(uow: UnitOfWork, staff: Staff) -> bool:
    """An administrator writing under a correction (`start_correction`) in this unit of work.

    The writers' checks (`core.permissions.require_lesson_writer`, the page teacher,
    the period marks' teacher) let such an administrator through; `require_open` then
    keeps the correction to closed days.
    """
    return uow.correction_reason is not None and Role.admin.value in staff.roles


def admit(uow: UnitOfWork, staff: Staff, closure: Closure | None, on: dt.date) -> None:
    """`require_open`'s rule for a closure the caller has read (`closure_on`, `journal_day`)."""
    correcting = uow.correction_reason is not None
    if closure is None:
        if correcting:  # an open journal is its teachers' to write
            raise RuleViolation("correction_of_open_journal", date=on)
        return
    if correcting and Role.admin.value in staff.roles:
        return
    code = "journal_closed_year" if closure.kind == "year" else "journal_closed_period"
    if Role.admin.value in staff.roles:
        code += "_admin"  # says how to correct it
    raise RuleViolation(code, name=closure.name, date=on)


async def require_open(uow: UnitOfWork, staff: Staff, *, year_id: int, on: dt.date) -> None:
    """Refuse a write dated `on` in a closed period or year, but an administrator's
    correction; refuse a correction of a day still open."""
    admit(uow, staff, await closure_on(uow, year_id=year_id, on=on), on)


async def require_period_open(uow: UnitOfWork, staff: Staff, period: Period) -> None:
    """`require_open` for a period's marks, dated its last day."""
    admit(uow, staff, await closure_of_period(uow, period), period.ends_on)


async def require_calendar_open(
    uow: UnitOfWork, *, year_id: int, period: Period | None = None
) -> None:
    """A closed year's periods and holidays, and a closed period, stay as they were
    closed: they decide which days the closed journal holds."""
    year = await uow.session.get(AcademicYear, year_id)
    if year is not None and year.closed_at is not None:
        raise RuleViolation("calendar_closed", name=year.name)
    if period is not None and period.closed_at is not None:
        raise RuleViolation("period_closed_kept", name=period.name)


def check_reason(reason: str) -> str:
    """A correction's written reason: a few words, within the reason field's limit."""
    text = " ".join(reason.split())
    if len(text) < REASON_MIN_CHARS or len(text.split()) < REASON_MIN_WORDS:
        raise RuleViolation("correction_reason_required", min=REASON_MIN_CHARS)
    return check_length("reason", text)


def start_correction(uow: UnitOfWork, reason: str) -> None:
    """Make the next service call on `uow` a correction of a closed journal.

    The existing services then run unchanged: an administrator passes the read-only
    guard and every audit entry of the unit of work carries `reason`.
    """
    uow.correction(check_reason(reason))
