"""Migration 0009: what a subject's lessons owe (homework, marks); up and down."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.migrate import current_revision, downgrade_database, upgrade_database
from tests.integration.migration_helpers import column_names, run_sql

BEFORE, AFTER = "0008_staff_messages", "0009_subject_flags"
MADE = "2026-09-01 07:00:00"


async def check_round_trip(url: str) -> None:
    await upgrade_database(url, BEFORE)
    await run_sql(
        url,
        "INSERT INTO school (id, name, timezone, bells, policy, created_at) "
        f"VALUES (1, 'Школа', 'Europe/Moscow', '[]', '{{}}', '{MADE}')",
        "INSERT INTO subject (id, school_id, name, short_name) VALUES "
        "(1, 1, 'Математика', 'Матем.'), (2, 1, 'Физическая культура', 'Физ-ра')",
    )
    await upgrade_database(url, AFTER)
    assert await current_revision(url) == AFTER

    # Existing subjects owe homework and get marks, as the journal assumed until now.
    query = "SELECT id, name, homework, graded FROM subject ORDER BY id"
    found = [(i, n, bool(h), bool(g)) for i, n, h, g in await run_sql(url, query)]
    assert found == [(1, "Математика", True, True), (2, "Физическая культура", True, True)]
    # A subject written without the flags (an older program, a hand-made row) owes both.
    await run_sql(
        url,
        "INSERT INTO subject (id, school_id, name, short_name) VALUES (3, 1, 'Музыка', '')",
        "UPDATE subject SET homework = false WHERE id = 2",
    )
    rows = await run_sql(url, "SELECT id, homework, graded FROM subject WHERE id IN (2, 3)")
    assert sorted((i, bool(h), bool(g)) for i, h, g in rows) == [(2, False, True), (3, True, True)]

    await downgrade_database(url, BEFORE)
    assert await current_revision(url) == BEFORE
    assert {"homework", "graded"}.isdisjoint(await column_names(url, "subject"))
    names = await run_sql(url, "SELECT name FROM subject ORDER BY id")
    assert names == [("Математика",), ("Физическая культура",), ("Музыка",)]


async def test_subject_flags_up_and_down_on_sqlite(tmp_path: Path) -> None:
    await check_round_trip(f"sqlite:///{tmp_path / 'zvonok.db'}")


@pytest.mark.postgres
async def test_subject_flags_up_and_down_on_postgres(empty_postgres_url: str) -> None:
    await check_round_trip(empty_postgres_url)
