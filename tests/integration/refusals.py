"""A write the database refuses, for tests of all-or-nothing operations.

A trigger makes the database refuse some rows while a block runs (on SQLite and on
PostgreSQL alike): a step failing halfway through a composite operation, faked at the
edge (the database) rather than inside our code.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

from sqlalchemy import text

from core.db import Database

TRIGGER = "zvonok_test_refusal"


@asynccontextmanager
async def refused(
    db: Database, table: str, *, on: Literal["INSERT", "UPDATE"], when: str = "TRUE"
) -> AsyncIterator[None]:
    """While the block runs, the database refuses an `on` of a `table` row for which
    `when` (an SQL condition on NEW, such as "NEW.id = 7") holds."""
    if db.is_sqlite:
        create = [
            f"CREATE TRIGGER {TRIGGER} BEFORE {on} ON {table} FOR EACH ROW WHEN {when} "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        ]
        drop = [f"DROP TRIGGER {TRIGGER}"]
    else:
        create = [
            f"CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$",
            f"CREATE TRIGGER {TRIGGER} BEFORE {on} ON {table} FOR EACH ROW WHEN ({when}) "
            f"EXECUTE FUNCTION {TRIGGER}()",
        ]
        # The PostgreSQL database outlives the test (its tables are emptied, not dropped).
        drop = [f"DROP TRIGGER {TRIGGER} ON {table}", f"DROP FUNCTION {TRIGGER}()"]
    async with db.engine.begin() as conn:
        for statement in create:
            await conn.execute(text(statement))
    try:
        yield
    finally:
        async with db.engine.begin() as conn:
            for statement in drop:
                await conn.execute(text(statement))
