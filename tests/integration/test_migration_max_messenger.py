"""Migration 0017: MAX user ids, `max` wherever `telegram` is a channel or a source, the
`notice` topic; up and down, the downgrade refusing «Ознакомлен» pressed in MAX."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from core.migrate import (
    check_migrations_match_models,
    current_revision,
    downgrade_database,
    upgrade_database,
)
from tests.integration.migration_helpers import column_names, run_sql

BEFORE, AFTER = "0012_archive_documents", "0017_max_messenger"
AT = "2026-12-07 09:00:00"


def _delivery(id_: int, channel: str, notification: int = 1) -> str:
    return (
        "INSERT INTO delivery (id, school_id, notification_id, guardian_id, channel, address, "
        f"status, attempts, parts, created_at) VALUES ({id_}, 1, {notification}, 1, "
        f"'{channel}', '9001', 'sent', 1, 1, '{AT}')"
    )


SETUP = (
    "INSERT INTO school (id, name, timezone, bells, policy, created_at) "
    f"VALUES (1, 'Школа', 'Europe/Moscow', '[]', '{{}}', '{AT}')",
    "INSERT INTO staff (id, school_id, login, last_name, first_name, middle_name, roles, "
    f"telegram_chat_id, created_at) VALUES (1, 1, 'ivanova', 'Иванова', 'Мария', '', "
    f"'[\"teacher\"]', 5001, '{AT}')",
    "INSERT INTO guardian (id, school_id, last_name, first_name, middle_name, language, "
    "telegram_chat_id, consent_given_at, consent_source, wants_paper_summary, created_at) "
    f"VALUES (1, 1, 'Соколова', 'Анна', '', 'ru', 7001, '{AT}', 'telegram', false, '{AT}')",
    "INSERT INTO invite_code (id, school_id, code_hash, purpose, guardian_id, issued_at, "
    f"expires_at, used_at, used_by_chat) VALUES (1, 1, 'h1', 'guardian', 1, '{AT}', '{AT}', "
    f"'{AT}', 7001), (2, 1, 'h2', 'guardian', 1, '{AT}', '{AT}', NULL, NULL)",
    "INSERT INTO guardian_settings (id, school_id, guardian_id, modes, channels, email_off, "
    "weekly_weekday) VALUES (1, 1, 1, '{}', '[\"email\", \"telegram\"]', '[]', 4)",
    "INSERT INTO notification (id, school_id, guardian_id, topic, mode, urgent, status, "
    f"due_at, created_at) VALUES (1, 1, 1, 'marks', 'instant', false, 'sent', '{AT}', '{AT}')",
    _delivery(1, "telegram"),
)


def _staff_message(id_: int, channel: str, status: str) -> str:
    return (
        "INSERT INTO staff_message (id, school_id, staff_id, kind, status, due_at, params, "
        f"channel, address, attempts, created_at) VALUES ({id_}, 1, 1, 'reminders', "
        f"'{status}', '{AT}', '{{}}', '{channel}', '9001', 0, '{AT}')"
    )


ACK_IN_MAX = (
    "INSERT INTO acknowledgement (id, school_id, guardian_id, subject, at, via) "
    f"VALUES (1, 1, 1, 'week:1:2026-11-30', '{AT}', 'max')"
)
# What only the new schema holds: a MAX link, deliveries and a dead contact on MAX,
# a staff message on its way to MAX and one sent there, a notice, MAX in an order.
IN_MAX = (
    "UPDATE guardian SET max_user_id = 9001, consent_source = 'max'",
    "UPDATE staff SET max_user_id = 9002",
    _delivery(2, "max"),
    "INSERT INTO contact_status (id, school_id, guardian_id, channel, address, dead_at, "
    f"reason) VALUES (1, 1, 1, 'max', '9001', '{AT}', 'provider')",
    _staff_message(1, "max", "pending"),
    _staff_message(2, "max", "sent"),
    "INSERT INTO notification (id, school_id, guardian_id, topic, mode, urgent, status, "
    f"due_at, created_at) VALUES (2, 1, 1, 'notice', 'instant', false, 'sent', '{AT}', '{AT}')",
    _delivery(3, "email", notification=2),
    'UPDATE guardian_settings SET channels = \'["max", "email", "telegram"]\'',
)


async def _refused(url: str, statement: str) -> bool:
    try:
        await run_sql(url, statement)
    except IntegrityError:
        return True
    return False


async def check_round_trip(url: str) -> None:
    await upgrade_database(url, BEFORE)
    await run_sql(url, *SETUP)
    for statement in (_delivery(2, "max"), "UPDATE guardian SET consent_source = 'max'"):
        assert await _refused(url, statement)

    await upgrade_database(url, AFTER)
    assert await current_revision(url) == AFTER
    assert {"max_user_id"} <= await column_names(url, "guardian")
    assert {"max_user_id"} <= await column_names(url, "staff")
    # The code used before was used in Telegram, the only messenger then.
    used = await run_sql(url, "SELECT id, used_via FROM invite_code ORDER BY id")
    assert used == [(1, "telegram"), (2, None)]
    await run_sql(url, *IN_MAX, ACK_IN_MAX)
    for statement in (
        _delivery(9, "pigeon"),
        "UPDATE invite_code SET used_via = 'icq' WHERE id = 2",
        'UPDATE guardian_settings SET channels = \'["max", "pigeon"]\'',
        "UPDATE notification SET topic = 'gossip' WHERE id = 2",
    ):
        assert await _refused(url, statement), statement
    await upgrade_database(url)
    assert await check_migrations_match_models(url) == []
    await downgrade_database(url, AFTER)

    # Down: refused while a press made in MAX is on record, nothing changed by trying.
    with pytest.raises(RuntimeError, match="1 «Ознакомлен» presses were made in MAX"):
        await downgrade_database(url, BEFORE)
    assert await current_revision(url) == AFTER
    await run_sql(url, "DELETE FROM acknowledgement")
    await downgrade_database(url, BEFORE)
    assert await current_revision(url) == BEFORE
    assert "max_user_id" not in await column_names(url, "guardian")
    assert "used_via" not in await column_names(url, "invite_code")
    assert await run_sql(url, "SELECT id, channel FROM delivery ORDER BY id") == [(1, "telegram")]
    assert await run_sql(url, "SELECT id FROM notification") == [(1,)]
    assert await run_sql(url, "SELECT count(*) FROM contact_status") == [(0,)]
    messages = await run_sql(url, "SELECT id, status, channel, reason FROM staff_message")
    assert sorted(messages) == [(1, "failed", None, "staff_no_channel"), (2, "sent", None, None)]
    [(channels,)] = await run_sql(url, "SELECT channels FROM guardian_settings")
    assert (json.loads(channels) if isinstance(channels, str) else channels) == [
        "email",
        "telegram",
    ]
    assert await run_sql(url, "SELECT consent_source FROM guardian") == [(None,)]
    assert await _refused(url, _delivery(2, "max"))


async def test_max_messenger_up_and_down_on_sqlite(tmp_path: Path) -> None:
    await check_round_trip(f"sqlite:///{tmp_path / 'zvonok.db'}")


@pytest.mark.postgres
async def test_max_messenger_up_and_down_on_postgres(empty_postgres_url: str) -> None:
    await check_round_trip(empty_postgres_url)
