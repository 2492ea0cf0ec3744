"""Migration 0013: the record of backups; up and down."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from core.db import Database
from core.migrate import current_revision, downgrade_database, upgrade_database
from tests.integration.migration_helpers import run_sql

BEFORE, AFTER = "0014_consent_versions", "0013_backup_runs"


async def table_names(url: str) -> set[str]:
    db = Database(url)
    try:
        async with db.engine.connect() as connection:
            return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await db.dispose()


async def check_round_trip(url: str) -> None:
    await upgrade_database(url, BEFORE)
    assert "backup_run" not in await table_names(url)
    await upgrade_database(url, AFTER)
    assert await current_revision(url) == AFTER

    await run_sql(
        url,
        "INSERT INTO backup_run (id, started_at, finished_at, destination, name, size, "
        "sha256, ok, error) VALUES "
        "(1, '2026-12-06 02:30:00', '2026-12-06 02:31:00', '/mnt/backup', "
        "'zvonok-20261206T023000Z.tar.gz.age', 5000000000, 'ab', true, NULL), "
        "(2, '2026-12-06 02:30:00', '2026-12-06 02:31:05', 's3://b/z', "
        "'zvonok-20261206T023000Z.tar.gz.age', NULL, NULL, false, 'connection refused')",
    )
    rows = await run_sql(url, "SELECT destination, size, ok FROM backup_run ORDER BY id")
    # A backup may pass 2 GB: the size is a 64-bit integer.
    assert [(d, s, bool(ok)) for d, s, ok in rows] == [
        ("/mnt/backup", 5000000000, True),
        ("s3://b/z", None, False),
    ]

    await downgrade_database(url, BEFORE)
    assert await current_revision(url) == BEFORE
    assert "backup_run" not in await table_names(url)


async def test_backup_runs_up_and_down_on_sqlite(tmp_path: Path) -> None:
    await check_round_trip(f"sqlite:///{tmp_path / 'zvonok.db'}")


@pytest.mark.postgres
async def test_backup_runs_up_and_down_on_postgres(empty_postgres_url: str) -> None:
    await check_round_trip(empty_postgres_url)
