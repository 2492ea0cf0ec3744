"""Migration 0015: a staff message of kind `alert`; up and down."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from core.migrate import current_revision, downgrade_database, upgrade_database
from tests.integration.migration_helpers import run_sql

BEFORE, AFTER = "0010_audit_chain", "0015_admin_alerts"
MADE = "2026-12-06 03:00:00"
SETUP = (
    "INSERT INTO school (id, name, timezone, bells, policy, created_at) "
    f"VALUES (1, 'Школа', 'Europe/Moscow', '[]', '{{}}', '{MADE}')",
    "INSERT INTO staff (id, school_id, login, last_name, first_name, middle_name, roles, "
    f"created_at) VALUES (1, 1, 'admin', 'Белов', 'Игорь', '', '[\"admin\"]', '{MADE}')",
)


def _message(id_: int, kind: str) -> str:
    return (
        "INSERT INTO staff_message (id, school_id, staff_id, kind, status, due_at, params, "
        f"attempts, created_at) VALUES ({id_}, 1, 1, '{kind}', 'open', '{MADE}', '{{}}', 0, "
        f"'{MADE}')"
    )


async def check_round_trip(url: str) -> None:
    await upgrade_database(url, BEFORE)
    await run_sql(url, *SETUP, _message(1, "summary"))
    with pytest.raises(IntegrityError):
        await run_sql(url, _message(2, "alert"))
    await upgrade_database(url, AFTER)
    assert await current_revision(url) == AFTER
    await run_sql(
        url,
        _message(2, "alert"),
        "INSERT INTO staff_reminder (school_id, staff_id, item, stage, message_id, created_at) "
        f"VALUES (1, 1, 'alert:audit_failed:2026-12-06', 'note', 2, '{MADE}')",
    )
    with pytest.raises(IntegrityError):
        await run_sql(url, _message(3, "gossip"))
    kinds = await run_sql(url, "SELECT id, kind FROM staff_message ORDER BY id")
    assert kinds == [(1, "summary"), (2, "alert")]

    # Down: the alerts (and their records) go, the rest stays, `alert` is refused again.
    await downgrade_database(url, BEFORE)
    assert await current_revision(url) == BEFORE
    assert await run_sql(url, "SELECT id, kind FROM staff_message") == [(1, "summary")]
    assert await run_sql(url, "SELECT count(*) FROM staff_reminder") == [(0,)]
    with pytest.raises(IntegrityError):
        await run_sql(url, _message(2, "alert"))


async def test_admin_alerts_up_and_down_on_sqlite(tmp_path: Path) -> None:
    await check_round_trip(f"sqlite:///{tmp_path / 'zvonok.db'}")


@pytest.mark.postgres
async def test_admin_alerts_up_and_down_on_postgres(empty_postgres_url: str) -> None:
    await check_round_trip(empty_postgres_url)
