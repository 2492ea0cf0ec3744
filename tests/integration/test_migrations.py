"""Migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from core.db import Database
from core.migrate import (
    check_migrations_match_models,
    current_revision,
    head_revision,
    upgrade_database,
)


async def table_names(url: str) -> set[str]:
    db = Database(url)

    def names(connection: Connection) -> set[str]:
        return set(inspect(connection).get_table_names())

    try:
        async with db.engine.connect() as connection:
            return await connection.run_sync(names)
    finally:
        await db.dispose()


async def assert_upgrade_builds_the_models(url: str) -> None:
    assert await current_revision(url) is None
    await upgrade_database(url)
    assert await table_names(url) == {*SQLModel.metadata.tables, "alembic_version"}
    assert await current_revision(url) == head_revision()
    assert await check_migrations_match_models(url) == []
    await upgrade_database(url)  # a second upgrade finds nothing to do
    assert await current_revision(url) == head_revision()


async def test_upgrade_on_a_fresh_sqlite_file_creates_every_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'zvonok.db'}"
    await assert_upgrade_builds_the_models(url)


@pytest.mark.postgres
async def test_upgrade_on_an_empty_postgres_database_creates_every_table(
    empty_postgres_url: str,
) -> None:
    await assert_upgrade_builds_the_models(empty_postgres_url)


async def test_the_check_reports_a_schema_that_drifted_from_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'zvonok.db'}"
    await upgrade_database(url)
    db = Database(url)
    async with db.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE stray (id INTEGER PRIMARY KEY)"))
        await connection.execute(text("ALTER TABLE remark ADD COLUMN colour VARCHAR"))
    await db.dispose()
    differences = await check_migrations_match_models(url)
    described = {(d[0], getattr(d[-1], "name", None)) for d in differences}
    assert described == {("remove_table", "stray"), ("remove_column", "colour")}
