"""Migration 0011: who closed a year or a period, and when; up and down."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.migrate import current_revision, downgrade_database, upgrade_database
from tests.integration.migration_helpers import column_names, run_sql

BEFORE, AFTER = "0013_backup_runs", "0011_year_close"
MADE = "2026-06-30 07:00:00"


async def check_round_trip(url: str) -> None:
    await upgrade_database(url, BEFORE)
    await run_sql(
        url,
        "INSERT INTO school (id, name, timezone, bells, policy, created_at) "
        f"VALUES (1, 'Школа', 'Europe/Moscow', '[]', '{{}}', '{MADE}')",
        "INSERT INTO academic_year (id, school_id, name, starts_on, ends_on) "
        "VALUES (1, 1, '2025/2026', '2025-09-01', '2026-05-31')",
        "INSERT INTO period (id, school_id, year_id, name, kind, starts_on, ends_on) "
        "VALUES (1, 1, 1, '1 четверть', 'quarter', '2025-09-01', '2025-10-26')",
        "INSERT INTO staff (id, school_id, login, last_name, first_name, middle_name, roles, "
        f"created_at) VALUES (1, 1, 'admin', 'Орлова', 'Ирина', '', '[\"admin\"]', '{MADE}')",
    )
    await upgrade_database(url, AFTER)
    assert await current_revision(url) == AFTER

    # Existing years and periods stay open.
    years = await run_sql(url, "SELECT closed_at, closed_by FROM academic_year")
    periods = await run_sql(url, "SELECT closed_at, closed_by FROM period")
    assert years == [(None, None)] and periods == [(None, None)]
    await run_sql(
        url,
        f"UPDATE academic_year SET closed_at = '{MADE}', closed_by = 1",
        f"UPDATE period SET closed_at = '{MADE}', closed_by = 1",
    )
    assert await run_sql(url, "SELECT closed_by FROM period") == [(1,)]

    await downgrade_database(url, BEFORE)
    assert await current_revision(url) == BEFORE
    assert "closed_by" not in await column_names(url, "academic_year")
    assert {"closed_at", "closed_by"}.isdisjoint(await column_names(url, "period"))
    # The year's own closing instant predates this revision and stays.
    assert "closed_at" in await column_names(url, "academic_year")
    assert await run_sql(url, "SELECT name FROM period") == [("1 четверть",)]


async def test_year_close_up_and_down_on_sqlite(tmp_path: Path) -> None:
    await check_round_trip(f"sqlite:///{tmp_path / 'zvonok.db'}")


@pytest.mark.postgres
async def test_year_close_up_and_down_on_postgres(empty_postgres_url: str) -> None:
    await check_round_trip(empty_postgres_url)
