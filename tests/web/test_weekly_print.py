"""The weekly summary printed by the class teacher: the whole class, one pupil, or only
the pupils whose parents asked for paper; a page per pupil, read back with pdfium."""

from __future__ import annotations

import datetime as dt

import pytest

from core.db import Database
from core.models import Lesson
from core.services.guardians import set_paper_summary
from core.services.homework import set_homework
from tests.builders import NOW, TODAY, insert
from tests.integration.reading_helpers import write_week
from tests.web.browser import Browser, Web
from tests.web.pages import text_of
from tests.web.pdfs import page_size, pages_text, save_png


@pytest.fixture
async def db(sqlite_db: Database) -> Database:
    return sqlite_db


def print_path(web: Web, **query: str) -> str:
    params = "&".join(f"{k}={v}" for k, v in {"week": TODAY.isoformat(), **query}.items())
    return f"/homeroom/{web.world.classes['7Б']}/weekly-summary?{params}"


async def printed(browser: Browser, path: str) -> tuple[list[str], str, bytes]:
    response = await browser.get(path)
    assert response.status_code == 200, text_of(response.text)
    assert response.headers["content-type"] == "application/pdf"
    return pages_text(response.content), response.headers["content-disposition"], response.content


def pupil_of(page: str) -> str:
    for name in ("Новиков Иван", "Соколов Пётр", "Соколова Мария"):
        if name in page:
            return name
    raise AssertionError(f"no pupil of 7Б on the page: {page[:200]}")


async def test_the_whole_class_has_one_page_per_pupil(web: Web) -> None:
    await write_week(web.db, web.world)
    browser = await web.signed_in("russian")
    pages, disposition, pdf = await printed(browser, print_path(web))
    save_png(pdf, "weekly-class-7b.png", index=1)
    assert [pupil_of(page) for page in pages] == ["Новиков Иван", "Соколов Пётр", "Соколова Мария"]
    assert all("Подпись родителя" in page for page in pages)
    assert page_size(pdf, 2) == (595, 842)
    assert "Сложение дробей" in pages[1]  # Monday's math topic, on Пётр's page
    assert disposition == 'inline; filename="itogi-nedeli-7b-2026-11-23.pdf"'


async def test_only_the_pupils_whose_parents_asked_for_paper(web: Web) -> None:
    w = web.world
    browser = await web.signed_in("russian")
    page = await browser.get(f"/homeroom/{w.classes['7Б']}")
    assert "только те, чьи родители просили бумагу (0)" in text_of(page.text)
    refused = await browser.get(print_path(web, who="paper"))
    assert refused.status_code == 422
    assert "В 7Б никто из родителей не просил итоги недели на бумаге." in text_of(refused.text)

    await set_paper_summary(
        web.uow(), actor=w.actor("secretary"), guardian_id=w.guardians["novikov"], wants=True
    )
    page = await browser.get(f"/homeroom/{w.classes['7Б']}")
    assert "только те, чьи родители просили бумагу (1)" in text_of(page.text)
    pages, disposition, _ = await printed(browser, print_path(web, who="paper"))
    assert [pupil_of(p) for p in pages] == ["Новиков Иван"]
    assert disposition == 'inline; filename="itogi-nedeli-7b-na-bumage-2026-11-23.pdf"'


async def test_one_pupil(web: Web) -> None:
    browser = await web.signed_in("russian")
    masha = web.world.students["masha"]
    pages, disposition, _ = await printed(
        browser, print_path(web, who="student", student=str(masha))
    )
    assert [pupil_of(p) for p in pages] == ["Соколова Мария"]
    assert disposition == 'inline; filename="itogi-nedeli-sokolova-mariia-2026-11-23.pdf"'
    lena = web.world.students["lena"]  # 10А, none of whose lessons the class teacher gives
    refused = await browser.get(print_path(web, who="student", student=str(lena)))
    assert refused.status_code == 404
    assert "Морозова" not in refused.text  # a pupil he may not read is not named to him
    deputy = await web.signed_in("deputy")  # reads the whole school: told why
    refused = await deputy.get(print_path(web, who="student", student=str(lena)))
    assert refused.status_code == 422
    assert "Морозова Елена не учится в 7Б." in text_of(refused.text)


async def test_the_secretary_may_not_print_a_diary(web: Web) -> None:
    browser = await web.signed_in("secretary")
    assert (await browser.get(print_path(web))).status_code == 403


async def test_the_api_prints_for_a_teacher_of_the_class(web: Web) -> None:
    w = web.world
    token = await web.api_token("math", name="t")
    response = await web.browser().client.get(
        f"/api/v1/classes/{w.classes['7Б']}/weekly-summary",
        params={"week": "2026-11-25", "student_id": w.students["petya"]},
        headers={"Authorization": f"Bearer {token.secret}"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    [page] = pages_text(response.content)
    assert pupil_of(page) == "Соколов Пётр" and "НЕДЕЛЯ 23–28 ноября 2026" in page


async def test_a_crowded_week_prints_each_pupil_on_one_page_in_smaller_type(web: Web) -> None:
    """Seven lessons a day with topics and homework: every pupil's week needs smaller type,
    which the class's lightest week finds first (core/reports/weekly.py render_pdf)."""
    w = web.world
    subjects = [("Математика", "math"), ("Русский язык", "russian")]
    lessons = [
        Lesson(
            school_id=w.school_id,
            class_id=w.classes["7Б"],
            subject_id=w.subjects[subjects[slot % 2][0]],
            teacher_id=w.staff[subjects[slot % 2][1]],
            date=TODAY + dt.timedelta(days=day),
            slot=slot,
            topic="Повторение пройденного материала по теме недели",
            created_at=NOW,
        )
        for day in range(1, 6)
        for slot in range(1, 8)
    ]
    for lesson_id, lesson in zip(await insert(web.db, *lessons), lessons, strict=True):
        teacher = "math" if lesson.subject_id == w.subjects["Математика"] else "russian"
        await set_homework(
            web.uow(),
            actor=w.actor(teacher),
            lesson_id=lesson_id,
            text="Параграф 14, вопросы 1–6 на с. 88 письменно; выучить определения",
        )
    browser = await web.signed_in("russian")
    pages, _, pdf = await printed(browser, print_path(web))
    save_png(pdf, "weekly-class-crowded.png")
    assert [pupil_of(page) for page in pages] == ["Новиков Иван", "Соколов Пётр", "Соколова Мария"]
    assert all("Подпись родителя" in page for page in pages)
    # The smaller sizes leave the topics out to keep the diary's own rows.
    assert not any("Повторение пройденного" in page for page in pages)
