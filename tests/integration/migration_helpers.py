"""Raw SQL against a database at some revision, for the migrations' up-and-down tests
(the models describe only the newest schema, so these tests speak SQL)."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from core.db import Database


async def run_sql(url: str, *statements: str) -> list[tuple[object, ...]]:
    """Run the statements in one transaction; the last one's rows."""
    db = Database(url)
    try:
        async with db.engine.begin() as conn:
            rows: list[tuple[object, ...]] = []
            for statement in statements:
                result = await conn.execute(text(statement))
                rows = [tuple(row) for row in result] if result.returns_rows else []
            return rows
    finally:
        await db.dispose()


async def column_names(url: str, table: str) -> set[str]:
    """The table's columns as the database has them now."""
    db = Database(url)

    def names(connection: Connection) -> set[str]:
        return {c["name"] for c in inspect(connection).get_columns(table)}

    try:
        async with db.engine.connect() as connection:
            return await connection.run_sync(names)
    finally:
        await db.dispose()
