"""Dates, times and numbers as a reader of each language writes them (Babel, CLDR).

Patterns are CLDR skeletons, so each language gets its own order and abbreviations:
«пн, 23 нояб.» / "Mon 23 Nov" / «Dush, 23-noy». Numbers use the language's decimal
sign: «1,5» in Russian, "1.5" in English. A phrase whose grammar depends on the word
(«на пятницу», the accusative) is a catalog text, not a format.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.units import format_unit

from core.i18n import BABEL_LOCALES, DEFAULT_LANGUAGE


def babel_locale(language: str) -> Locale:
    return Locale.parse(BABEL_LOCALES.get(language, BABEL_LOCALES[DEFAULT_LANGUAGE]))


def _day(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def date_skeleton(value: dt.date | str, skeleton: str, language: str) -> str:
    """A date by CLDR skeleton, e.g. "MMMEd", "yMMMMd", "MMMMd", "Md", "EEEE"."""
    return babel_dates.format_skeleton(skeleton, _day(value), locale=babel_locale(language))


def short_date(value: dt.date | str, language: str) -> str:
    """«23.11» / "23/11": a date in a table or a diary line."""
    return date_skeleton(value, "dM", language)


def weekday_date(value: dt.date | str, language: str) -> str:
    """«пн, 23.11» / "Mon 23/11": the lesson a line is about."""
    return date_skeleton(value, "MEd", language)


def day_month(value: dt.date | str, language: str) -> str:
    """«23 ноября» / "23 November"."""
    return date_skeleton(value, "MMMMd", language)


def long_date(value: dt.date | str, language: str) -> str:
    """«понедельник, 23 ноября 2026 г.» / "Monday, 23 November 2026"."""
    return babel_dates.format_date(_day(value), "full", locale=babel_locale(language))


def numeric_date(value: dt.date | str, language: str) -> str:
    """«23.11.2026» / "23/11/2026"."""
    return babel_dates.format_date(_day(value), "short", locale=babel_locale(language))


def weekday_name(value: dt.date | str, language: str, width: str = "wide") -> str:
    """«понедельник» / "Monday"; width "abbreviated" gives «пн» / "Mon"."""
    day = _day(value)
    names = babel_locale(language).days["stand-alone"][width]
    return str(names[day.weekday()])


def time_of_day(value: dt.time | dt.datetime, language: str) -> str:
    """«07:30» (24-hour clock in every language we serve)."""
    return babel_dates.format_time(value, "HH:mm", locale=babel_locale(language))


def time_with_seconds(value: dt.time | dt.datetime, language: str) -> str:
    """«07:30:05»: a log's or a message list's clock."""
    return babel_dates.format_time(value, "HH:mm:ss", locale=babel_locale(language))


def date_time(value: dt.datetime, language: str, zone: dt.tzinfo | None = None) -> str:
    """«23.11.2026, 10:05» in `zone` (else the value's own zone)."""
    instant = value.astimezone(zone) if zone is not None else value
    return babel_dates.format_datetime(
        instant, "short", tzinfo=instant.tzinfo, locale=babel_locale(language)
    )


def duration(value: dt.timedelta, language: str) -> str:
    """«25 часов» / "3 days": how long, in the largest unit that reads well (hours up
    to two days, so a backup 25 hours old is not "1 day")."""
    return babel_dates.format_timedelta(value, threshold=2, locale=babel_locale(language))


def decimal(value: float | Decimal | int, language: str, digits: int = 2) -> str:
    """«4,5» / "4.5": at most `digits` decimals, no trailing zeros."""
    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    return babel_numbers.format_decimal(value, format=pattern, locale=babel_locale(language))


def fixed(value: float | Decimal | int, language: str, digits: int = 2) -> str:
    """«4,50» / "4.50": exactly `digits` decimals (averages in a table line up)."""
    pattern = "0." + "0" * digits if digits else "0"
    return babel_numbers.format_decimal(value, format=pattern, locale=babel_locale(language))


def percent(share: float, language: str) -> str:
    """«87 %» / "87%": a share (0.87) in whole percent, as the language writes it."""
    return babel_numbers.format_percent(share, locale=babel_locale(language))


def file_size(size: int, language: str) -> str:
    """«56,6 КБ» / "56.6 kB": CLDR's own unit names for the reader's language."""
    units = ("byte", "kilobyte", "megabyte", "gigabyte")
    amount = float(size)
    unit = 0
    while amount >= 1024 and unit < len(units) - 1:
        amount /= 1024
        unit += 1
    rounded = round(amount) if unit == 0 else round(amount, 1)
    return format_unit(
        rounded, f"digital-{units[unit]}", length="short", locale=babel_locale(language)
    )
