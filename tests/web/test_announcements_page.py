"""The class teacher's page: the monthly message, announcements and each parent's status.

Page tests run on SQLite only (the core services under them are tested on both
databases in tests/integration/test_announcement_status.py). Deliveries move through
the real pipeline in-process (tests/integration/delivery_helpers.py).
"""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from core.db import Database
from core.models import AuditEntry, Guardian
from tests.integration.delivery_helpers import (
    Clock,
    add_guardian,
    relay_and_dispatch,
    send_pending,
    start_due,
)
from tests.web.browser import Web
from tests.web.pages import row_with, table_rows, text_of


@pytest.fixture
async def db(sqlite_db: Database) -> Database:
    return sqlite_db


def class_path(web: Web) -> str:
    return f"/homeroom/{web.world.classes['7Б']}"


async def test_the_class_teacher_lands_on_the_class_and_sees_the_monthly_message_due(
    web: Web,
) -> None:
    browser = await web.signed_in("russian")
    landing = await browser.get("/homeroom")
    assert (landing.status_code, landing.headers["location"]) == (303, class_path(web))
    page = await browser.get(class_path(web))
    text = text_of(page.text)
    assert "7Б: родители и объявления" in text
    assert "Письмо родителям за ноябрь 2026 г. ещё не отправлено." in text
    assert row_with(page.text, "Соколов Пётр")[1:] == [
        "Соколова Анна",
        "почта, SMS",
        "нет отметить",
    ]
    assert row_with(page.text, "Новиков Иван")[1] == "Новиков Павел"
    # The monthly message is ticked while it is due.
    assert re.search(r'name="monthly" value="true" checked', page.text)


async def test_sending_the_monthly_message_opens_its_status_which_refreshes_until_delivered(
    web: Web,
) -> None:
    browser = await web.signed_in("russian")
    await browser.get(class_path(web))
    sent = await browser.submit(
        f"{class_path(web)}/announcements",
        {"title": "Итоги ноября", "body": "Класс хорошо закончил месяц.", "monthly": "true"},
    )
    assert sent.status_code == 303
    status_path = sent.headers["location"]
    page = await browser.get(status_path)
    assert "Итоги ноября" in text_of(page.text) and "письмо за месяц" in text_of(page.text)
    assert row_with(page.text, "Соколова Анна")[2:4] == ["в пути", "ставится в очередь"]
    assert f'hx-get="{status_path}/status"' in page.text  # polling while on the way

    clock = Clock(web.db, web.clock.now)
    await relay_and_dispatch(clock)
    planned = await browser.get(f"{status_path}/status")
    assert row_with(planned.text, "Соколова Анна")[3].startswith(
        "окно исправления до 10:02: учитель ещё может исправить запись"
    )
    clock.advance(120)
    await start_due(clock)
    await send_pending(clock)

    fragment = await browser.get(f"{status_path}/status")
    assert "hx-trigger" not in fragment.text  # nothing on the way: the polling stops
    assert 'data-pending="no"' in fragment.text
    mother = row_with(fragment.text, "Соколова Анна")
    assert mother[1] == "Соколов Пётр, Соколова Мария"
    assert mother[2].startswith("доставлено: почта")
    assert "доставлено: 2" in text_of(fragment.text)

    again = await browser.get(class_path(web))
    assert "Письмо родителям за ноябрь 2026 г. отправлено 23.11.2026, 10:00." in text_of(again.text)
    assert row_with(again.text, "Итоги ноября")[2] == "доставлено 2, в пути 0, не доставлено 0"


async def test_a_refused_announcement_keeps_what_was_typed(web: Web) -> None:
    browser = await web.signed_in("russian")
    await browser.get(class_path(web))
    refused = await browser.submit(
        f"{class_path(web)}/announcements", {"title": "  ", "body": "Собрание в четверг."}
    )
    assert refused.status_code == 422
    assert "Заголовок не может быть пустым." in text_of(refused.text)
    assert "Собрание в четверг.</textarea>" in refused.text


async def test_unreachable_parents_are_named_with_the_reason(web: Web) -> None:
    await add_guardian(web.db, web.world, "Ольга", ["vanya"], consent=False, telegram=77)
    browser = await web.signed_in("russian")
    await browser.get(class_path(web))
    sent = await browser.submit(
        f"{class_path(web)}/announcements", {"title": "Экскурсия", "body": "В пятницу."}
    )
    page = await browser.get(sent.headers["location"] + "?state=unreachable")
    [line] = table_rows(page.text)
    assert line[:4] == [
        "Соколов Ольга",
        "Новиков Иван",
        "недоступен",
        "нет согласия на обработку персональных данных",
    ]


