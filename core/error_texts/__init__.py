"""The texts of core's errors, by stable code, rendered in the reader's language.

An error is raised with a code and parameters (`RuleViolation("bad_mark_value",
value=7)`); its text is looked up here when someone reads it. Errors a parent can
meet are in the `family` domain (core/family_texts.py, every parents' language); the
rest, for staff, in the `core` domain. A parent reading Uzbek who meets a staff-only
error reads it in Russian: the catalogs fall back to Russian.

Parameters are JSON values (`ZvonokError.params`, also stored with a roster file's
problems) and become words here: dates and times in the reader's format, numbers
with the reader's decimal sign, codes (`what="lesson"`, a list of roles) as words of
the reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from core import formats
from core.error_texts.backup import BACKUP
from core.error_texts.base import ErrorTable, WordTable
from core.error_texts.closing import CLOSING
from core.error_texts.journal import JOURNAL
from core.error_texts.limits import LIMITS
from core.error_texts.people import PEOPLE
from core.error_texts.roster import ROSTER
from core.error_texts.schedule import SCHEDULE
from core.error_texts.school import SCHOOL, setting_labels
from core.family_texts import FAMILY_ERRORS
from core.i18n import DEFAULT_LANGUAGE, DOMAINS, Texts, texts

TABLES = (BACKUP, CLOSING, FAMILY_ERRORS, JOURNAL, LIMITS, PEOPLE, ROSTER, SCHEDULE, SCHOOL)
_BY_CODE: dict[str, ErrorTable] = {
    code.partition(".")[0]: table for table in TABLES for code in table.codes()
}
# Parameters holding an ISO date, date and time, or time: shown as the reader writes them.
TEMPORAL = frozenset(("date", "due", "since", "on", "start", "end", "year_start", "year_end"))
TEMPORAL |= {"until", "at"}

__all__ = ["TABLES", "error_text", "json_safe", "setting_labels"]


def error_text(code: str, language: str, params: Mapping[str, object]) -> str:
    """The error's text in `language` (Russian for a language the domain lacks)."""
    table = _BY_CODE[code]
    # A staff error read in a parent's language is read in Russian: dates too.
    known = language in DOMAINS[table.domain].languages
    t = texts(table.domain, language if known else DEFAULT_LANGUAGE)
    words = table.words.get(code, {})
    shown = {name: _shown(name, value, t, words.get(name)) for name, value in params.items()}
    if code in table.plurals:
        count_name, plural = table.plurals[code]
        return plural(t, int(str(params[count_name])), shown)
    return t.gettext(table.messages[_variant(table, code, params)], **shown)


def _variant(table: ErrorTable, code: str, params: Mapping[str, object]) -> str:
    """The message for `code` and its `reason` (a code, or text from older callers)."""
    reason = params.get("reason")
    if not isinstance(reason, str):
        return code
    for key in (f"{code}.{reason}", f"{code}.other"):
        if key in table.messages:
            return key
    return code


def json_safe(value: object) -> object:
    """A parameter as JSON: dates and times in ISO form, sequences as lists."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _shown(name: str, value: object, t: Texts, words: WordTable | None) -> str:
    if isinstance(value, list):
        return ", ".join(_shown(name, item, t, words) for item in value)
    if words is not None and isinstance(value, str):
        return words(t).get(value, value)
    if isinstance(value, float):
        return formats.decimal(value, t.language)
    if name in TEMPORAL and isinstance(value, str):
        return _temporal(value, t.language)
    return str(value)


def _temporal(value: str, language: str) -> str:
    """An ISO date, date-time or time as the reader writes it; other text as it is."""
    try:
        if "T" in value:  # the date and the clock as the journal writes them: «23.11.2026 10:05»
            instant = dt.datetime.fromisoformat(value)
            date, clock = (
                formats.numeric_date(instant, language),
                formats.time_of_day(instant, language),
            )
            return f"{date} {clock}"
        if len(value) == 10 and value[4] == "-":
            return formats.numeric_date(dt.date.fromisoformat(value), language)
        return formats.time_of_day(dt.time.fromisoformat(value), language)
    except ValueError:
        return value
