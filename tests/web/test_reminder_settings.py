"""A teacher's reminder settings page: the school's times, their own, off unless
mandatory; what they save is what the planner uses."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.models import StaffReminderSettings
from tests.e2e.families import set_policy
from tests.web.browser import Web
from tests.web.pages import text_of


async def _saved(web: Web, who: str) -> StaffReminderSettings | None:
    async with web.db.session() as session:
        query = select(StaffReminderSettings).where(
            StaffReminderSettings.staff_id == web.world.staff[who]
        )
        return (await session.exec(query)).first()


async def test_a_teacher_chooses_times_and_switches_reminders_off(web: Web) -> None:
    browser = await web.signed_in("math")
    page = await browser.get("/reminders")
    assert page.status_code == 200
    assert "за 30 минут до срока" in text_of(page.text)
    done = await browser.submit(
        "/reminders", {"homework_minutes_before": "45", "evening_time": "17:30"}
    )
    assert done.status_code == 303
    saved = await _saved(web, "math")
    assert saved is not None
    assert (saved.enabled, saved.homework_minutes_before, saved.evening_time) == (
        False,
        45,
        dt.time(17, 30),
    )
    page = await browser.get("/reminders?saved=1")
    assert "Сохранено." in text_of(page.text)
    assert 'value="45"' in page.text and 'value="17:30"' in page.text


async def test_mandatory_reminders_cannot_be_switched_off(web: Web) -> None:
    await set_policy(web.db, web.world.school_id, reminders_mandatory=True)
    browser = await web.signed_in("math")
    page = await browser.get("/reminders")
    assert "Школа сделала напоминания обязательными" in text_of(page.text)
    refused = await browser.submit("/reminders", {"homework_minutes_before": "30"})
    assert refused.status_code == 422
    assert "их нельзя отключить" in text_of(refused.text)
    assert await _saved(web, "math") is None


async def test_bad_times_are_refused_with_a_clear_message(web: Web) -> None:
    browser = await web.signed_in("math")
    await browser.get("/reminders")
    refused = await browser.submit(
        "/reminders", {"enabled": "on", "homework_minutes_before": "900"}
    )
    assert refused.status_code == 422
    assert "за 0–600 минут до срока, а не за 900" in text_of(refused.text)
    refused = await browser.submit("/reminders", {"enabled": "on", "evening_time": "вечером"})
    assert refused.status_code == 422
    assert "а не «вечером»" in text_of(refused.text)
