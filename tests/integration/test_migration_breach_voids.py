"""Migration 0016: the list of entries a breach voided (`breach_void`); up and down."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from core.migrate import current_revision, downgrade_database, upgrade_database
from tests.integration.migration_helpers import run_sql

BEFORE, AFTER = "0015_admin_alerts", "0016_breach_voids"
MADE = "2026-12-06 10:00:00"
SETUP = (
    "INSERT INTO school (id, name, timezone, bells, policy, created_at) "
    f"VALUES (1, 'Школа', 'Europe/Moscow', '[]', '{{}}', '{MADE}')",
    "INSERT INTO staff (id, school_id, login, last_name, first_name, middle_name, roles, "
    f"created_at) VALUES (1, 1, 'admin', 'Белов', 'Игорь', '', '[\"admin\"]', '{MADE}'), "
    f"(2, 1, 'math', 'Иванова', 'Мария', '', '[\"teacher\"]', '{MADE}')",
)


def _void(id_: int, entity: str) -> str:
    return (
        "INSERT INTO breach_void (id, school_id, staff_id, entity, entity_id, voided_at, "
        f"voided_by) VALUES ({id_}, 1, 2, '{entity}', 7, '{MADE}', 1)"
    )


async def check_round_trip(url: str) -> None:
    await upgrade_database(url, BEFORE)
    await run_sql(url, *SETUP)
    await upgrade_database(url, AFTER)
    assert await current_revision(url) == AFTER
    await run_sql(url, _void(1, "mark"), _void(2, "remark"))
    with pytest.raises(IntegrityError):
        await run_sql(url, _void(3, "lesson"))  # only the four kinds a breach voids
    rows = await run_sql(url, "SELECT id, entity, restored_at FROM breach_void ORDER BY id")
    assert rows == [(1, "mark", None), (2, "remark", None)]

    await downgrade_database(url, BEFORE)
    assert await current_revision(url) == BEFORE
    tables = await run_sql(
        url,
        "SELECT count(*) FROM staff WHERE id IN (1, 2)",
    )
    assert tables == [(2,)]
    with pytest.raises(Exception, match="breach_void"):
        await run_sql(url, "SELECT count(*) FROM breach_void")


async def test_breach_voids_up_and_down_on_sqlite(tmp_path: Path) -> None:
    await check_round_trip(f"sqlite:///{tmp_path / 'zvonok.db'}")


@pytest.mark.postgres
async def test_breach_voids_up_and_down_on_postgres(empty_postgres_url: str) -> None:
    await check_round_trip(empty_postgres_url)
