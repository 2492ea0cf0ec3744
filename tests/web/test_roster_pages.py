"""The roster pages and API: import with preview and progress, enrolment, transfer, leaving."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from core.db import Database
from core.models import Enrollment, Guardian, Student, StudentGuardian
from tests.builders import NOW, build_world
from tests.integration.outbox_helpers import snapshot_counts
from tests.integration.roster_files import csv_file, row
from tests.web.browser import Browser, Clock, Web
from tests.web.conftest import settings
from tests.web.pages import header_text, table_rows, text_of
from webapp.app import create_app

ROOT = Path(__file__).resolve().parents[2]
TABLES = (Student, Enrollment, Guardian, StudentGuardian)

GOOD = [
    row("Зайцев", "Глеб", "Ильич", "02.04.2013", "7Б", g1=("Зайцева Ольга", "8 916 555-01-01")),
    row("Зайцева", "Алиса", "", "07.03.2019", "1А", g1=("Зайцева Ольга", "+79165550101")),
]
BAD = [GOOD[0], row("Орлов", "Степан", klass="7Б", g1=("Орлова Мария", "8 916 12")), GOOD[1]]


@pytest.fixture
async def web(sqlite_db: Database) -> AsyncIterator[Web]:
    """The `web` fixture's app on SQLite only: these tests are about pages, not databases."""
    world = await build_world(sqlite_db)
    clock = Clock(NOW)
    site = Web(sqlite_db, world, clock, create_app(settings(), sqlite_db, clock))
    yield site
    for client in site.browsers:
        await client.aclose()


async def upload(browser: Browser, content: bytes, name: str = "список.csv") -> httpx.Response:
    """The upload form: a file and the page's CSRF token; follows to the import's page."""
    await browser.get("/roster/import")
    sent = await browser.client.post(
        "/roster/import",
        data={"csrf_token": browser.csrf, "enrol_on": "2026-11-23"},
        files={"file": (name, content, "text/csv")},
    )
    assert sent.status_code == 303, sent.text
    return await browser.get(sent.headers["location"])


def import_path(page: httpx.Response) -> str:
    return page.url.path


async def until_finished(browser: Browser, path: str) -> str:
    """Poll the import's state as the page does, until no task runs; the last fragment."""
    for _ in range(300):
        fragment = (await browser.client.get(f"{path}/state")).text
        if "hx-trigger" not in fragment:
            return fragment
        await asyncio.sleep(0.05)
    raise AssertionError("the import never finished")


async def test_a_bad_row_is_named_then_the_fixed_file_is_imported(web: Web) -> None:
    admin = await web.signed_in("admin")
    before = await snapshot_counts(web.db, *TABLES)

    page = await upload(admin, csv_file(BAD))

    assert page.status_code == 200
    assert "1 ошибка в 1 строке. Ничего не записано." in text_of(page.text)
    assert table_rows(page.text) == [
        [
            "3",
            "Родитель 1 телефон",
            "Телефон «8 916 12» не распознан: укажите номер полностью, "
            "например +7 916 123-45-67 или 8 (916) 123-45-67.",
        ]
    ]
    assert "/confirm" not in page.text  # nothing to confirm: only a new file
    assert await snapshot_counts(web.db, *TABLES) == before

    page = await upload(admin, csv_file(GOOD))
    words = text_of(page.text)
    assert "Ошибок нет. Будет создано:" in words
    assert "2 ученика" in words and "1 новый представитель" in words
    assert "По классам: 1А — 1, 7Б — 1" in words
    assert table_rows(page.text) == [
        ["2", "Зайцев Глеб Ильич", "02.04.2013", "7Б", "Зайцева Ольга +79165550101"],
        ["3", "Зайцева Алиса", "07.03.2019", "1А", "Зайцева Ольга +79165550101"],
    ]
    assert await snapshot_counts(web.db, *TABLES) == before

    path = import_path(page)
    done = await admin.submit(f"{path}/confirm")
    assert done.status_code == 303
    result = text_of((await admin.get(path)).text)
    assert "Список загружен в журнал." in result
    assert "2 ученика 1 новый представитель 0 представителей, уже известных школе" in result
    after = await snapshot_counts(web.db, *TABLES)
    assert after["Student"] == before["Student"] + 2
    assert after["StudentGuardian"] == before["StudentGuardian"] + 2
    klass = await admin.get(f"/roster/classes/{web.world.classes['7Б']}")
    assert "Зайцев Глеб Ильич" in [cells[0] for cells in table_rows(klass.text)]
    # The list of imports: one with errors left checked, one imported.
    listing = table_rows((await admin.get("/roster/import")).text)
    assert [cells[1:3] for cells in listing] == [
        ["список.csv", "загружен в журнал"],
        ["список.csv", "проверен, ждёт подтверждения"],
    ]


