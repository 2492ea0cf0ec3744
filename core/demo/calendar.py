"""The academic year around `today`: quarters, holidays, public days off, the bells."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

ONE_DAY = dt.timedelta(days=1)
TIMEZONE = "Europe/Moscow"

# Public days off that fall in term time (Labour Code art. 112); one on a weekend
# moves to the following Monday.
_PUBLIC_DAYS_OFF = (
    (11, 4, "День народного единства"),
    (2, 23, "День защитника Отечества"),
    (3, 8, "Международный женский день"),
    (5, 1, "Праздник Весны и Труда"),
    (5, 9, "День Победы"),
)
# 45-minute lessons from 08:30; the breaks after lessons 2 and 3 are the long ones.
_BREAKS_AFTER = {1: 10, 2: 20, 3: 20, 4: 10, 5: 10, 6: 10, 7: 10}
LESSON_MINUTES = 45
SLOTS = 8


@dataclass(frozen=True)
class Span:
    name: str
    starts_on: dt.date
    ends_on: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class SchoolCalendar:
    name: str  # "2026/2027"
    starts_on: dt.date
    ends_on: dt.date
    quarters: tuple[Span, ...]
    holidays: tuple[Span, ...]

    def is_school_day(self, day: dt.date) -> bool:
        if day.weekday() >= 5 or not self.starts_on <= day <= self.ends_on:
            return False
        return not any(day in holiday for holiday in self.holidays)

    @cached_property
    def school_days(self) -> tuple[dt.date, ...]:
        """Every day of the year with lessons, in order."""
        days, day = [], self.starts_on
        while day <= self.ends_on:
            if self.is_school_day(day):
                days.append(day)
            day += ONE_DAY
        return tuple(days)

    def quarter_index(self, day: dt.date) -> int | None:
        for index, quarter in enumerate(self.quarters):
            if day in quarter:
                return index
        return None


def academic_year_start(today: dt.date) -> int:
    """The calendar year in which the academic year holding `today` began.

    From June to August the year just ended is the one to show: its journal is full.
    """
    return today.year if today.month >= 9 else today.year - 1


def build_calendar(today: dt.date) -> SchoolCalendar:
    year = academic_year_start(today)
    starts, ends = dt.date(year, 9, 1), dt.date(year + 1, 5, 31)
    autumn_start = _monday_between(dt.date(year, 10, 24), dt.date(year, 10, 30))
    spring_start = _monday_between(dt.date(year + 1, 3, 20), dt.date(year + 1, 3, 26))
    breaks = (
        Span("Осенние каникулы", autumn_start, autumn_start + 8 * ONE_DAY),
        Span("Зимние каникулы", dt.date(year, 12, 29), dt.date(year + 1, 1, 11)),
        Span("Весенние каникулы", spring_start, spring_start + 6 * ONE_DAY),
    )
    holidays = breaks + _public_days_off(year, breaks)
    bounds = [starts, *(b for s in breaks for b in (s.starts_on, s.ends_on)), ends]
    quarters = []
    for number in range(4):
        first = bounds[2 * number] + (ONE_DAY if number else dt.timedelta())
        last = bounds[2 * number + 1] - (ONE_DAY if number < 3 else dt.timedelta())
        quarters.append(Span(f"{number + 1} четверть", first, last))
    return SchoolCalendar(f"{year}/{year + 1}", starts, ends, tuple(quarters), holidays)


def _monday_between(first: dt.date, last: dt.date) -> dt.date:
    day = first
    while day.weekday() != 0:
        day += ONE_DAY
    if day > last:
        raise ValueError("no Monday in the range")
    return day


def _public_days_off(year: int, breaks: tuple[Span, ...]) -> tuple[Span, ...]:
    found = []
    for month, day_of_month, name in _PUBLIC_DAYS_OFF:
        day = dt.date(year if month >= 9 else year + 1, month, day_of_month)
        while day.weekday() >= 5:  # moved to the next working day
            day += ONE_DAY
        if not any(day in span for span in breaks):
            found.append(Span(name, day, day))
    return tuple(found)


def bells() -> list[dict[str, Any]]:
    """[{"slot": 1, "start": "08:30", "end": "09:15"}, ...]: 8 lessons of 45 minutes."""
    result, start = [], 8 * 60 + 30
    for slot in range(1, SLOTS + 1):
        end = start + LESSON_MINUTES
        result.append({"slot": slot, "start": _hhmm(start), "end": _hhmm(end)})
        start = end + _BREAKS_AFTER.get(slot, 0)
    return result


def lesson_start_minutes(slot: int) -> int:
    """Minutes after midnight (school time) when lesson `slot` begins."""
    start = 8 * 60 + 30
    for earlier in range(1, slot):
        start += LESSON_MINUTES + _BREAKS_AFTER[earlier]
    return start


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
