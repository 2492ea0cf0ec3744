"""Which days the control of the journal looks at: a marking period, a week, or a span.

The dashboard asks for a period (by default the one holding today, the shortest when a
quarter and the year both do), a week (any day of it: Monday to Sunday), or two dates
(the API, the report). Every link from the dashboard to the items behind a figure
carries the same choice (`ControlSpan.query`), so the items listed are the ones counted.

Which periods' period marks and fill rate a span shows (`ControlSpan.focus`): the
chosen period's; for a week or two dates, those of the quarters or halves meeting it
(the year's only when no shorter period does). Period marks are shown when they fall
due within the span (`ControlSpan.due_within`): a quarter's dashboard shows the
quarter's preliminary and final marks, a week's those due that week.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.errors import Forbidden, NotFound, RuleViolation
from core.models import Period, Role, School, Staff
from core.permissions import has_role, load_staff
from core.uow import UnitOfWork

# The longest span the control reads at once: a school year and its summer.
LONGEST_SPAN_DAYS = 400
# Periods offered in the chooser: this year's and the last few.
PERIODS_OFFERED = 24


@dataclass(frozen=True)
class PeriodChoice:
    period_id: int
    name: str
    kind: str  # quarter | half | year
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True)
class SpanAsked:
    """What a request asked for; `resolve_span` makes it a `ControlSpan`."""

    period_id: int | None = None
    week: dt.date | None = None  # any day of the week
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class ControlSpan:
    school: str  # the school's name
    start: dt.date
    end: dt.date  # as chosen: may lie after today (only the days up to today are read)
    today: dt.date
    period: PeriodChoice | None  # the period chosen
    week: dt.date | None  # the Monday of the week chosen
    periods: tuple[PeriodChoice, ...]  # to choose from, newest first
    focus: tuple[PeriodChoice, ...]  # whose period marks and fill rate are shown

    @property
    def query(self) -> str:
        """The choice as a query string, for links to the items behind a figure."""
        if self.period is not None:
            return f"period={self.period.period_id}"
        if self.week is not None:
            return f"week={self.week.isoformat()}"
        return f"start={self.start.isoformat()}&end={self.end.isoformat()}"

    def due_within(self, due_at: dt.datetime, zone: ZoneInfo) -> bool:
        """Whether a deadline (the school's midnight ending its last day) falls in the span."""
        last_day = (due_at.astimezone(zone) - dt.timedelta(microseconds=1)).date()
        return self.start <= last_day <= self.end

    def focus_ids(self) -> frozenset[int]:
        return frozenset(p.period_id for p in self.focus)


def require_control_reader(staff: Staff) -> None:
    """The deputy director, the administrator, or a teacher (their own part)."""
    if not has_role(staff, Role.deputy, Role.admin, Role.teacher):
        raise Forbidden("control_readers_only")


async def resolve_span_in(uow: UnitOfWork, actor: StaffActor, asked: SpanAsked) -> ControlSpan:
    """The span asked for, inside an open unit of work; refuses who may not read control."""
    staff = await load_staff(uow, actor)
    require_control_reader(staff)
    school = await uow.session.get(School, staff.school_id)
    assert school is not None
    today = school_today(school, uow.now())
    rows = await uow.session.exec(
        select(Period)
        .where(Period.school_id == staff.school_id)
        .order_by(col(Period.starts_on).desc(), col(Period.ends_on), col(Period.id))
    )
    periods = [_choice(p) for p in rows.all()]
    offered = tuple(periods[:PERIODS_OFFERED])
    if asked.period_id is not None:
        period = next((p for p in periods if p.period_id == asked.period_id), None)
        if period is None:
            raise NotFound(what="period")
        return _span(
            school, today, period.starts_on, period.ends_on, offered, periods, period=period
        )
    if asked.week is not None:
        monday = asked.week - dt.timedelta(days=asked.week.weekday())
        sunday = monday + dt.timedelta(days=6)
        return _span(school, today, monday, sunday, offered, periods, week=monday)
    if asked.start is not None or asked.end is not None:
        start, end = asked.start or asked.end or today, asked.end or asked.start or today
        check_span(start, end)
        return _span(school, today, start, end, offered, periods)
    current = _current(periods, today)
    if current is not None:
        return _span(
            school, today, current.starts_on, current.ends_on, offered, periods, period=current
        )
    monday = today - dt.timedelta(days=today.weekday())
    return _span(
        school, today, monday, monday + dt.timedelta(days=6), offered, periods, week=monday
    )


async def resolve_span(uow: UnitOfWork, *, actor: StaffActor, asked: SpanAsked) -> ControlSpan:
    """The span asked for (the periods to choose from with it). Reads only."""
    async with uow:
        return await resolve_span_in(uow, actor, asked)


def check_span(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise RuleViolation("control_span_reversed", start=start, end=end)
    if (end - start).days + 1 > LONGEST_SPAN_DAYS:
        raise RuleViolation("control_span_too_long", days=LONGEST_SPAN_DAYS)


def _choice(period: Period) -> PeriodChoice:
    return PeriodChoice(period.id or 0, period.name, period.kind, period.starts_on, period.ends_on)


def _current(periods: list[PeriodChoice], today: dt.date) -> PeriodChoice | None:
    """The shortest period holding today; else the last one ended; else the first to come."""
    holding = [p for p in periods if p.starts_on <= today <= p.ends_on]
    if holding:
        return min(holding, key=lambda p: (p.ends_on - p.starts_on, p.starts_on))
    ended = [p for p in periods if p.ends_on < today and p.kind != "year"]
    if ended:
        return max(ended, key=lambda p: (p.ends_on, p.starts_on))
    return None


def _span(
    school: School,
    today: dt.date,
    start: dt.date,
    end: dt.date,
    offered: tuple[PeriodChoice, ...],
    periods: list[PeriodChoice],
    *,
    period: PeriodChoice | None = None,
    week: dt.date | None = None,
) -> ControlSpan:
    if period is not None:
        focus: tuple[PeriodChoice, ...] = (period,)
    else:
        meeting = [p for p in periods if p.starts_on <= end and p.ends_on >= start]
        shorter = [p for p in meeting if p.kind != "year"]
        focus = tuple(sorted(shorter or meeting, key=lambda p: (p.starts_on, p.period_id)))
    return ControlSpan(school.name, start, end, today, period, week, offered, focus)