async def test_a_long_import_shows_its_progress_then_the_result(web: Web) -> None:
    secretary = await web.signed_in("secretary")
    page = await upload(secretary, csv_file(GOOD))
    path = import_path(page)
    # Another writer holds the journal (a teacher's long save, say): the import waits.
    busy = await web.db.writing_session()
    try:
        confirmed = await secretary.submit(f"{path}/confirm")
        assert confirmed.status_code == 303
        waiting = await secretary.get(path)
        assert 'hx-trigger="every 1s"' in waiting.text and "<progress" in waiting.text
        assert "Ожидание…" in text_of(waiting.text)
    finally:
        await busy.rollback()
        await busy.close()
    final = await until_finished(secretary, path)
    assert "Список загружен в журнал." in text_of(final)
    assert "<progress" not in final


async def test_enrol_transfer_and_leave_keep_the_history(web: Web) -> None:
    w = web.world
    secretary = await web.signed_in("secretary")
    assert "Ученики" in header_text((await secretary.get("/roster")).text)
    overview = table_rows((await secretary.get("/roster")).text)
    assert overview == [["1А", "1", ""], ["7Б", "3", "Петров С.И."], ["10А", "1", ""]]

    seven_b = f"/roster/classes/{w.classes['7Б']}"
    page = await secretary.get(seven_b)
    assert [cells[0] for cells in table_rows(page.text)] == [
        "Новиков Иван",
        "Соколов Пётр",
        "Соколова Мария",
    ]
    enrolled = await secretary.submit(
        f"{seven_b}/enrol",
        {
            "last_name": "Зайцев",
            "first_name": "Глеб",
            "birth_date": "2013-04-02",
            "on": "2026-11-23",
        },
    )
    page = await secretary.get(enrolled.headers["location"])
    assert "Зайцев Глеб зачислен(а) в 7Б." in text_of(page.text)
    assert ["Зайцев Глеб", "02.04.2013", "23.11.2026", "0", "Перевод, выбытие"] in table_rows(
        page.text
    )

    vanya = f"/roster/students/{w.students['vanya']}"
    await secretary.get(vanya)
    moved = await secretary.submit(
        f"{vanya}/transfer", {"class_id": str(w.classes["10А"]), "on": "2026-11-23"}
    )
    page = await secretary.get(moved.headers["location"])
    assert "Новиков Иван переведён(а) в 10А." in text_of(page.text)
    assert table_rows(page.text)[:2] == [
        ["7Б", "01.09.2026 (зачислен(а))", "22.11.2026", "переведён(а)"],
        ["10А", "23.11.2026 (переведён(а))", "", ""],
    ]
    former = table_rows((await secretary.get(seven_b)).text)[-1]
    assert former == ["Новиков Иван", "01.09.2026", "22.11.2026", "переведён(а)"]

    lena = f"/roster/students/{w.students['lena']}"
    await secretary.get(lena)
    left = await secretary.submit(f"{lena}/leave", {"on": "2026-11-23", "reason": "переезд"})
    page = await secretary.get(left.headers["location"])
    words = text_of(page.text)
    assert "Выбытие Морозова Елена записано." in words
    assert "Выбыл(а) из школы 23.11.2026." in words
    assert "Перевести" not in words  # nothing more to do with a student who left
    assert "Морозова Ольга, +79160000003 — согласие есть" in words


async def test_a_refused_form_keeps_what_was_typed(web: Web) -> None:
    admin = await web.signed_in("admin")
    seven_b = f"/roster/classes/{web.world.classes['7Б']}"
    await admin.get(seven_b)
    typed = {
        "last_name": "Зайцев",
        "first_name": "Глеб",
        "birth_date": "2026-12-01",
        "on": "2026-11-23",
    }
    page = await admin.submit(f"{seven_b}/enrol", typed)
    assert page.status_code == 422
    assert "Дата рождения 01.12.2026 не может быть позже даты зачисления 23.11.2026." in page.text
    assert 'value="Зайцев"' in page.text and 'value="2026-12-01"' in page.text

    petya = f"/roster/students/{web.world.students['petya']}"
    await admin.get(petya)
    page = await admin.submit(f"{petya}/leave", {"on": "2026-11-23", "reason": "  "})
    assert page.status_code == 422 and "Укажите причину выбытия." in page.text


