"""Jinja2 filters for family messages: dates, work types, attendance, remark kinds.

The word tables are vocabulary, not wording (they live in `core.reading.words`, shared
with the diary screens and the printed summary): a template decides the sentence, a
filter only turns a journal code («оп», "test", a date) into words of the message's
language, which templates read from the `lang` variable of their context.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from jinja2.runtime import Context
from jinja2.utils import pass_context
from markupsafe import Markup, escape

from core.i18n import LANGUAGES
from core.reading import words


def _lang(context: Context) -> str:
    lang = context.get("lang", "ru")
    return lang if lang in LANGUAGES else "ru"


def _date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


@pass_context
def short_date(context: Context, value: dt.date | str) -> str:
    """«23.11» / "23 Nov"."""
    return words.short_date(_date(value), _lang(context))


@pass_context
def weekday_date(context: Context, value: dt.date | str) -> str:
    """«пн 23.11» / "Mon 23 Nov": the lesson a line is about."""
    day = _date(value)
    return f"{words.weekday(day, _lang(context))} {short_date(context, day)}"


@pass_context
def day_month(context: Context, value: dt.date | str) -> str:
    """«23 ноября» / "23 November"."""
    return words.day_month(_date(value), _lang(context))


@pass_context
def long_date(context: Context, value: dt.date | str) -> str:
    """«пн, 23 ноября» / "Mon, 23 November"."""
    day = _date(value)
    return f"{words.weekday(day, _lang(context))}, {day_month(context, day)}"


@pass_context
def work_type(context: Context, value: str) -> str:
    """«контрольная работа»; a work type added later prints as its code, never fails."""
    return words.work_type(value, _lang(context))


@pass_context
def work_type_short(context: Context, value: str) -> str:
    return words.work_type_short(value, _lang(context))


@pass_context
def attendance(context: Context, status: str, minutes_late: int | None = None) -> str:
    """«отсутствовал(а)», «болел(а)», «опоздал(а) на 10 мин»."""
    return words.attendance_words(status, minutes_late, _lang(context))


@pass_context
def remark_kind(context: Context, value: str) -> str:
    """«замечание», as inside a sentence."""
    return words.remark_word(value, _lang(context))


def plural(count: int, *forms: str) -> str:
    """The form for `count`: three Russian forms (1, 2–4, 5–20), or two English ones."""
    if len(forms) == 2:
        return forms[0] if count == 1 else forms[1]
    one, few, many = forms
    tens, units = count % 100, count % 10
    if units == 1 and tens != 11:
        return one
    if 2 <= units <= 4 and not 12 <= tens <= 14:
        return few
    return many


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


FILTERS: dict[str, Callable[..., Any]] = {
    "short_date": short_date,
    "weekday_date": weekday_date,
    "day_month": day_month,
    "long_date": long_date,
    "work_type": work_type,
    "work_type_short": work_type_short,
    "attendance": attendance,
    "remark_kind": remark_kind,
    "plural": plural,
    "upper_first": upper_first,
    "lower_first": lower_first,
    "line_breaks": line_breaks,
}