async def test_the_paper_flag_is_set_by_the_class_teacher_and_audited(web: Web) -> None:
    browser = await web.signed_in("russian")
    await browser.get(class_path(web))
    novikov = web.world.guardians["novikov"]
    response = await browser.client.post(
        f"/homeroom/guardians/{novikov}/paper-summary",
        data={"wants": "true", "next": class_path(web)},
        headers={"HX-Request": "true", "X-CSRF-Token": browser.htmx_token()},
    )
    assert response.status_code == 200
    assert text_of(response.text) == "да снять"
    async with web.db.session() as s:
        guardian = await s.get(Guardian, novikov)
        assert guardian is not None and guardian.wants_paper_summary
        query = select(AuditEntry).where(
            AuditEntry.entity == "guardian", AuditEntry.entity_id == novikov
        )
        [entry] = (await s.exec(query)).all()
    assert (entry.actor_id, entry.old and entry.old["wants_paper_summary"]) == (
        web.world.staff["russian"],
        False,
    )
    page = await browser.get(class_path(web))
    assert "только те, чьи родители просили бумагу (1)" in text_of(page.text)


async def test_a_subject_teacher_may_not_see_the_class_parents(web: Web) -> None:
    browser = await web.signed_in("math")
    assert "Вы не классный руководитель" in text_of((await browser.get("/homeroom")).text)
    refused = await browser.get(class_path(web))
    assert refused.status_code == 403


async def test_the_deputy_posts_to_the_whole_school(web: Web) -> None:
    browser = await web.signed_in("deputy")
    page = await browser.get("/announcements")
    assert "3 семьи." in text_of(page.text)
    sent = await browser.submit(
        "/announcements", {"title": "Карантин", "body": "Занятия отменены.", "urgent": "true"}
    )
    status = await browser.get(sent.headers["location"])
    assert [row[0] for row in table_rows(status.text)] == [
        "Морозова Ольга",
        "Новиков Павел",
        "Соколова Анна",
    ]
    assert "Для всей школы" in text_of(status.text) and "срочное" in text_of(status.text)


async def test_the_page_in_english(web: Web) -> None:
    browser = await web.signed_in("russian")
    await browser.get(class_path(web))
    await browser.submit("/language", {"lang": "en", "next": class_path(web)})
    page = await browser.get(class_path(web))
    text = text_of(page.text)
    assert "7Б: parents and announcements" in text
    assert "This month's message to parents (November 2026) has not been sent yet." in text


async def test_the_api_sends_and_reports_statuses(web: Web) -> None:
    w = web.world
    token = await web.api_token("russian", name="t")
    client = web.browser().client
    auth = {"Authorization": f"Bearer {token.secret}"}
    seven_b = w.classes["7Б"]
    before = (await client.get(f"/api/v1/classes/{seven_b}/announcements", headers=auth)).json()
    assert before["monthly"]["due"] is True and before["families"] == 2

    sent = await client.post(
        "/api/v1/announcements",
        json={"class_id": seven_b, "title": "Итоги", "body": "Текст", "monthly": True},
        headers=auth,
    )
    assert sent.status_code == 201
    status = await client.get(f"/api/v1/announcements/{sent.json()['id']}/status", headers=auth)
    body = status.json()
    assert body["pending"] is True and body["counts"]["pending"] == 2
    assert [(p["guardian_name"], p["state"]) for p in body["parents"]] == [
        ("Новиков Павел", "pending"),
        ("Соколова Анна", "pending"),
    ]
    assert body["parents"][0]["held"] is None  # not planned by the workers yet
    after = (await client.get(f"/api/v1/classes/{seven_b}/announcements", headers=auth)).json()
    assert after["monthly"]["due"] is False
    assert after["announcements"][0]["title"] == "Итоги"

    families = (await client.get(f"/api/v1/classes/{seven_b}/families", headers=auth)).json()
    mother = families["students"][1]["guardians"][0]
    assert (mother["name"], mother["reach"]["channels"]) == ("Соколова Анна", ["email", "sms"])

    empty = await client.post(
        "/api/v1/announcements", json={"class_id": seven_b, "title": " ", "body": "x"}, headers=auth
    )
    assert empty.status_code == 422
    assert empty.json()["error"]["message"] == "Заголовок не может быть пустым."
