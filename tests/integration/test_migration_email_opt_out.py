"""Migration 0003: a guardian's kinds of message switched off for email, up and down."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from core.db import Database
from core.migrate import current_revision, downgrade_database, upgrade_database


async def _columns(url: str) -> set[str]:
    db = Database(url)

    def names(connection: Connection) -> set[str]:
        return {c["name"] for c in inspect(connection).get_columns("guardian_settings")}

    try:
        async with db.engine.connect() as connection:
            return await connection.run_sync(names)
    finally:
        await db.dispose()


async def _settings_row(url: str) -> None:
    """A school, a guardian and their settings, as 0002 left them."""
    db = Database(url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO school (id, name, timezone, bells, policy, created_at) "
                    "VALUES (1, 'Школа', 'Europe/Moscow', '[]', '{}', '2026-11-23 07:00:00')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO guardian (id, school_id, last_name, first_name, middle_name, "
                    "language, wants_paper_summary, created_at) VALUES (1, 1, 'Соколова', "
                    "'Анна', '', 'ru', false, '2026-11-23 07:00:00')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO guardian_settings (id, school_id, guardian_id, modes, channels, "
                    "weekly_weekday) VALUES (1, 1, 1, '{\"homework\": \"off\"}', '[]', 4)"
                )
            )
    finally:
        await db.dispose()


async def _email_off(url: str) -> object:
    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            return (await conn.execute(text("SELECT email_off FROM guardian_settings"))).scalar()
    finally:
        await db.dispose()


async def check_round_trip(url: str) -> None:
    await upgrade_database(url, "0003_checks_and_indexes")
    await _settings_row(url)
    await upgrade_database(url, "0004_email_opt_out")
    assert await current_revision(url) == "0004_email_opt_out"
    assert await _email_off(url) in ([], "[]")  # existing rows switch nothing off
    await downgrade_database(url, "0003_checks_and_indexes")
    assert "email_off" not in await _columns(url)


async def test_email_opt_out_up_and_down_on_sqlite(tmp_path: Path) -> None:
    await check_round_trip(f"sqlite:///{tmp_path / 'zvonok.db'}")


@pytest.mark.postgres
async def test_email_opt_out_up_and_down_on_postgres(empty_postgres_url: str) -> None:
    await check_round_trip(empty_postgres_url)
