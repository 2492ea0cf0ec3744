"""Alembic environment, configured by `core.migrate` (no alembic.ini).

`core.migrate` opens the connection through `core.db.Database` and hands it over
in `config.attributes["connection"]`, so migrations run in the caller's
transaction with the same SQLite pragmas as the application.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import core.models  # noqa: F401  (registers every table on SQLModel.metadata)
from core.db import Database

config = context.config
target_metadata = SQLModel.metadata


def render_item(kind: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Render our own column types (e.g. UTCDateTime) with an import the file can use."""
    cls = type(obj)
    if kind == "type" and cls.__module__.startswith("core."):
        autogen_context.imports.add(f"from {cls.__module__} import {cls.__name__}")
        return repr(obj)
    return False


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite alters tables by copying them; batch mode does that and is a plain
        # ALTER on PostgreSQL, so one migration file serves both backends.
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_with_database(url: str) -> None:
    db = Database(url)
    try:
        async with db.engine.begin() as connection:
            await connection.run_sync(run_on)
    finally:
        await db.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: use `zvonok db upgrade`")
given = config.attributes.get("connection")
if given is not None:
    run_on(given)
else:
    asyncio.run(run_with_database(config.get_main_option("sqlalchemy.url") or ""))
