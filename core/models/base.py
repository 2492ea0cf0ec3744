"""Shared column types and helpers for every table."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime
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
    """A Telegram chat id: 64-bit (ids exceed PostgreSQL's 32-bit integer)."""
    return Field(default=None, sa_type=BigInteger, nullable=True, index=index)
