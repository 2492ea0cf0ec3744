"""A teacher's "Today": lessons by the bells and what each still lacks."""

from __future__ import annotations

import datetime as dt

from core.models import TimetableEntry
from core.services.attendance import mark_attendance
from core.services.homework import set_homework
from core.services.lessons import assign_substitute, record_lesson
from tests.builders import TODAY, insert, uow_at
from tests.web.browser import Web
from tests.web.pages import row_with, table_rows, text_of


async def test_math_teacher_sees_her_lessons_by_the_bells_with_everything_missing(web: Web) -> None:
    browser = await web.signed_in("math")
    page = await browser.get("/today")
    assert "Сегодня, понедельник, 23 ноября 2026" in text_of(page.text)
    rows = table_rows(page.text)
    assert [row[:4] for row in rows] == [
        ["1", "08:30", "1А", "Математика"],
        ["2", "09:25", "7Б", "Математика"],
    ]
    for row in rows:
        assert row[4] == "тема посещаемость домашнее задание"
        assert row[5] == "Открыть урок Все присутствуют"
    for key in ("math1", "math7"):
        assert f'href="/lessons/{web.world.lessons[key]}"' in page.text
    assert "Русский язык" not in page.text  # another teacher's lesson of 7Б
    assert "2 урока, заполнено полностью: 0." in text_of(page.text)


async def test_today_follows_what_is_entered_in_the_journal(web: Web) -> None:
    w = web.world
    math = w.actor("math")
    await record_lesson(
        uow_at(web.db),
        actor=math,
        class_id=w.classes["7Б"],
        subject_id=w.subjects["Математика"],
        on=TODAY,
        slot=2,
        topic="Дроби",
    )
    await set_homework(uow_at(web.db), actor=math, lesson_id=w.lessons["math7"], text="№ 12, 14")
    await mark_attendance(
        uow_at(web.db),
        actor=math,
        lesson_id=w.lessons["math1"],
        student_id=w.students["dasha"],
        status="н",
    )
    browser = await web.signed_in("math")
    page = await browser.get("/today")
    first, second = table_rows(page.text)
    assert "тема" in first[4] and "домашнее задание" in first[4]
    assert "посещаемость" not in first[4]  # Даша is marked absent
    assert second[3] == "Математика Дроби"
    assert second[4] == "посещаемость"

    # Everyone was there at the second lesson: one press, and the row is complete.
    row = await browser.htmx(f"/today/lessons/{w.lessons['math7']}/roll-call")
    assert row.status_code == 200
    assert text_of(row.text).startswith("2 09:25 7Б Математика Дроби")
    assert "всё заполнено" in text_of(row.text)
    again = await browser.get("/today")
    assert "2 урока, заполнено полностью: 1." in text_of(again.text)


async def test_roll_call_without_htmx_goes_back_to_the_day(web: Web) -> None:
    browser = await web.signed_in("math")
    await browser.get("/today")
    done = await browser.submit(f"/today/lessons/{web.world.lessons['math1']}/roll-call")
    assert done.status_code == 303 and done.headers["location"] == "/today?date=2026-11-23"
    page = await browser.get(done.headers["location"])
    assert "посещаемость" not in row_with(page.text, "1А")[4]


async def test_the_substitute_sees_the_lesson_she_substitutes(web: Web) -> None:
    w = web.world
    await assign_substitute(
        uow_at(web.db),
        actor=w.actor("deputy"),
        lesson_id=w.lessons["math7"],
        substitute_id=w.staff["substitute"],
    )
    substitute = await web.signed_in("substitute")
    page = await substitute.get("/today")
    [row] = table_rows(page.text)
    assert row[:3] == ["2", "09:25", "7Б"]
    assert "Математика замена за Иванова М.П." in row[3]
    assert "Все присутствуют" in row[5]
    marked = await substitute.htmx(f"/today/lessons/{w.lessons['math7']}/roll-call")
    assert marked.status_code == 200 and "посещаемость" not in text_of(marked.text)

    teacher = await web.signed_in("math")
    own = await teacher.get("/today")
    row = row_with(own.text, "7Б")
    assert "замена: Сидорова Е.В." in row[3]
    assert "Все присутствуют" not in row[5]  # the substitute fills this one


async def test_a_timetable_lesson_not_yet_in_the_journal_is_listed(web: Web) -> None:
    w = web.world
    await insert(
        web.db,
        TimetableEntry(
            school_id=w.school_id,
            class_id=w.classes["10А"],
            subject_id=w.subjects["Математика"],
            teacher_id=w.staff["math"],
            weekday=TODAY.weekday(),
            slot=5,
            room="214",
        ),
    )
    browser = await web.signed_in("math")
    page = await browser.get("/today")
    row = row_with(page.text, "10А")
    assert row[:4] == ["5", "12:10", "10А каб. 214", "Математика"]
    assert row[4] == "урока нет в журнале" and row[5] == ""

    # On the autumn holidays the same Monday timetable gives no lessons.
    holiday = await browser.get("/today?date=2026-10-26")
    assert "осенние каникулы: уроков нет." in text_of(holiday.text)
    assert table_rows(holiday.text) == []


async def test_another_day_and_the_english_page(web: Web) -> None:
    browser = await web.signed_in("math")
    tomorrow = await browser.get("/today?date=2026-11-24")
    assert "Уроки на вторник, 24 ноября 2026" in text_of(tomorrow.text)
    assert "Уроков нет." in text_of(tomorrow.text)
    await browser.submit("/language", {"lang": "en", "next": "/today"})
    page = await browser.get("/today")
    words = text_of(page.text)
    assert "Today, Monday, 23 November 2026" in words
    assert "topic" in row_with(page.text, "1А")[4] and "Open lesson" in page.text


async def test_staff_without_lessons_start_on_their_sections(web: Web) -> None:
    browser = await web.signed_in("deputy")
    start = await browser.get("/")
    assert start.status_code == 200
    assert "Здравствуйте, Татьяна Борисовна" in text_of(start.text)
    assert 'href="/today"' not in start.text and 'href="/tokens"' in start.text
    day = await browser.get("/today")
    assert "Уроков нет." in text_of(day.text)


async def test_today_over_the_api(web: Web) -> None:
    token = await web.api_token("math", name="телефон")
    client = web.browser().client
    answer = await client.get("/api/v1/today", headers={"Authorization": f"Bearer {token.secret}"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["date"] == "2026-11-23" and body["holiday"] is None
    assert [(x["slot"], x["starts"], x["class_name"], x["lesson_id"]) for x in body["lessons"]] == [
        (1, "08:30", "1А", web.world.lessons["math1"]),
        (2, "09:25", "7Б", web.world.lessons["math7"]),
    ]
    assert body["lessons"][0]["missing"] == ["topic", "attendance", "homework"]
    other = await client.get(
        "/api/v1/today?date=2026-11-24", headers={"Authorization": f"Bearer {token.secret}"}
    )
    assert other.json() == {"date": "2026-11-24", "holiday": None, "lessons": []}
    assert dt.date.fromisoformat(other.json()["date"]) == TODAY + dt.timedelta(days=1)
