"""Staff messages queued for a messenger the school then stops offering (issue 12), on
SQLite and PostgreSQL.

The worker's own jobs run in-process (`workers.staff`): a message routed to Telegram
waits (pending) while the school switches Telegram off; when `staff_send` claims it, it
goes by the reader's channel of now, through the notifier's real channels to the MAX
stand-in, and nothing reaches the Telegram emulator. With no channel left it fails,
saying why.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from arq.connections import RedisSettings, create_pool
from pydantic import SecretStr

from core.db import Database
from core.delivery.reasons import describe
from core.delivery.staff_lifecycle import route_staff_message
from core.models import Role, Staff, StaffMessage
from core.services.admin_alerts import alert_admins
from core.services.school_setup import update_policy
from core.settings import Settings
from core.uow import UnitOfWork
from notifier.channels import build_channels, close_channels
from notifier.standins.max_control import RunningMaxStandin, run_max_standin
from tests.builders import World, build_world, update_row
from tests.e2e.families import set_policy
from tests.integration import telegram_fixtures
from tests.integration.delivery_helpers import load
from tests.integration.reminder_helpers import messages
from workers.staff import staff_send

emulator = telegram_fixtures.emulator  # a fixture
ADMIN_TELEGRAM, ADMIN_MAX, DEPUTY_TELEGRAM = 5550009, 9000009, 5550010
ADMIN_NEW_MAX = 9000019  # the administrator's MAX account after they linked a new one
STALE = {"destination": "/backups", "age_hours": 30, "last_good_at": None}


@pytest.fixture
async def max_() -> AsyncIterator[RunningMaxStandin]:
    async with run_max_standin() as running:
        for user in (ADMIN_MAX, ADMIN_NEW_MAX):
            await running.control.inject_start(user_id=user)
        yield running


@pytest.fixture
async def ctx(
    db: Database,
    emulator: telegram_fixtures.RunningEmulator,
    max_: RunningMaxStandin,
    redis_url: str,
) -> AsyncIterator[dict[str, Any]]:
    """What the staff worker's jobs get: the database, the real channels, the queue."""
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    settings = Settings(
        telegram_token=SecretStr(emulator.token),
        telegram_api_url=emulator.base_url,
        max_token=SecretStr(max_.token),
        max_api_url=max_.base_url,
    )
    channels = build_channels(settings, pool)
    yield {
        "db": db,
        "redis": pool,
        "settings": settings,
        "channels": channels,
    }
    await close_channels(channels)
    await pool.aclose()


async def _school(db: Database) -> World:
    """Both messengers offered, no quiet hours. The administrator is in Telegram and MAX;
    the deputy, an administrator too, in Telegram only, with no email."""
    w = await build_world(db)
    await set_policy(
        db,
        w.school_id,
        messengers=["telegram", "max"],
        quiet_hours_start="00:00",
        quiet_hours_end="00:00",
    )
    await update_row(
        db, Staff, w.staff["admin"], telegram_chat_id=ADMIN_TELEGRAM, max_user_id=ADMIN_MAX
    )
    await update_row(
        db,
        Staff,
        w.staff["deputy"],
        telegram_chat_id=DEPUTY_TELEGRAM,
        roles=[Role.deputy.value, Role.admin.value],
    )
    return w


async def test_a_message_waiting_for_a_messenger_switched_off_goes_by_the_next_channel(
    db: Database,
    ctx: dict[str, Any],
    emulator: telegram_fixtures.RunningEmulator,
    max_: RunningMaxStandin,
) -> None:
    w = await _school(db)
    planned = await alert_admins(
        UnitOfWork(db), school_id=w.school_id, code="backup_stale", params=STALE, key="k1"
    )
    assert planned == 2
    (admin,) = await messages(db, w, "admin", kind="alert")
    (deputy,) = await messages(db, w, "deputy", kind="alert")
    for message in (admin, deputy):  # routed as `staff_start` does: Telegram, offered
        assert await route_staff_message(UnitOfWork(db), message_id=message.id or 0)
        routed = await load(db, StaffMessage, message.id or 0)
        assert (routed.status, routed.channel) == ("pending", "telegram")

    # Before a worker claims them, the school switches Telegram off.
    await update_policy(UnitOfWork(db), actor=w.actor("admin"), values={"messengers": ["max"]})

    assert await staff_send(ctx, admin.id or 0) == "sent"
    sent = await load(db, StaffMessage, admin.id or 0)
    assert (sent.status, sent.channel, sent.address) == ("sent", "max", str(ADMIN_MAX))
    assert sent.attempts == 1 and sent.reason is None
    [in_max] = await max_.control.sent(ADMIN_MAX)
    assert "/backups" in in_max["text"]

    # The deputy has no other way: failed, saying why; nothing sent twice on a rerun.
    assert await staff_send(ctx, deputy.id or 0) == "nothing to do"
    failed = await load(db, StaffMessage, deputy.id or 0)
    assert (failed.status, failed.reason) == ("failed", "messenger_not_offered")
    assert describe(failed.reason, failed.reason_params, "ru") == (
        "школа больше не использует Telegram"
    )
    assert await staff_send(ctx, admin.id or 0) == "nothing to do"
    assert await emulator.control.sent() == []
    assert len(await max_.control.sent()) == 1

    # A chat unlinked since the routing is re-checked the same way: the new link.
    await alert_admins(
        UnitOfWork(db), school_id=w.school_id, code="backup_stale", params=STALE, key="k2"
    )
    (_, second) = await messages(db, w, "admin", kind="alert")
    assert await route_staff_message(UnitOfWork(db), message_id=second.id or 0)
    assert (await load(db, StaffMessage, second.id or 0)).address == str(ADMIN_MAX)
    await update_row(db, Staff, w.staff["admin"], max_user_id=ADMIN_NEW_MAX)
    assert await staff_send(ctx, second.id or 0) == "sent"
    assert (await load(db, StaffMessage, second.id or 0)).address == str(ADMIN_NEW_MAX)
    assert len(await max_.control.sent(ADMIN_NEW_MAX)) == 1
    assert len(await max_.control.sent(ADMIN_MAX)) == 1
