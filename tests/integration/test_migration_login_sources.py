"""Migration 0005: API tokens get an expiry, failed sign-ins a source; up and down."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.migrate import current_revision, downgrade_database, upgrade_database
from tests.integration.migration_helpers import column_names, run_sql

BEFORE, AFTER = "0004_email_opt_out", "0005_token_expiry_login_sources"
MADE = "2026-01-10 07:00:00"  # long before the upgrade


def _instant(value: object) -> dt.datetime:
    """A stored instant (naive UTC; SQLite hands back text)."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=dt.UTC)


async def check_round_trip(url: str) -> None:
    await upgrade_database(url, BEFORE)
    await run_sql(
        url,
        "INSERT INTO school (id, name, timezone, bells, policy, created_at) "
        f"VALUES (1, 'Школа', 'Europe/Moscow', '[]', '{{}}', '{MADE}')",
        "INSERT INTO staff (id, school_id, login, last_name, first_name, middle_name, roles, "
        f"created_at) VALUES (1, 1, 'math@1', 'Иванова', 'Мария', '', '[\"teacher\"]', '{MADE}')",
        "INSERT INTO access_token (id, school_id, staff_id, kind, name, token_hash, hint, "
        f"created_at, expires_at, revoked_at) VALUES "
        f"(1, 1, 1, 'api', '1С', 'h1', 'zvk_', '{MADE}', NULL, NULL), "
        f"(2, 1, 1, 'api', 'old', 'h2', 'zvk_', '{MADE}', NULL, '{MADE}'), "
        f"(3, 1, 1, 'session', '', 'h3', '', '{MADE}', '2026-01-17 07:00:00', NULL)",
        "INSERT INTO login_throttle (login, failures) VALUES ('admin@1', 3)",
    )
    before_upgrade = dt.datetime.now(dt.UTC)
    await upgrade_database(url, AFTER)
    assert await current_revision(url) == AFTER

    tokens = dict(await run_sql(url, "SELECT id, expires_at FROM access_token ORDER BY id"))
    # A live API token lives the default 90 days from the upgrade, not from when it
    # was made (it would have died at once); revoked tokens and sessions are untouched.
    expiry = _instant(tokens[1]) - before_upgrade
    assert dt.timedelta(days=90) <= expiry < dt.timedelta(days=90, minutes=1)
    assert tokens[2] is None
    assert _instant(tokens[3]) == dt.datetime(2026, 1, 17, 7, 0, tzinfo=dt.UTC)

    rows = await run_sql(url, "SELECT login, source, failures FROM login_throttle")
    assert rows == [("admin@1", "", 3)]  # the old count now counts over every address
    await run_sql(
        url,
        "INSERT INTO login_throttle (login, source, failures) VALUES "
        "('admin@1', 'ip:203.0.113.66', 2), ('', 'ip:203.0.113.66', 2)",
    )

    await downgrade_database(url, BEFORE)
    assert "source" not in await column_names(url, "login_throttle")
    assert await run_sql(url, "SELECT login, failures FROM login_throttle") == [("admin@1", 3)]
    expiries = await run_sql(url, "SELECT expires_at FROM access_token WHERE kind = 'api'")
    assert expiries == [(None,), (None,)]


async def test_token_expiry_and_login_sources_up_and_down_on_sqlite(tmp_path: Path) -> None:
    await check_round_trip(f"sqlite:///{tmp_path / 'zvonok.db'}")


@pytest.mark.postgres
async def test_token_expiry_and_login_sources_up_and_down_on_postgres(
    empty_postgres_url: str,
) -> None:
    await check_round_trip(empty_postgres_url)
