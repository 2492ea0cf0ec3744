"""Bulk inserts straight through SQLAlchemy Core, with ids allocated up front.

No unit of work and no services: the demo writes history, not news, so nothing
goes to the outbox (the first worker start must not message 600 families about
a whole term).
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

Row = dict[str, Any]


def table_of(model: type[SQLModel]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


async def insert_rows(conn: AsyncConnection, model: type[SQLModel], rows: list[Row]) -> None:
    if rows:
        await conn.execute(insert(table_of(model)), rows)


async def insert_ids(conn: AsyncConnection, model: type[SQLModel], rows: list[Row]) -> list[int]:
    """Insert with ids taken up front, and return them in the order of `rows`.

    Plain `executemany` with known ids is many times faster than `RETURNING` on
    SQLite, where SQLAlchemy inserts row by row to keep the parameter order.
    """
    ids = await allocate_ids(conn, table_of(model), len(rows))
    for row, new_id in zip(rows, ids, strict=True):
        row["id"] = new_id
    await insert_rows(conn, model, rows)
    return ids


async def allocate_ids(conn: AsyncConnection, table: Table, count: int) -> list[int]:
    """`count` fresh primary keys for `table`.

    PostgreSQL hands them out from the column's sequence, so concurrent writers
    never collide and the sequence stays ahead. SQLite has no sequence: the next
    rowids after the largest are safe because the load's transaction holds the
    write lock from its start (`Database.writing_session`, BEGIN IMMEDIATE).
    """
    if count == 0:
        return []
    if conn.dialect.name == "postgresql":
        query = text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
        )
        result = await conn.execute(query, {"table": table.name, "n": count})
        return sorted(int(value) for value in result.scalars())
    largest = await conn.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    start = int(largest or 0) + 1
    return list(range(start, start + count))