async def test_the_sample_file_is_served_and_imports_cleanly(web: Web) -> None:
    admin = await web.signed_in("admin")
    served = await admin.client.get("/static/roster-sample.csv")
    assert served.content == (ROOT / "docs" / "roster-sample.csv").read_bytes()
    page = await upload(admin, served.content, name="roster-sample.csv")
    assert "Ошибок нет." in text_of(page.text)
    assert "3 ученика 3 новых представителя" in text_of(page.text)


async def test_an_unusable_file_is_explained_on_the_page(web: Web) -> None:
    admin = await web.signed_in("admin")
    page = await upload(admin, b"\xd0\xcf\x11\xe0" + b"\0" * 64, name="old.xls")
    assert "Файл не загружен: Это файл старого формата Excel (.xls)" in text_of(page.text)
    empty = await admin.client.post(
        "/roster/import",
        data={"csrf_token": admin.csrf},
        files={"file": ("empty.csv", b"", "text/csv")},
    )
    assert empty.status_code == 422 and "Файл пуст" in empty.text


async def test_the_api_previews_confirms_and_reports(web: Web) -> None:
    token = await web.api_token("admin", name="1С")
    api = web.browser().client
    api.headers["Authorization"] = f"Bearer {token.secret}"

    sent = await api.post("/api/v1/roster/imports", files={"file": ("b.csv", csv_file(BAD))})
    assert sent.status_code == 202
    bad = sent.json()
    assert (bad["status"], bad["can_confirm"], bad["report"]["problem_count"]) == (
        "checked",
        False,
        1,
    )
    [problem] = bad["report"]["problems"]
    assert (problem["row"], problem["column"], problem["code"]) == (
        3,
        "Родитель 1 телефон",
        "bad_phone",
    )
    refused = await api.post(f"/api/v1/roster/imports/{bad['id']}/confirm")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "roster_import_fix_first"

    sent = await api.post(
        "/api/v1/roster/imports",
        files={"file": ("g.csv", csv_file(GOOD))},
        data={"enrol_on": "2026-11-24"},
        headers={"Accept-Language": "en"},
    )
    good = sent.json()
    assert good["can_confirm"] and good["enrol_on"] == "2026-11-24"
    done = (await api.post(f"/api/v1/roster/imports/{good['id']}/confirm")).json()
    assert done["status"] == "imported"
    assert done["result"]["students"] == 2 and done["progress"]["stage"] == "done"
    again = await api.post(
        f"/api/v1/roster/imports/{good['id']}/confirm", headers={"Accept-Language": "en"}
    )
    assert again.status_code == 422
    assert (
        again.json()["error"]["message"] == "This file has already been imported into the journal."
    )

    klass = (await api.get(f"/api/v1/roster/classes/{web.world.classes['7Б']}")).json()
    gleb = next(s for s in klass["students"] if s["full_name"] == "Зайцев Глеб Ильич")
    assert (gleb["since"], gleb["guardians"]) == ("2026-11-24", 1)
    moved = await api.post(
        f"/api/v1/roster/students/{gleb['id']}/transfer",
        json={"class_id": web.world.classes["10А"], "on": "2026-11-25"},
    )
    history = [(h["class_name"], h["since"], h["until"]) for h in moved.json()["history"]]
    assert history == [("7Б", "2026-11-24", "2026-11-24"), ("10А", "2026-11-25", None)]
    cancelled = await api.delete(f"/api/v1/roster/imports/{bad['id']}")
    assert cancelled.status_code == 204
    assert (await api.get(f"/api/v1/roster/imports/{bad['id']}")).json()["report"] is None


async def test_the_page_never_names_a_student_in_an_address(web: Web) -> None:
    """Addresses end up in access logs: a new student is named by id, not by name."""
    admin = await web.signed_in("admin")
    seven_b = f"/roster/classes/{web.world.classes['7Б']}"
    await admin.get(seven_b)
    sent = await admin.submit(
        f"{seven_b}/enrol", {"last_name": "Зайцев", "first_name": "Глеб", "on": "2026-11-23"}
    )
    assert re.fullmatch(rf"{seven_b}\?enrolled=\d+", sent.headers["location"])
