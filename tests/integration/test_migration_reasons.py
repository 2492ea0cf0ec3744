"""Migration 0002: reasons written as Russian prose become codes, and back again."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from core.db import Database
from core.delivery.reasons import describe
from core.migrate import current_revision, downgrade_database, upgrade_database

AT = dt.datetime(2026, 11, 23, 10, 0)
BLOCKED = "Forbidden: bot was blocked by the user"
UNDELIVERED = f"не доставлено ни по одному каналу (telegram: {BLOCKED}; sms: не удалось после 13 попыток: шлюз: 503)"
# (table, id, the prose before 0002, the code and parameters after it)
ROWS: list[tuple[str, int, str, str, dict[str, Any] | None]] = [
    ("notification", 1, "согласие на обработку данных отозвано", "consent_withdrawn", None),
    (
        "notification",
        2,
        UNDELIVERED,
        "undelivered",
        {
            "tried": [
                {
                    "channel": "telegram",
                    "reason": {"code": "provider", "params": {"detail": BLOCKED}},
                },
                {
                    "channel": "sms",
                    "reason": {
                        "code": "gave_up",
                        "params": {
                            "attempts": 13,
                            "last": {"code": "provider", "params": {"detail": "шлюз: 503"}},
                        },
                    },
                },
            ]
        },
    ),
    ("notification", 3, "записка от руки", "text", {"text": "записка от руки"}),
    ("delivery", 1, "канал больше не выбран", "channel_dropped", None),
    (
        "delivery",
        2,
        "не удалось после 4 попыток: ошибка отправки: TimeoutError",
        "gave_up",
        {"attempts": 4, "last": {"code": "send_error", "params": {"error": "TimeoutError"}}},
    ),
    (
        "delivery",
        3,
        "smtp 550: mailbox unavailable",
        "provider",
        {"detail": "smtp 550: mailbox unavailable"},
    ),
    ("contact_status", 1, BLOCKED, "provider", {"detail": BLOCKED}),
]
COLUMN = {"notification": "reason", "delivery": "error", "contact_status": "reason"}


async def _execute(url: str, statements: list[tuple[str, dict[str, Any]]]) -> None:
    db = Database(url)
    try:
        async with db.engine.begin() as connection:
            for statement, params in statements:
                await connection.execute(text(statement), params)
    finally:
        await db.dispose()


async def _fill(url: str) -> None:
    """A school, a guardian, three notifications and deliveries, a dead contact (0001)."""
    at = {"at": AT}
    rows = [
        (
            "INSERT INTO school (id, name, timezone, bells, policy, created_at) "
            "VALUES (1, 'Школа', 'Europe/Moscow', '[]', '{}', :at)",
            at,
        ),
        (
            "INSERT INTO guardian (id, school_id, last_name, first_name, middle_name, language, "
            "wants_paper_summary, created_at) VALUES (1, 1, 'Соколова', 'Анна', '', 'ru', false, :at)",
            at,
        ),
    ]
    for number in (1, 2, 3):
        rows.append(
            (
                "INSERT INTO notification (id, school_id, guardian_id, topic, mode, urgent, status, "
                "due_at, created_at) VALUES (:id, 1, 1, 'marks', 'instant', false, 'failed', :at, :at)",
                {"id": number, "at": AT},
            )
        )
        rows.append(
            (
                "INSERT INTO delivery (id, school_id, notification_id, guardian_id, channel, "
                "address, status, attempts, parts, created_at) "
                "VALUES (:id, 1, :id, 1, 'sms', '+79160000001', 'failed', 1, 0, :at)",
                {"id": number, "at": AT},
            )
        )
    rows.append(
        (
            "INSERT INTO contact_status (id, school_id, guardian_id, channel, address, dead_at, "
            "reason) VALUES (1, 1, 1, 'telegram', '5550001', :at, 'x')",
            at,
        )
    )
    for table, row_id, prose, _, _ in ROWS:
        rows.append(
            (
                f"UPDATE {table} SET {COLUMN[table]} = :prose WHERE id = :id",
                {"prose": prose, "id": row_id},
            )
        )
    await _execute(url, rows)


async def _read(url: str, with_params: bool) -> dict[tuple[str, int], tuple[Any, ...]]:
    db = Database(url)
    found: dict[tuple[str, int], tuple[Any, ...]] = {}
    try:
        async with db.engine.connect() as connection:
            for table, column in COLUMN.items():
                params = f", {column}_params" if with_params else ""
                result = await connection.execute(text(f"SELECT id, {column}{params} FROM {table}"))
                for row in result.all():
                    values = tuple(
                        json.loads(v) if isinstance(v, str) and v[:1] in "{[" else v
                        for v in row[1:]
                    )
                    found[(table, row[0])] = values
    finally:
        await db.dispose()
    return found


async def _columns(url: str, table: str) -> set[str]:
    db = Database(url)

    def names(connection: Connection) -> set[str]:
        return {c["name"] for c in inspect(connection).get_columns(table)}

    try:
        async with db.engine.connect() as connection:
            return await connection.run_sync(names)
    finally:
        await db.dispose()


async def check_round_trip(url: str) -> None:
    await upgrade_database(url, "0001_initial")
    await _fill(url)

    await upgrade_database(url, "0002_reason_codes")
    assert await current_revision(url) == "0002_reason_codes"
    converted = await _read(url, with_params=True)
    for table, row_id, _, code, params in ROWS:
        assert converted[(table, row_id)] == (code, params), (table, row_id)
    reason, params = converted[("notification", 2)]
    assert describe(reason, params, "ru") == (
        f"не доставлено ни по одному каналу (Telegram: {BLOCKED}; "
        "SMS: не удалось после 13 попыток: шлюз: 503)"
    )
    assert (
        describe(*converted[("delivery", 2)], "en")
        == "failed after 4 attempts: sending failed: TimeoutError"
    )

    await downgrade_database(url, "0001_initial")
    assert await current_revision(url) == "0001_initial"
    assert "reason_params" not in await _columns(url, "notification")
    assert "error_params" not in await _columns(url, "delivery")
    restored = await _read(url, with_params=False)
    for table, row_id, prose, _, _ in ROWS:
        assert restored[(table, row_id)] == (prose,), (table, row_id)


async def test_reasons_become_codes_and_back_on_sqlite(tmp_path: Path) -> None:
    await check_round_trip(f"sqlite:///{tmp_path / 'zvonok.db'}")


@pytest.mark.postgres
async def test_reasons_become_codes_and_back_on_postgres(empty_postgres_url: str) -> None:
    await check_round_trip(empty_postgres_url)
