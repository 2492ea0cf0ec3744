"""Administrators' alerts through the running worker, at the Telegram Bot API emulator
and the SMTP stand-in: each code written as the administrator reads it, once per key.

The staff reminders' `planner_system` (tests/e2e/conftest.py); these schools have no
quiet hours, so an alert goes at once.
"""

from __future__ import annotations

import asyncio
import itertools

import pytest

from core.models import Staff
from core.services.admin_alerts import alert_admins
from core.uow import UnitOfWork
from tests.builders import World, update_row
from tests.e2e.conftest import fresh_school
from tests.e2e.families import plain, set_policy
from tests.e2e.system import System

pytestmark = pytest.mark.asyncio(loop_scope="session")

_CHATS = itertools.count(8_300_000)
TITLE = "Звонок: требуется внимание администратора"


async def _school(system: System, *, email: bool = False) -> tuple[World, int, str]:
    """A school whose administrator has a chat (or only an email address)."""
    w = await fresh_school(system.db)
    await set_policy(system.db, w.school_id, quiet_hours_start="00:00", quiet_hours_end="00:00")
    chat_id, address = next(_CHATS), f"admin{w.school_id}@school.example"
    link = {"email": address} if email else {"telegram_chat_id": chat_id}
    await update_row(system.db, Staff, w.staff["admin"], **link)
    return w, chat_id, address


async def _alert(system: System, w: World, code: str, params: dict[str, object], key: str) -> int:
    return await alert_admins(
        UnitOfWork(system.db), school_id=w.school_id, code=code, params=params, key=key
    )


async def test_a_broken_audit_chain_reaches_the_administrators_chat_once(
    planner_system: System,
) -> None:
    system = planner_system
    w, chat_id, _ = await _school(system)
    params = {"school": "Школа № 1", "seq": 1207, "what": "removed", "count": 1}
    assert await _alert(system, w, "audit_chain_broken", params, "audit_failed:2026-12-06") == 1
    (message,) = await system.wait_telegram(chat_id, 1, within=20)
    assert plain(message.text).splitlines() == [
        TITLE,
        "",
        "Журнал аудита школы Школа № 1 не прошёл ночную проверку: запись № 1207 удалена.",
        "Всего найдено проблем: 1. Их список выводит «zvonok audit verify».",
    ]
    # The next night's check fails again with the same key: nothing more is sent.
    assert await _alert(system, w, "audit_chain_broken", params, "audit_failed:2026-12-06") == 0
    await asyncio.sleep(3)
    assert len(system.telegram_to(chat_id)) == 1


async def test_a_stale_backup_reaches_the_administrator_by_email(planner_system: System) -> None:
    system = planner_system
    w, _, address = await _school(system, email=True)
    params = {"destination": "s3", "age_hours": 31, "last_good_at": "2026-12-05T00:30:00+00:00"}
    assert await _alert(system, w, "backup_stale", params, "backup_stale:s3:2026-12-06") == 1
    (email,) = await system.wait_emails(address, 1, within=30)
    assert email["Subject"] == TITLE
    body = email.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    # The builders' school keeps Moscow time: 00:30 UTC is 03:30 there.
    assert "Последней удачной резервной копии в s3 уже 31 час (сделана 05.12 03:30)." in text
    assert "«zvonok backup» сделает копию сейчас" in text
    assert "Напоминания" not in text  # the reminders' footer is not an alert's


async def test_a_retention_purge_is_reported_with_its_counts(planner_system: System) -> None:
    system = planner_system
    w, chat_id, _ = await _school(system)
    counts = {"contacts": 4, "chats": 2, "notifications": 57, "deliveries": 310}
    assert await _alert(system, w, "retention_purged", {"counts": counts}, "retention:1") == 1
    (message,) = await system.wait_telegram(chat_id, 1, within=20)
    assert plain(message.text).splitlines()[2:] == [
        "Плановое удаление по сроку хранения убрало персональные данные, которые больше не нужны:",
        "контакты: 4",
        "привязки чатов: 2",
        "уведомления: 57",
        "записи о доставке: 310",
    ]
