"""The test schedule's pages: a teacher plans, is warned or refused, cancels; a class's
readers see every subject's tests.

The builders' clock stands at Monday 23.11.2026 (the second quarter); 7Б's Tuesday
01.12 is free until the tests below.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.models import ScheduledTest, School
from core.rows import not_deleted
from core.services.test_schedule import schedule_test
from tests.builders import update_row
from tests.web.browser import Browser, Web
from tests.web.pages import header_text, row_with, table_rows, text_of

TUESDAY = dt.date(2026, 12, 1)
OVER_THE_DAY = (
    "В графике 7Б на 01.12.2026 уже есть: Математика. Школа разрешает не больше 1 "
    "контрольной работы в день в одном классе."
)


def page_of(web: Web, subject: str, klass: str = "7Б", group: str | None = None) -> str:
    w = web.world
    value = f"{w.classes[klass]}:{w.subjects[subject]}"
    return f"{value}:{w.groups[group]}" if group else value


async def plan_math_on_tuesday(web: Web) -> int:
    w = web.world
    planned = await schedule_test(
        web.uow(),
        actor=w.actor("math"),
        class_id=w.classes["7Б"],
        subject_id=w.subjects["Математика"],
        on=TUESDAY,
        title="Дроби",
    )
    return planned.test.id or 0


async def live_tests(web: Web) -> list[tuple[str, str]]:
    async with web.db.session() as s:
        rows = await s.exec(select(ScheduledTest).where(not_deleted(ScheduledTest)))
        return [(t.date.isoformat(), t.title) for t in rows.all()]


async def htmx_post(browser: Browser, path: str, form: dict[str, str]) -> tuple[int, str]:
    headers = {"HX-Request": "true", "X-CSRF-Token": browser.htmx_token()}
    answer = await browser.client.post(path, data=form, headers=headers)
    return answer.status_code, answer.text


async def test_a_teacher_finds_the_schedule_in_the_header_with_her_pages(web: Web) -> None:
    browser = await web.signed_in("math")
    page = await browser.get("/tests")
    assert page.status_code == 200
    assert "Контрольные" in header_text(page.text)
    words = text_of(page.text)
    assert "График контрольных работ" in words
    assert (
        "Правила школы: не больше 1 контрольной работы в день в одном классе, не больше "
        "3 контрольных работ в неделю (с понедельника по воскресенье). Сверх этого "
        "контрольная работа сохраняется с предупреждением."
    ) in words
    assert "Мои контрольные: 2 четверть, 05.11.2026 – 28.12.2026" in words
    assert "1А — Математика" in words and "10А — Математика" in words
    assert "Русский язык" not in words  # not her page
    assert 'min="2026-11-23"' in page.text  # no day in the past
    assert "На эти дни контрольных работ не запланировано." in words
    assert f'href="/tests/classes/{web.world.classes["7Б"]}"' in page.text


async def test_planning_without_htmx_goes_back_to_the_page_that_says_so(web: Web) -> None:
    browser = await web.signed_in("math")
    await browser.get("/tests")
    form = {"date": "2026-12-01", "page": page_of(web, "Математика"), "title": "Дроби"}
    sent = await browser.submit("/tests", form)
    assert sent.status_code == 303
    [test_id] = [int(x) for x in sent.headers["location"].split("planned=")[1:]]
    assert sent.headers["location"] == f"/tests?date=2026-12-01&planned={test_id}"
    page = await browser.get(sent.headers["location"])
    words = text_of(page.text)
    assert "Сохранено: 7Б, Математика, вторник, 1 декабря 2026 г. — контрольная работа: Дроби." in (
        words
    )
    assert row_with(page.text, "Дроби")[:3] == ["вторник, 1 декабря 2026 г.", "7Б", "Математика"]
    assert await live_tests(web) == [("2026-12-01", "Дроби")]


async def test_a_second_test_that_day_is_saved_with_the_warning(web: Web) -> None:
    await plan_math_on_tuesday(web)
    browser = await web.signed_in("russian")
    await browser.get("/tests")
    status, section = await htmx_post(
        browser,
        "/tests",
        {"date": "2026-12-01", "page": page_of(web, "Русский язык"), "work_type": "dictation"},
    )
    assert status == 200
    assert section.startswith('<section id="tests-mine">')
    words = text_of(section)
    assert "Сохранено: 7Б, Русский язык, вторник, 1 декабря 2026 г. — диктант." in words
    assert f'<p class="warning" role="status">{OVER_THE_DAY}</p>' in section
    assert row_with(section, "диктант")[3] == "диктант сверх лимита на день"
    assert len(await live_tests(web)) == 2


async def test_a_refusal_keeps_what_was_typed_and_saves_nothing(web: Web) -> None:
    await plan_math_on_tuesday(web)
    await update_row(web.db, School, web.world.school_id, policy={"test_limits_refuse": True})
    browser = await web.signed_in("russian")
    page = await browser.get("/tests")
    assert "Сверх этого контрольная работа не сохраняется." in text_of(page.text)
    form = {"date": "2026-12-01", "page": page_of(web, "Русский язык"), "title": "Диктант №2"}
    status, section = await htmx_post(browser, "/tests", form)
    assert status == 422
    assert f'<p class="error" role="alert">{OVER_THE_DAY}</p>' in section
    assert 'value="Диктант №2"' in section and 'value="2026-12-01"' in section
    refused = await browser.submit("/tests", {**form, "date": "2026-11-20"})
    assert refused.status_code == 422
    assert "Дата 20.11.2026 уже прошла" in text_of(refused.text)
    assert await live_tests(web) == [("2026-12-01", "Дроби")]


async def test_a_page_that_is_not_hers_or_no_page_at_all_is_refused(web: Web) -> None:
    browser = await web.signed_in("math")
    await browser.get("/tests")
    status, section = await htmx_post(
        browser, "/tests", {"date": "2026-12-01", "page": page_of(web, "Русский язык")}
    )
    assert status == 403 and "Вы не ведёте «Русский язык» в 7Б" in section
    status, _ = await htmx_post(browser, "/tests", {"date": "2026-12-01", "page": "7Б:math"})
    assert status == 404
    assert await live_tests(web) == []


async def test_the_teacher_cancels_her_test_and_nobody_else_can(web: Web) -> None:
    test_id = await plan_math_on_tuesday(web)
    other = await web.signed_in("russian")
    await other.get("/tests")
    status, answer = await htmx_post(other, f"/tests/{test_id}/cancel", {})
    assert status == 403 and "Вы не ведёте «Математика» в 7Б" in answer

    browser = await web.signed_in("math")
    page = await browser.get("/tests")
    assert f'hx-post="/tests/{test_id}/cancel"' in page.text
    status, section = await htmx_post(browser, f"/tests/{test_id}/cancel", {})
    assert status == 200
    assert "Контрольная работа снята с графика." in text_of(section)
    assert "Дроби" not in section
    assert await live_tests(web) == []


async def test_cancelling_without_htmx_goes_back_to_the_page_that_says_so(web: Web) -> None:
    test_id = await plan_math_on_tuesday(web)
    browser = await web.signed_in("math")
    await browser.get("/tests")
    sent = await browser.submit(f"/tests/{test_id}/cancel")
    assert (sent.status_code, sent.headers["location"]) == (
        303,
        "/tests?date=2026-12-01&cancelled=1",
    )
    page = await browser.get(sent.headers["location"])
    assert "Контрольная работа снята с графика." in text_of(page.text)
    assert await live_tests(web) == []


async def test_the_class_view_shows_every_subject_to_its_readers(web: Web) -> None:
    w = web.world
    await plan_math_on_tuesday(web)
    await schedule_test(
        web.uow(),
        actor=w.actor("english"),
        class_id=w.classes["7Б"],
        subject_id=w.subjects["Английский язык"],
        group_id=w.groups["7Б англ. 1"],
        on=TUESDAY,
        work_type="written",
    )
    path = f"/tests/classes/{w.classes['7Б']}"
    for who in ("russian", "math", "deputy", "admin"):
        browser = await web.signed_in(who)
        page = await browser.get(path)
        assert page.status_code == 200, who
        rows = table_rows(page.text)
        assert [r[1] for r in rows] == ["Английский язык (7Б англ. 1)", "Математика"], who
        english, math = rows
        assert english[2].startswith("письменная работа сверх лимита на день")
        assert "уже есть: Математика" in english[2] and english[3] == "Смит А."
        assert "уже есть: Английский язык" in math[2] and math[3] == "Иванова М.П."
    for who in ("secretary", "substitute"):
        browser = await web.signed_in(who)
        assert (await browser.get(path)).status_code == 403, who


async def test_the_deputy_plans_nothing_but_opens_every_class(web: Web) -> None:
    browser = await web.signed_in("deputy")
    page = await browser.get("/tests")
    words = text_of(page.text)
    assert "планировать контрольные не нужно" in words
    assert 'action="/tests"' not in page.text
    for klass in ("1А", "7Б", "10А"):
        assert f'href="/tests/classes/{web.world.classes[klass]}"' in page.text
    first = await browser.get(f"/tests?period={web.world.periods['1 четверть']}")
    assert "Мои контрольные: 1 четверть, 01.09.2026 – 25.10.2026" in text_of(first.text)


async def test_the_pages_in_english(web: Web) -> None:
    await plan_math_on_tuesday(web)
    browser = await web.signed_in("math")
    await browser.get("/tests")
    await browser.submit("/language", {"lang": "en", "next": "/tests"})
    page = await browser.get("/tests")
    words = text_of(page.text)
    assert "Test schedule" in words and "Tests" in header_text(page.text)
    assert "at most 3 tests a week (Monday to Sunday)" in words
    assert row_with(page.text, "Дроби")[3] == "test: Дроби"
    klass = await browser.get(f"/tests/classes/{web.world.classes['7Б']}")
    assert "Test schedule of 7Б" in text_of(klass.text)
