"""Administrators' alerts (core.services.admin_alerts) on the builders' school (both
DBs): one message per active administrator, once per key, bundled while it waits,
written per code; not held by holidays; a mistaken alert refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.db import Database
from core.models import Holiday, Role, School, Staff
from core.services.admin_alerts import alert_admins
from notifier.staff_render import render_staff
from tests.builders import World, build_world, insert, uow_at, update_row
from tests.e2e.families import set_policy
from tests.integration.reminder_helpers import compose, items, messages, msk, send, text_of

BROKEN = {"school": "Школа № 1", "seq": 41, "what": "changed", "count": 2}
NOON = msk(23, 12, 0)


async def _alert(
    db: Database, w: World, code: str, params: dict[str, Any], key: str, when: dt.datetime = NOON
) -> int:
    return await alert_admins(
        uow_at(db, when.astimezone(dt.UTC)),
        school_id=w.school_id,
        code=code,
        params=params,
        key=key,
    )


async def _school(db: Database) -> World:
    w = await build_world(db)
    await set_policy(db, w.school_id, quiet_hours_start="22:00", quiet_hours_end="07:00")
    await update_row(db, Staff, w.staff["admin"], telegram_chat_id=7_100_001)
    return w


async def test_each_administrator_is_alerted_once_per_key(db: Database) -> None:
    w = await _school(db)
    # A second administrator (also the deputy); a locked one is not alerted.
    await update_row(db, Staff, w.staff["deputy"], roles=[Role.deputy.value, Role.admin.value])
    await update_row(
        db, Staff, w.staff["secretary"], roles=[Role.admin.value], locked_at=NOON.astimezone(dt.UTC)
    )
    assert await _alert(db, w, "audit_chain_broken", BROKEN, "audit_failed:2026-11-23") == 2
    assert await _alert(db, w, "audit_chain_broken", BROKEN, "audit_failed:2026-11-23") == 0
    assert await messages(db, w, "secretary", kind="alert") == []
    for who in ("admin", "deputy"):
        (message,) = await messages(db, w, who, kind="alert")
        assert await items(db, message.id or 0) == [("alert:audit_failed:2026-11-23", "note")]
    (message,) = await messages(db, w, "admin", kind="alert")
    assert await text_of(db, message.id or 0, NOON) == (
        "Звонок: требуется внимание администратора\n\n"
        "Журнал аудита школы Школа № 1 не прошёл ночную проверку: запись № 41 изменена.\n"
        "Всего найдено проблем: 2. Их список выводит «zvonok audit verify»."
    )
    assert await send(db, message.id or 0, NOON) == "sent"
    # Sent: the same key stays quiet, the next night's failure is a new message.
    assert await _alert(db, w, "audit_chain_broken", BROKEN, "audit_failed:2026-11-23") == 0
    assert await _alert(db, w, "audit_chain_broken", BROKEN, "audit_failed:2026-11-24") == 2
    assert len(await messages(db, w, "admin", kind="alert")) == 2


async def test_alerts_waiting_in_the_night_go_together_in_the_morning(db: Database) -> None:
    w = await _school(db)
    night = msk(24, 3, 0)
    stale = {"destination": "s3", "age_hours": 27, "last_good_at": "2026-11-23T00:10:00+00:00"}
    purged = {"counts": {"contacts": 3, "deliveries": 120}}
    await _alert(db, w, "backup_stale", stale, "backup_stale:s3:2026-11-24", night)
    await _alert(db, w, "retention_purged", purged, "retention:2026-11-24", night)
    (message,) = await messages(db, w, "admin", kind="alert")
    assert await send(db, message.id or 0, night) == "open"  # quiet hours
    (message,) = await messages(db, w, "admin", kind="alert")
    assert message.due_at == msk(24, 7, 0)
    assert await text_of(db, message.id or 0, msk(24, 7, 0)) == (
        "Звонок: требуется внимание администратора\n\n"
        "Последней удачной резервной копии в s3 уже 27 часов (сделана 23.11 03:10).\n"
        "Проверьте место хранения и журнал фоновых задач; «zvonok backup» сделает копию сейчас.\n\n"
        "Плановое удаление по сроку хранения убрало персональные данные, которые больше не нужны:\n"
        "контакты: 3\n"
        "записи о доставке: 120"
    )
    assert await send(db, message.id or 0, msk(24, 7, 0)) == "sent"


async def test_holidays_do_not_hold_an_alert(db: Database) -> None:
    w = await _school(db)
    day = NOON.date()
    await insert(
        db,
        Holiday(
            school_id=w.school_id, year_id=w.year_id, name="Каникулы", starts_on=day, ends_on=day
        ),
    )
    never = {"destination": "/mnt/backup", "age_hours": 0, "last_good_at": None}
    await _alert(db, w, "backup_stale", never, "backup_stale:local:2026-11-23")
    (message,) = await messages(db, w, "admin", kind="alert")
    assert await send(db, message.id or 0, NOON) == "sent"
    text = await text_of(db, message.id or 0, NOON)
    assert text is not None and "Нет ни одной удачной резервной копии в /mnt/backup." in text


async def test_by_email_without_the_reminders_footer(db: Database) -> None:
    w = await _school(db)
    await update_row(
        db, Staff, w.staff["admin"], telegram_chat_id=None, email="admin@school.example"
    )
    await update_row(db, School, w.school_id, name="Школа № 1")
    await _alert(db, w, "audit_chain_broken", BROKEN | {"what": "rows_disagree"}, "audit:1")
    (message,) = await messages(db, w, "admin", kind="alert")
    composition = await compose(db, message.id or 0, NOON)
    assert composition is not None
    mail = render_staff(composition, "email", today=NOON.date())
    assert mail.subject == "Звонок: требуется внимание администратора"
    assert "строка журнала не согласуется с записью № 41" in mail.text
    assert "Школа № 1 · электронный журнал «Звонок»" in mail.text
    assert "Напоминания" not in mail.text


@pytest.mark.parametrize(
    ("code", "params", "key"),
    [
        ("audit_broken", BROKEN, "k"),
        ("audit_chain_broken", {"school": "Школа"}, "k"),
        ("audit_chain_broken", BROKEN | {"what": "lost"}, "k"),
        (
            "backup_stale",
            {"destination": "s3", "age_hours": 30, "last_good_at": "2026-11-23T00:00"},
            "k",
        ),
        ("retention_purged", {"counts": {"guardians": 1}}, "k"),
        ("retention_purged", {"counts": {}}, "x" * 80),
    ],
)
async def test_a_mistaken_alert_is_refused(
    db: Database, code: str, params: dict[str, Any], key: str
) -> None:
    w = await build_world(db)
    with pytest.raises(ValueError):
        await _alert(db, w, code, params, key)
    assert await messages(db, w, "admin", kind="alert") == []


@pytest.mark.parametrize(
    ("what", "seq", "says"),
    [
        ("relinked", 41, "запись № 41 вставлена"),
        ("head", 41, "конец цепочки у записи № 41 обрезан или дописан"),
        ("anchor", 41, "запись № 41 не совпадает с копией, хранящейся вне базы данных"),
        ("row_changed", 41, "строка журнала не согласуется с записью № 41"),
        ("row_unrecorded", None, "у строки журнала нет записи аудита"),
    ],
)
async def test_each_problem_the_verification_names_is_written(
    db: Database, what: str, seq: int | None, says: str
) -> None:
    w = await _school(db)
    await _alert(db, w, "audit_chain_broken", BROKEN | {"what": what, "seq": seq}, "audit:1")
    (message,) = await messages(db, w, "admin", kind="alert")
    text = await text_of(db, message.id or 0, NOON)
    assert text is not None and f"не прошёл ночную проверку: {says}." in text, text
