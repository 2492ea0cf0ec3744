"""Jinja2 filters for family messages, bound to one language: dates, work types, remarks.

A template decides the sentence; a filter only turns a journal code ("test", "remark",
a date) into words of the message's language. Dates come from Babel (core/formats.py);
the short work types («к/р») are the diary's own vocabulary (core/reading/words.py), so
a parent reads the same abbreviation in an SMS, the bot's diary and the printed summary.
The full names a message prints, and the remark kinds as a message's sentences use
them, are texts of the `messages` domain.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from core import formats
from core.i18n import texts
from core.reading import words


def _date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


# Babel matches a CLDR skeleton on every call (about a millisecond): a digest repeats
# the same few dates many times.
@functools.lru_cache(maxsize=4096)
def short_date(value: dt.date | str, lang: str) -> str:
    """«23.11» / "23/11"."""
    return formats.short_date(_date(value), lang)


@functools.lru_cache(maxsize=4096)
def weekday_date(value: dt.date | str, lang: str) -> str:
    """«пн 23.11» / "Mon 23/11": the lesson a line is about."""
    day = _date(value)
    # TRANSLATORS: the lesson a line is about: "Mon 23/11" («пн 23.11»). Reorder the
    # weekday and the date as your language writes them.
    return texts("messages", lang).pgettext(
        "lesson date",
        "%(weekday)s %(date)s",
        weekday=formats.weekday_name(day, lang, "abbreviated"),
        date=formats.short_date(day, lang),
    )


@functools.lru_cache(maxsize=4096)
def day_month(value: dt.date | str, lang: str) -> str:
    """«23 ноября» / "23 November"."""
    return formats.day_month(_date(value), lang)


def work_type(code: str, lang: str) -> str:
    """«контрольная работа»; a work type added later prints as its code, never fails."""
    return words.work_type(code, lang)


def work_type_short(code: str, lang: str) -> str:
    """«к/р» / "test": the diary's abbreviation."""
    return words.work_type_short(code, lang)


def remark_kind(code: str, lang: str) -> str:
    """«замечание», as inside a sentence; `upper_first` makes a heading of it."""
    return words.remark_word(code, lang)


def upper_first(value: str) -> str:
    return value[:1].upper() + value[1:]


def lower_first(value: str) -> str:
    """«Математика» → «математика», but «ОБЖ» stays as it is."""
    if len(value) > 1 and value[1].isupper():
        return value
    return value[:1].lower() + value[1:]


def line_breaks(value: str) -> Markup:
    """`value` as HTML (escaped unless already Markup), newlines as <br> for email clients."""
    return escape(value).replace("\n", Markup("<br>\n"))


def full_date(value: dt.date | str, lang: str) -> str:
    """«07.12.2026» / "07/12/2026": a day that may be in another year (a code's expiry)."""
    return formats.numeric_date(_date(value), lang)


_IN_LANGUAGE: dict[str, Callable[[Any, str], str]] = {
    "short_date": short_date,
    "full_date": full_date,
    "weekday_date": weekday_date,
    "day_month": day_month,
    "work_type": work_type,
    "work_type_short": work_type_short,
    "remark_kind": remark_kind,
}


def filters_for(lang: str) -> dict[str, Callable[..., Any]]:
    """The filters of an environment whose templates are read in `lang`."""

    def bound(function: Callable[[Any, str], str]) -> Callable[[Any], str]:
        return lambda value: function(value, lang)

    found: dict[str, Callable[..., Any]] = {
        name: bound(function) for name, function in _IN_LANGUAGE.items()
    }
    found.update(upper_first=upper_first, lower_first=lower_first, line_breaks=line_breaks)
    return found
