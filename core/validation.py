"""Checks of typed values that several services share (each refusal a `RuleViolation`).

The bounds of numbers and dates are here too: every id, date and moment a person or a
program sends is within them before it reaches a query (no row of an INTEGER column
has an id above 2^31 − 1, asyncpg refuses to send one, SQLite's driver one above
2^63 − 1; `date.max + 1 day` is an OverflowError), and the web app's request types
(webapp/params.py) use the same bounds.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import TypeVar

from core.errors import RuleViolation
from core.models import WorkType

# The largest row id: ids are INTEGER columns (SERIAL, PostgreSQL's int4).
MAX_ID = 2**31 - 1
# A school journal's dates: births of the oldest staff to plans of the next decades.
# Outside, a date is a typing slip (or a probe), and date arithmetic would overflow.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
# Control characters (Cc: NUL, line breaks, escapes) and invisible format characters
# (Cf: the right-to-left override U+202E, the zero-width space U+200B...): a name that
# holds one prints differently from what it says, or not at all.
_INVISIBLE = frozenset(("Cc", "Cf"))

Day = TypeVar("Day", bound=dt.date)  # a date, or a datetime


def check_work_type(work_type: str) -> str:
    """A known `WorkType` value, or RuleViolation (marks and the test schedule share it)."""
    if work_type not in WorkType.__members__.values():
        raise RuleViolation("bad_work_type", value=work_type)
    return work_type


def require_text(text: str) -> str:
    """The text without surrounding blanks, refusing an empty one."""
    text = text.strip()
    if not text:
        raise RuleViolation("empty_text")
    return text


def is_row_id(value: object) -> bool:
    """True for a number that can be a row's id (1 to 2^31 − 1)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def check_day(day: Day) -> Day:
    """`day` when it is from FIRST_DAY to LAST_DAY; RuleViolation("date_out_of_range")."""
    if not FIRST_DAY <= _date_of(day) <= LAST_DAY:
        # As ISO: a date format of the reader's would write the year 1 as «1».
        shown = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
        raise RuleViolation("date_out_of_range", value=shown, start=FIRST_DAY, end=LAST_DAY)
    return day


def _date_of(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def check_visible(field: str, text: str) -> str:
    """`text` when it has no control or invisible character; RuleViolation naming the
    field and the character's code (U+202E) otherwise."""
    for char in text:
        if unicodedata.category(char) in _INVISIBLE:
            raise RuleViolation("invisible_character", field=field, char=f"U+{ord(char):04X}")
    return text
