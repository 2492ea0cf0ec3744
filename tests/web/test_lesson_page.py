"""The lesson page: topic, homework, remarks, substitution; and the lesson API."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from core.models import Homework, HomeworkStudent, Lesson, OutboxEvent, Remark
from core.rows import not_deleted
from core.services.lessons import assign_substitute
from tests.builders import uow_at
from tests.web.browser import Browser, Web
from tests.web.journal_site import site_fixture  # noqa: F401  (the `site` fixture)
from tests.web.pages import text_of


async def lesson_page(web: Web, who: str, key: str = "math7") -> tuple[Browser, str]:
    browser = await web.signed_in(who)
    page = await browser.get(f"/lessons/{web.world.lessons[key]}")
    assert page.status_code == 200, page.text
    return browser, page.text


async def htmx_form(browser: Browser, path: str, form: dict[str, object]) -> tuple[int, str]:
    headers = {"HX-Request": "true", "X-CSRF-Token": browser.htmx_token()}
    answer = await browser.client.post(path, data=form, headers=headers)
    return answer.status_code, answer.text


async def test_the_teacher_sees_the_lesson_with_its_pupils(site: Web) -> None:
    _, page = await lesson_page(site, "math")
    words = text_of(page)
    assert "Математика, 7Б" in words
    assert "понедельник, 23 ноября 2026 г., 2-й урок. Учитель: Иванова М.П." in words
    assert "Новиков Иван" in words and "Соколова Мария" in words
    assert "Морозова Елена" not in words  # 10А
    assert "Только просмотр" not in words
    assert f'action="/lessons/{site.world.lessons["math7"]}/homework"' in page
    assert 'src="/static/grid.js"' in page


async def test_topic_and_work_type_are_saved_in_place(site: Web) -> None:
    lesson = site.world.lessons["math7"]
    browser, _ = await lesson_page(site, "math")
    status, section = await htmx_form(
        browser, f"/lessons/{lesson}/topic", {"topic": "  Дроби  ", "work_type": "written"}
    )
    assert status == 200
    assert section.startswith('<section class="lesson" id="lesson-topic">')
    assert "Сохранено." in section and 'value="Дроби"' in section
    assert '<option value="written" selected>' in section
    async with site.db.session() as s:
        row = await s.get(Lesson, lesson)
        assert row is not None and (row.topic, row.work_type) == ("Дроби", "written")


async def test_a_refused_work_type_leaves_the_topic_as_it_was(site: Web) -> None:
    """The topic form is one transaction: the topic is not saved without its work type."""
    lesson = site.world.lessons["math7"]
    browser, _ = await lesson_page(site, "math")
    async with site.db.session() as s:
        row = await s.get(Lesson, lesson)
        assert row is not None
        before = (row.topic, row.work_type)
    status, section = await htmx_form(
        browser, f"/lessons/{lesson}/topic", {"topic": "Дроби", "work_type": "nonsense"}
    )
    assert status == 422
    assert '<p class="error" role="alert">Неизвестный вид работы «nonsense».</p>' in section
    assert 'value="Дроби"' in section  # what was typed is kept in the form
    async with site.db.session() as s:
        row = await s.get(Lesson, lesson)
        assert row is not None and (row.topic, row.work_type) == before
        assert row.topic != "Дроби"


async def test_homework_for_the_class_and_for_some_pupils(site: Web) -> None:
    w = site.world
    lesson = w.lessons["math7"]
    browser, _ = await lesson_page(site, "math")
    status, section = await htmx_form(
        browser, f"/lessons/{lesson}/homework", {"text": "№ 12, 14", "due_date": "2026-11-25"}
    )
    assert status == 200 and "Сохранено." in section
    assert "№ 12, 14 — всему классу, сдать 25.11" in text_of(section)
    form = {"text": "Доклад о дробях", "students": [str(w.students["masha"])]}
    status, section = await htmx_form(browser, f"/lessons/{lesson}/homework", form)
    assert status == 200
    assert "Доклад о дробях — индивидуально: Соколова Мария" in text_of(section)
    async with site.db.session() as s:
        named = (await s.exec(select(HomeworkStudent.student_id))).all()
        assert named == [w.students["masha"]]
        events = (await s.exec(select(OutboxEvent.kind))).all()
        assert events == ["homework_set", "homework_set"]

    homework = await _homework_ids(site)
    status, section = await htmx_form(
        browser, f"/lessons/{lesson}/homework/{homework[0]}/delete", {}
    )
    assert status == 200 and "№ 12, 14" not in section and "Доклад о дробях" in section


async def _homework_ids(web: Web) -> list[int]:
    async with web.db.session() as s:
        query = select(Homework.id).where(not_deleted(Homework))
        return [i or 0 for i in (await s.exec(query.order_by(col(Homework.id)))).all()]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"text": "   "}, "Текст не может быть пустым."),
        (
            {"text": "№ 3", "due_date": "2026-11-20"},
            "Срок сдачи 20.11.2026 раньше самого урока (23.11.2026).",
        ),
    ],
)
async def test_refused_homework_is_explained_and_the_form_kept(
    site: Web, form: dict[str, object], message: str
) -> None:
    lesson = site.world.lessons["math7"]
    browser, _ = await lesson_page(site, "math")
    status, section = await htmx_form(
        browser,
        f"/lessons/{lesson}/homework",
        form | {"students": [str(site.world.students["vanya"])]},
    )
    assert status == 422
    assert f'<p class="error" role="alert">{message}</p>' in section
    assert f">{form['text']}</textarea>" in section
    assert f'value="{site.world.students["vanya"]}" checked' in section
    assert await _homework_ids(site) == []


async def test_the_days_total_is_shown_and_going_over_the_limit_is_said_at_once(
    site: Web,
) -> None:
    """7Б is in grade 7: 150 minutes a day (SanPiN 1.2.3685-21)."""
    w = site.world
    math, _ = await lesson_page(site, "math")
    form = {"text": "№ 12, 14", "due_date": "2026-11-24", "minutes": "100"}
    status, section = await htmx_form(math, f"/lessons/{w.lessons['math7']}/homework", form)
    assert status == 200 and 'id="homework-overload"' not in section
    words = text_of(section)
    assert "№ 12, 14 — всему классу, сдать 24.11, ~100 мин" in words
    assert "Домашние задания на вт, 24.11 в 7Б: 100 мин из 150 допустимых в 7 классе." in words

    russian, _ = await lesson_page(site, "russian", "russian7")
    form = {"text": "Упр. 145", "due_date": "2026-11-24", "minutes": "60"}
    status, section = await htmx_form(russian, f"/lessons/{w.lessons['russian7']}/homework", form)
    assert status == 200
    alert = section.split('role="alert" id="homework-overload">')[1].split("</div>")[0]
    assert text_of(alert) == (
        "Превышен объём: домашние задания на вт, 24.11 занимают 160 мин, а в 7 классе "
        "допускается 150 (СанПиН 1.2.3685-21). Больше нормы получают 3 ученика. "
        "Другие задания на этот день: Математика, задано 23.11: № 12, 14 — ~100 мин"
    )
    # Read again later, the page still shows the day's total, marked, without the alert.
    _, page = await lesson_page(site, "russian", "russian7")
    assert 'class="hint over" id="homework-day-load"' in page
    assert 'id="homework-overload"' not in page
    assert "160 мин из 150 допустимых" in text_of(page)


async def test_an_estimate_out_of_bounds_is_refused_with_the_form_kept(site: Web) -> None:
    browser, page = await lesson_page(site, "math")
    assert 'name="minutes" min="1" max="600"' in page
    form = {"text": "№ 3", "minutes": "601"}
    status, section = await htmx_form(
        browser, f"/lessons/{site.world.lessons['math7']}/homework", form
    )
    assert status == 422
    assert (
        '<p class="error" role="alert">Время на домашнее задание указывается в минутах, '
        "от 1 до 600 (а не «601»).</p>"
    ) in section
    assert 'name="minutes" min="1" max="600" step="1" value="601"' in section
    assert await _homework_ids(site) == []


async def test_a_remark_reaches_parents_only_when_ticked(site: Web) -> None:
    w = site.world
    lesson = w.lessons["math7"]
    browser, _ = await lesson_page(site, "math")
    praise = {
        "student": str(w.students["petya"]),
        "kind": "praise",
        "text": "Решил у доски",
        "send": "true",
    }
    status, section = await htmx_form(browser, f"/lessons/{lesson}/remarks", praise)
    assert status == 200
    assert "Соколов Пётр — Благодарность: Решил у доски (отправлено родителям;" in text_of(section)
    note = {"student": str(w.students["vanya"]), "kind": "remark", "text": "Без тетради"}
    status, section = await htmx_form(browser, f"/lessons/{lesson}/remarks", note)
    assert "Новиков Иван — Замечание: Без тетради (только в журнале;" in text_of(section)
    async with site.db.session() as s:
        sent = (await s.exec(select(Remark.send_to_parents).order_by(col(Remark.id)))).all()
        assert sent == [True, False]
        events = (await s.exec(select(OutboxEvent.kind))).all()
        assert events == ["remark_posted"]  # the unticked one stays in the journal
    status, section = await htmx_form(browser, f"/lessons/{lesson}/remarks", note | {"text": ""})
    assert status == 422 and "Текст не может быть пустым." in section


async def test_forms_work_without_htmx(site: Web) -> None:
    lesson = site.world.lessons["math7"]
    browser, _ = await lesson_page(site, "math")
    done = await browser.submit(f"/lessons/{lesson}/homework", {"text": "№ 1"})
    assert done.status_code == 303 and done.headers["location"] == f"/lessons/{lesson}"
    refused = await browser.submit(f"/lessons/{lesson}/homework", {"text": ""})
    assert refused.status_code == 422 and "Текст не может быть пустым." in refused.text
    assert "<h1>Математика, 7Б</h1>" in refused.text


async def test_a_substitution_is_shown_and_the_substitute_writes_the_lesson(web: Web) -> None:
    w = web.world
    lesson = w.lessons["math7"]
    deputy, page = await lesson_page(web, "deputy")
    assert "Только просмотр" in text_of(page) and 'id="lesson-substitute"' in page
    status, section = await htmx_form(
        deputy, f"/lessons/{lesson}/substitute", {"substitute": str(w.staff["substitute"])}
    )
    assert status == 200 and "Замена. Сидорова Е.В." in text_of(section)

    substitute, page = await lesson_page(web, "substitute")
    assert "Замена. Сидорова Е.В." in text_of(page) and "Только просмотр" not in text_of(page)
    status, section = await htmx_form(substitute, f"/lessons/{lesson}/homework", {"text": "№ 7"})
    assert status == 200
    # Seed 002 §2.5.10: the substitute's entry carries the line (core.services.homework).
    assert "№ 7 Замена. Сидорова Е.В." in text_of(section)
    headers = {"X-CSRF-Token": substitute.htmx_token()}
    body = {"lesson_id": lesson, "student_id": w.students["petya"], "text": "5"}
    cell = await substitute.client.put("/api/v1/journal/cells", json=body, headers=headers)
    assert cell.status_code == 200

    math, page = await lesson_page(web, "math")
    assert "Замена. Сидорова Е.В." in text_of(page)
    assert 'id="lesson-substitute"' not in page  # only the administration names substitutes
    status, _ = await htmx_form(math, f"/lessons/{lesson}/substitute", {"substitute": ""})
    assert status == 403


async def test_readers_of_the_class_read_the_lesson_and_may_not_write_it(site: Web) -> None:
    lesson = site.world.lessons["math7"]
    russian, page = await lesson_page(site, "russian")
    assert "Только просмотр: этот урок ведёт другой учитель." in page
    assert 'name="text"' not in page and 'class="w"' not in page
    status, text = await htmx_form(russian, f"/lessons/{lesson}/homework", {"text": "№ 1"})
    assert status == 403 and "не замещаете этот урок" in text
    assert await _homework_ids(site) == []
    for who, code in (("substitute", 403), ("secretary", 403), ("stranger", 404)):
        browser = await site.signed_in(who)
        assert (await browser.get(f"/lessons/{lesson}")).status_code == code, who


async def test_the_lesson_api(web: Web) -> None:
    w = web.world
    lesson, petya = w.lessons["math7"], w.students["petya"]
    await assign_substitute(
        uow_at(web.db),
        actor=w.actor("deputy"),
        lesson_id=lesson,
        substitute_id=w.staff["substitute"],
    )
    browser = await web.signed_in("math")
    await browser.get("/today")
    headers = {"X-CSRF-Token": browser.htmx_token()}
    api = browser.client

    topic = await api.put(
        f"/api/v1/lessons/{lesson}/topic", json={"topic": "Дроби"}, headers=headers
    )
    assert topic.status_code == 200 and topic.json()["topic"] == "Дроби"
    assert topic.json()["substitution"] == "Замена. Сидорова Е.В."
    made = await api.post(
        f"/api/v1/lessons/{lesson}/marks", json={"student_id": petya, "value": 4}, headers=headers
    )
    assert made.status_code == 201 and made.json()["work_type"] == "oral"
    mark_id = made.json()["id"]
    fixed = await api.patch(f"/api/v1/marks/{mark_id}", json={"value": 5}, headers=headers)
    assert fixed.json()["value"] == 5 and fixed.json()["version"] == 2
    seven = await api.patch(f"/api/v1/marks/{mark_id}", json={"value": 7}, headers=headers)
    assert seven.status_code == 422 and seven.json()["error"]["code"] == "bad_mark_value"
    late = await api.put(
        f"/api/v1/lessons/{lesson}/attendance/{petya}",
        json={"status": "оп", "minutes_late": 10},
        headers=headers,
    )
    assert late.json() == {
        "lesson_id": lesson,
        "student_id": petya,
        "status": "late",  # typed as the journal's letter, answered as the code
        "minutes_late": 10,
    }
    homework = await api.post(
        f"/api/v1/lessons/{lesson}/homework",
        json={"text": "№ 5", "student_ids": [petya], "minutes": 25},
        headers=headers,
    )
    assert homework.status_code == 201 and homework.json()["minutes"] == 25
    load = homework.json()["day_load"]
    assert (load["class_name"], load["day"], load["total"], load["limit"]) == (
        "7Б",
        "2026-11-23",  # no due date and no later lesson: the lesson's own day
        25,
        150,
    )
    assert not load["over"] and [a["individual"] for a in load["assignments"]] == [True]
    too_long = await api.post(
        f"/api/v1/lessons/{lesson}/homework", json={"text": "№ 6", "minutes": 0}, headers=headers
    )
    assert too_long.status_code == 422
    assert too_long.json()["error"]["code"] == "bad_homework_minutes"
    remark = await api.post(
        f"/api/v1/lessons/{lesson}/remarks",
        json={
            "student_id": petya,
            "kind": "appeal",
            "text": "Прошу зайти",
            "send_to_parents": True,
        },
        headers=headers,
    )
    assert remark.status_code == 201

    found = (await api.get(f"/api/v1/lessons/{lesson}", headers=headers)).json()
    pupil = next(p for p in found["pupils"] if p["student_id"] == petya)
    assert pupil["cell"]["text"] == "оп 5"
    assert found["homework"] == [
        {
            "id": homework.json()["id"],
            "text": "№ 5",
            "due_date": None,
            "for_students": ["Соколов Пётр"],
            "minutes": 25,
        }
    ]
    assert found["homework_load"]["total"] == 25
    assert [(r["kind"], r["text"]) for r in found["remarks"]] == [("appeal", "Прошу зайти")]
    removed = await api.delete(f"/api/v1/marks/{mark_id}", headers=headers)
    assert removed.status_code == 204
    gone = await api.delete(
        f"/api/v1/lessons/{lesson}/homework/{homework.json()['id']}", headers=headers
    )
    assert gone.status_code == 204
    roll = await api.post(f"/api/v1/lessons/{lesson}/roll-call", headers=headers)
    assert roll.status_code == 204
    grid = await api.get(
        "/api/v1/journal",
        params={"class_id": w.classes["7Б"], "subject_id": w.subjects["Математика"]},
        headers=headers,
    )
    row = next(r for r in grid.json()["rows"] if r["student_id"] == petya)
    assert [c["text"] for c in row["cells"]] == ["оп"]
    assert grid.json()["columns"][0]["substitute"] == "Сидорова Е.В."


async def test_the_api_is_in_the_openapi_document(site: Web) -> None:
    browser = site.browser()
    paths = (await browser.client.get("/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/journal",
        "/api/v1/journal/pages",
        "/api/v1/journal/cells",
        "/api/v1/journal/period-marks",
        "/api/v1/lessons/{lesson_id}",
        "/api/v1/lessons/{lesson_id}/homework",
        "/api/v1/lessons/{lesson_id}/remarks",
        "/api/v1/lessons/{lesson_id}/marks",
        "/api/v1/marks/{mark_id}",
        "/api/v1/lessons/{lesson_id}/attendance/{student_id}",
    ):
        assert path in paths, path
    assert "/lessons/{lesson_id}" not in paths and "/journal" not in paths  # pages are not
