"""Migration 0010: the audit entries already kept are sealed into one chain per school."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.audit.verify import verify_school
from core.db import Database
from core.migrate import current_revision, downgrade_database, upgrade_database
from tests.integration.migration_helpers import column_names, run_sql

BEFORE, AFTER = "0009_subject_flags", "0010_audit_chain"
MADE = "2026-09-01 07:00:00"


def _entry(entry_id: int, school: int, at: str, value: int) -> str:
    return (
        "INSERT INTO audit_entry (id, school_id, at, actor_kind, actor_id, entity, entity_id, "
        f"action, old, new) VALUES ({entry_id}, {school}, '{at}', 'staff', NULL, 'subject', "
        f"{entry_id}, 'update', 'null', '{{\"value\": {value}, \"name\": \"Алгебра\"}}')"
    )


async def check_round_trip(url: str) -> None:
    await upgrade_database(url, BEFORE)
    await run_sql(
        url,
        "INSERT INTO school (id, name, timezone, bells, policy, created_at) VALUES "
        f"(1, 'Школа 1', 'Europe/Moscow', '[]', '{{}}', '{MADE}'), "
        f"(2, 'Школа 2', 'Europe/Moscow', '[]', '{{}}', '{MADE}')",
        # Two schools' entries interleaved, as a shared database has them.
        _entry(1, 1, "2026-09-01 08:00:00", 5),
        _entry(2, 2, "2026-09-01 08:01:00", 4),
        _entry(3, 1, "2026-09-01 08:02:00.123456", 3),
    )
    await upgrade_database(url, AFTER)
    assert await current_revision(url) == AFTER

    found = await run_sql(url, "SELECT id, school_id, seq FROM audit_entry ORDER BY id")
    assert found == [(1, 1, 1), (2, 2, 1), (3, 1, 2)]
    heads = await run_sql(url, "SELECT school_id, seq FROM audit_chain ORDER BY school_id")
    assert heads == [(1, 2), (2, 1)]
    db = Database(url)
    try:
        async with db.session() as session:
            for school in (1, 2):
                report = await verify_school(session, school)
                assert report.ok, report.findings
    finally:
        await db.dispose()

    await downgrade_database(url, BEFORE)
    assert {"seq", "prev_hash", "hash", "reason"}.isdisjoint(await column_names(url, "audit_entry"))
    assert await run_sql(url, "SELECT count(*) FROM audit_entry") == [(3,)]


async def test_audit_chain_up_and_down_on_sqlite(tmp_path: Path) -> None:
    await check_round_trip(f"sqlite:///{tmp_path / 'zvonok.db'}")


@pytest.mark.postgres
async def test_audit_chain_up_and_down_on_postgres(empty_postgres_url: str) -> None:
    await check_round_trip(empty_postgres_url)
