"""Shared column types and helpers for every table."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, DateTime, Index, text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

# Named constraints, so later migrations (SQLite batch mode included) can drop them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores instants as naive UTC and hands back aware UTC datetimes.

    SQLite has no time zone type and PostgreSQL's `timestamptz` converts on read;
    storing naive UTC on both keeps comparisons identical across backends.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an instant is expected")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def instant_field(*, nullable: bool = False, index: bool = False) -> Any:
    """A timezone-aware instant column (see `UTCDateTime`).

    `sa_type` rather than `sa_column`, so mixins can declare it for several tables.
    """
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def json_field(*, default_factory: Any = dict) -> Any:
    return Field(default_factory=default_factory, sa_type=JSON, nullable=False)


def chat_id_field(*, index: bool = False) -> Any:
    """A Telegram chat id or a MAX user id: 64-bit (ids exceed PostgreSQL's 32-bit
    integer)."""
    return Field(default=None, sa_type=BigInteger, nullable=True, index=index)


# -- what the schema says about values (CHECK constraints, partial indexes) -------------
# Each constraint is named after its column (`ck_<table>_<column>` by the convention
# above), so a migration can find it; `core.migrate` compares these names with the
# database's, which Alembic's own comparison leaves out.


def _quoted(values: Iterable[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def one_of(column: str, values: Iterable[str]) -> CheckConstraint:
    """`column` holds one of `values` (a NULL passes: whether it may be NULL is the
    column's own rule)."""
    return CheckConstraint(f"{column} IN ({_quoted(values)})", name=column)


def between(column: str, low: int, high: int) -> CheckConstraint:
    return CheckConstraint(f"{column} BETWEEN {low} AND {high}", name=column)


def at_least(column: str, low: int | float) -> CheckConstraint:
    return CheckConstraint(f"{column} >= {low}", name=column)


def _stripped(expression: str, tokens: Iterable[str]) -> str:
    for token in tokens:
        expression = f"replace({expression}, '{token}', '')"
    return expression


def json_list_of(column: str, values: Iterable[str]) -> CheckConstraint:
    """A JSON array whose items are all among `values` (`["teacher", "admin"]`).

    Written with `replace` alone so that SQLite and PostgreSQL check it the same way
    (a CHECK may not use json_each): take out every known item with its quotes, then
    the brackets, commas and spaces; nothing may be left.
    """
    items = [f'"{value}"' for value in values]
    rest = _stripped(f"CAST({column} AS TEXT)", [*items, "[", "]", ",", " "])
    return CheckConstraint(f"CAST({column} AS TEXT) LIKE '[%]' AND {rest} = ''", name=column)


def json_map_of(column: str, keys: Iterable[str], values: Iterable[str]) -> CheckConstraint:
    """A JSON object from `keys` to `values` (`{"marks": "off"}`), checked like
    `json_list_of`: known keys with their colon, known values, then the punctuation."""
    tokens = [*(f'"{key}":' for key in keys), *(f'"{value}"' for value in values)]
    rest = _stripped(f"CAST({column} AS TEXT)", [*tokens, "{", "}", ",", " "])
    return CheckConstraint(f"CAST({column} AS TEXT) LIKE '{{%}}' AND {rest} = ''", name=column)


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> Index:
    """An index over the rows matching `where` only, on SQLite and PostgreSQL alike."""
    return Index(
        name,
        *columns,
        unique=unique,
        sqlite_where=text(where),
        postgresql_where=text(where),
    )
