"""Bounded values of requests: the type of every id, date and moment in a path, a query,
a form or a JSON body, so a value no row or calendar can have is refused with 422
before a handler runs (and /openapi.json says the bounds).

The bounds are core's (core/validation.py): ids 1 to 2^31 − 1 (ids are INTEGER
columns, PostgreSQL's int4: asyncpg refuses to send a larger number), dates from 1900 to 2100 written
YYYY-MM-DD (a number such as `-1.2e-22` is not a date, though pydantic would read
it as a timestamp).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from core.validation import FIRST_DAY, LAST_DAY, MAX_ID

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*")
_RANGE = f"from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"


def _written_day(value: object) -> object:
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value.strip()):
        raise PydanticCustomError("date_format", "a date is written YYYY-MM-DD")
    if isinstance(value, int | float):  # not a timestamp, whatever pydantic would make of it
        raise PydanticCustomError("date_format", "a date is written YYYY-MM-DD")
    return value


def _written_instant(value: object) -> object:
    if isinstance(value, str) and not _ISO_INSTANT.fullmatch(value.strip()):
        raise PydanticCustomError("datetime_format", "a moment is written YYYY-MM-DDTHH:MM")
    if isinstance(value, int | float):
        raise PydanticCustomError("datetime_format", "a moment is written YYYY-MM-DDTHH:MM")
    return value


def _in_range(value: dt.date) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise PydanticCustomError("date_out_of_range", "the journal takes dates " + _RANGE)
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A row's id: 1 to 2^31 − 1."""

Day = Annotated[
    dt.date,
    BeforeValidator(_written_day),
    AfterValidator(_in_range),
    Field(description=f"YYYY-MM-DD, {_RANGE}."),
]
"""A calendar day, YYYY-MM-DD, from FIRST_DAY to LAST_DAY."""

Instant = Annotated[
    dt.datetime,
    BeforeValidator(_written_instant),
    AfterValidator(_in_range),
    Field(description=f"YYYY-MM-DDTHH:MM[:SS][±HH:MM], {_RANGE}."),
]
"""A moment, ISO 8601; without an offset it is on the school's clock (the caller says)."""
