"""The journal grid: what it shows, who may open it, and saving a cell as grid.js does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlmodel import col, select

from core.db import Database
from core.errors import Forbidden, RuleViolation
from core.models import (
    Attendance,
    Enrollment,
    Lesson,
    Mark,
    OutboxEvent,
    Student,
    utcnow,
)
from core.rows import not_deleted
from core.services.attendance import mark_attendance
from core.services.journal_grid import parse_cell, save_cell
from core.services.marks import post_mark
from core.services.period_marks import set_period_mark
from tests.builders import insert, uow_at
from tests.web.browser import Browser, Web
from tests.web.journal_site import site_fixture  # noqa: F401  (the `site` fixture)
from tests.web.pages import row_with, table_rows, text_of

# Both databases, each test: these requests exercise the database's own behaviour.
pytestmark = pytest.mark.both_databases


@pytest.fixture
def web(web_on_both_databases: Web) -> Web:
    """On SQLite and PostgreSQL: these requests exercise the database's own behaviour."""
    return web_on_both_databases


MONDAY, WEDNESDAY = dt.date(2026, 11, 16), dt.date(2026, 11, 18)


def grid_path(web: Web, subject: str = "Математика", klass: str = "7Б", **extra: int) -> str:
    w = web.world
    query = f"class={w.classes[klass]}&subject={w.subjects[subject]}"
    return "/journal?" + "&".join([query, *(f"{k}={v}" for k, v in extra.items())])


async def add_lessons(web: Web, *days: dt.date, klass: str = "7Б") -> list[int]:
    w = web.world
    lessons = [
        Lesson(
            school_id=w.school_id,
            class_id=w.classes[klass],
            subject_id=w.subjects["Математика"],
            teacher_id=w.staff["math"],
            date=day,
            slot=2,
            created_at=utcnow(),
        )
        for day in days
    ]
    return await insert(web.db, *lessons)


async def mark(web: Web, lesson: int, kid: str, value: int, work_type: str = "oral") -> None:
    w = web.world
    await post_mark(
        uow_at(web.db),
        actor=w.actor("math"),
        lesson_id=lesson,
        student_id=w.students[kid],
        value=value,
        work_type=work_type,
    )


async def absent(web: Web, lesson: int, kid: str, status: str = "н") -> None:
    w = web.world
    await mark_attendance(
        uow_at(web.db),
        actor=w.actor("math"),
        lesson_id=lesson,
        student_id=w.students[kid],
        status=status,
    )


async def test_the_grid_shows_marks_absences_averages_and_period_marks(site: Web) -> None:
    w = site.world
    monday, wednesday = await add_lessons(site, MONDAY, WEDNESDAY)
    today = w.lessons["math7"]
    await mark(site, monday, "petya", 5, "test")  # weight 2
    await mark(site, wednesday, "petya", 3)  # weight 1
    await absent(site, today, "petya")
    await mark(site, monday, "masha", 4)
    await mark(site, monday, "masha", 5, "homework")  # two marks in one cell
    await absent(site, wednesday, "masha", "оп")
    await mark(site, wednesday, "masha", 3)  # late, and answered
    await set_period_mark(
        uow_at(site.db),
        actor=w.actor("math"),
        period_id=w.periods["2 четверть"],
        student_id=w.students["petya"],
        subject_id=w.subjects["Математика"],
        value="4",
    )
    # A pupil who came to 7Б on Wednesday: Monday's lesson was not his.
    (newcomer,) = await insert(
        site.db,
        Student(
            school_id=w.school_id, last_name="Алексеев", first_name="Антон", created_at=utcnow()
        ),
    )
    await insert(
        site.db,
        Enrollment(
            school_id=w.school_id, student_id=newcomer, class_id=w.classes["7Б"], since=WEDNESDAY
        ),
    )
    await mark(site, wednesday, "vanya", 2)  # at lessons before he came: nothing is his

    browser = await site.signed_in("math")
    page = await browser.get(grid_path(site))
    assert page.status_code == 200
    assert "Математика, 7Б" in text_of(page.text)
    quarter = w.periods["2 четверть"]
    assert f'<option value="{quarter}" selected>2 четверть</option>' in page.text
    header = text_of(page.text.split("<thead>")[1].split("</thead>")[0])
    # A header names what its marks are: Monday's column has three kinds.
    assert header == "№ Ученик 16.11 устн., д/з, к/р 18.11 устн. 23.11 устн. Ср. балл Итог"
    assert table_rows(page.text) == [
        ["1", "Алексеев Антон", "", "", "", "", ""],
        ["2", "Новиков Иван", "", "2", "", "2,00", ""],
        ["3", "Соколов Пётр", "5", "3", "н", "4,33", "4"],  # (5·2 + 3·1) / 3
        ["4", "Соколова Мария", "4 5", "оп 3", "", "4,00", ""],
    ]
    assert '<td class="x"></td>' in row_html(page.text, "Алексеев Антон")  # not his lesson
    assert "Только просмотр" not in page.text and 'id="wt-select"' in page.text


async def test_a_column_of_tests_is_headed_as_tests_whatever_its_work_type(site: Web) -> None:
    (monday,) = await add_lessons(site, MONDAY)  # no work type set: new marks are oral
    await mark(site, monday, "petya", 5, "test")
    await mark(site, monday, "masha", 4, "test")
    browser = await site.signed_in("math")
    page = await browser.get(grid_path(site))
    header = text_of(page.text.split("<thead>")[1].split("</thead>")[0])
    assert "16.11 к/р 23.11 устн." in header
    assert 'data-wt="oral"' in page.text  # what the column gives new marks is unchanged


def row_html(page: str, name: str) -> str:
    return next(part for part in page.split("<tr") if name in part)


async def test_another_period_shows_its_own_lessons(site: Web) -> None:
    await add_lessons(site, dt.date(2026, 10, 5))
    browser = await site.signed_in("math")
    first = site.world.periods["1 четверть"]
    page = await browser.get(grid_path(site, period=first))
    header = text_of(page.text.split("<thead>")[1].split("</thead>")[0])
    assert "05.10" in header and "23.11" not in header
    missing = await browser.get(grid_path(site, period=999))
    assert missing.status_code == 404


async def test_the_class_teacher_and_the_deputy_read_other_subjects_only(site: Web) -> None:
    await mark(site, site.world.lessons["math7"], "vanya", 4)
    for who in ("russian", "deputy", "admin"):
        browser = await site.signed_in(who)
        page = await browser.get(grid_path(site))
        assert page.status_code == 200, who
        assert "Только просмотр: этот предмет ведёт другой учитель." in page.text
        assert row_with(page.text, "Новиков Иван")[2:4] == ["4", "4,00"]
        assert 'class="w"' not in page.text and "wt-select" not in page.text
    english = await site.signed_in("english")  # teaches a group of 7Б: reads the class
    assert (await english.get(grid_path(site))).status_code == 200


async def test_who_may_not_read_a_page_is_refused(site: Web) -> None:
    for who, status in (("substitute", 403), ("secretary", 403), ("stranger", 404)):
        browser = await site.signed_in(who)
        page = await browser.get(grid_path(site))
        assert page.status_code == status, who
        assert "Школа №1" not in page.text or who != "stranger"
    anonymous = site.browser()
    page = await anonymous.get(grid_path(site))
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


async def test_the_pages_a_teacher_and_a_class_teacher_choose_from(site: Web) -> None:
    math = await site.signed_in("math")
    page = text_of((await math.get("/journal")).text)
    assert "1А — Математика 7Б — Математика 10А — Математика" in page
    russian = await site.signed_in("russian")
    page = text_of((await russian.get("/journal")).text)
    assert "Мои классы и предметы 7Б — Русский язык" in page
    assert "Журнал 7Б" in page
    for line in (
        "7Б — Математика (просмотр)",
        "7Б (7Б англ. 1) — Английский язык (просмотр)",
        "7Б (7Б робототехника) — Робототехника (просмотр)",
    ):
        assert line in page
    refused = await russian.get(f"/journal?class={site.world.classes['10А']}")
    assert refused.status_code == 403
    deputy = await site.signed_in("deputy")
    page = text_of((await deputy.get(f"/journal?class={site.world.classes['10А']}")).text)
    assert "Журналы классов 1А 7Б 10А" in page and "10А — Математика (просмотр)" in page


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)


async def test_the_grid_loads_in_the_same_few_queries_whatever_its_size(site: Web) -> None:
    w = site.world
    browser = await site.signed_in("math")
    await browser.get(grid_path(site))  # the session's first page also records its use
    with counted(site.db) as small:
        assert (await browser.get(grid_path(site))).status_code == 200
    days = [dt.date(2026, 11, 5) + dt.timedelta(days=n) for n in range(12)]
    lessons = await add_lessons(site, *days)
    students = await insert(
        site.db,
        *(
            Student(
                school_id=w.school_id, last_name=f"Ученик{n}", first_name="Я", created_at=utcnow()
            )
            for n in range(25)
        ),
    )
    await insert(
        site.db,
        *(
            Enrollment(school_id=w.school_id, student_id=s, class_id=w.classes["7Б"], since=MONDAY)
            for s in students
        ),
    )
    for lesson in lessons[:6]:
        await mark(site, lesson, "petya", 5)
        await absent(site, lesson, "masha")
    with counted(site.db) as large:
        page = await browser.get(grid_path(site))
    assert len(table_rows(page.text)) == 28
    assert len(large) == len(small) <= 20, large


# --- saving a cell, as grid.js does: the session cookie and the page's CSRF token -----


async def grid_page(web: Web, who: str = "math") -> Browser:
    browser = await web.signed_in(who)
    page = await browser.get(grid_path(web))
    assert page.status_code == 200
    return browser


async def put_cell(
    browser: Browser, lesson: int, student: int, text: str, **extra: Any
) -> httpx.Response:
    body = {"lesson_id": lesson, "student_id": student, "text": text, **extra}
    headers = {"X-CSRF-Token": browser.htmx_token()}
    return await browser.client.put("/api/v1/journal/cells", json=body, headers=headers)


async def live_marks(db: Database, lesson: int, student: int) -> list[tuple[int, str]]:
    async with db.session() as s:
        query = select(Mark).where(
            Mark.lesson_id == lesson, Mark.student_id == student, not_deleted(Mark)
        )
        rows = (await s.exec(query.order_by(col(Mark.id)))).all()
        return [(m.value, m.work_type) for m in rows]


async def attendance_of(db: Database, lesson: int, student: int) -> str | None:
    async with db.session() as s:
        query = select(Attendance).where(
            Attendance.lesson_id == lesson,
            Attendance.student_id == student,
            not_deleted(Attendance),
        )
        row = (await s.exec(query)).first()
        return row.status if row else None


async def event_kinds(db: Database) -> list[str]:
    async with db.session() as s:
        rows = await s.exec(select(OutboxEvent).order_by(col(OutboxEvent.occurred_at)))
        return [e.kind for e in rows.all()]


async def test_a_cell_saves_marks_and_attendance_through_core(web: Web) -> None:
    w = web.world
    lesson, petya = w.lessons["math7"], w.students["petya"]
    browser = await grid_page(web)

    saved = await put_cell(browser, lesson, petya, "5")
    assert saved.status_code == 200, saved.text
    assert saved.json()["text"] == "5" and saved.json()["average"] == 5.0
    assert await live_marks(web.db, lesson, petya) == [(5, "oral")]

    saved = await put_cell(browser, lesson, petya, " 5 / 4 ")
    assert saved.json()["text"] == "5 4" and saved.json()["average"] == 4.5
    corrected = await put_cell(browser, lesson, petya, "4")  # 5 → 4, the 4 withdrawn
    assert corrected.json()["text"] == "4"
    assert await live_marks(web.db, lesson, petya) == [(4, "oral")]
    kinds = [k for k in await event_kinds(web.db) if k.startswith("mark")]
    # The test's clock stands still: the events share one instant, in no set order.
    assert sorted(kinds) == ["mark_changed", "mark_deleted", "mark_posted", "mark_posted"]

    late = await put_cell(browser, lesson, petya, "ОП 4")
    assert late.json()["text"] == "оп 4" and late.json()["attendance"] == "late"
    absent = await put_cell(browser, lesson, petya, "n")  # the English layout's «н»
    assert absent.json()["text"] == "н" and absent.json()["average"] is None
    assert await live_marks(web.db, lesson, petya) == []
    assert await attendance_of(web.db, lesson, petya) == "absent"
    async with web.db.session() as s:
        roll = await s.get(Lesson, lesson)
        assert roll is not None and roll.roll_called_at is not None  # Today: attendance taken
    erased = await put_cell(browser, lesson, petya, "")
    assert erased.json()["text"] == "" and await attendance_of(web.db, lesson, petya) is None


async def test_a_saved_cell_answers_what_the_grid_then_shows(web: Web) -> None:
    # The answer is worked out from the marks read before the save and the rows the
    # save wrote (core.services.journal_grid._saved): the grid read afresh must agree.
    w = web.world
    lesson, petya = w.lessons["math7"], w.students["petya"]
    monday, october = await add_lessons(web, MONDAY, dt.date(2026, 10, 19))
    await mark(web, monday, "petya", 3, "test")
    await mark(web, october, "petya", 2)  # the first quarter's: not in the average
    browser = await grid_page(web)
    second = w.periods["2 четверть"]
    for text, period in [
        ("5", None),
        ("5 4", second),
        ("4 4 2", None),
        ("оп 3", second),
        ("н", None),
        ("2", second),
        ("", None),
    ]:
        extra = {"period_id": period} if period else {}
        saved = await put_cell(browser, lesson, petya, text, **extra)
        assert saved.status_code == 200, saved.text
        grid = await browser.client.get(
            "/api/v1/journal",
            params={"class_id": w.classes["7Б"], "subject_id": w.subjects["Математика"]},
            headers={"X-CSRF-Token": browser.htmx_token()},
        )
        assert grid.status_code == 200, grid.text
        (row,) = [r for r in grid.json()["rows"] if r["student_id"] == petya]
        (cell,) = [c for c in row["cells"] if c["lesson_id"] == lesson]
        answer = saved.json()
        assert answer["average"] == pytest.approx(row["average"]), text
        del answer["student_id"], answer["average"]
        assert answer == cell, text


async def test_a_group_lessons_cell_is_its_teachers_and_its_pupils(web: Web) -> None:
    # The cell's reads check the group in SQL (core.services.journal_cell): the group's
    # teacher writes it, for the group's pupils; the average is over the group's lessons.
    w = web.world
    lesson, english = w.lessons["english7"], w.actor("english")
    saved = await save_cell(
        uow_at(web.db), actor=english, lesson_id=lesson, student_id=w.students["petya"], text="5 4"
    )
    assert saved.cell.text == "5 4" and saved.average == 4.5
    with pytest.raises(RuleViolation) as outside:  # 7Б, but not in the group
        await save_cell(
            uow_at(web.db),
            actor=english,
            lesson_id=lesson,
            student_id=w.students["vanya"],
            text="4",
        )
    assert outside.value.code == "student_not_in_lesson"
    with pytest.raises(Forbidden):  # teaches 7Б, not this group's subject
        await save_cell(
            uow_at(web.db),
            actor=w.actor("math"),
            lesson_id=lesson,
            student_id=w.students["petya"],
            text="3",
        )
    corrected = await save_cell(
        uow_at(web.db), actor=english, lesson_id=lesson, student_id=w.students["petya"], text="3"
    )
    assert corrected.cell.text == "3" and corrected.average == 3.0


async def test_a_cell_is_saved_in_a_few_statements(site: Web) -> None:
    # bench/README.md, "Web app": each statement costs the web process about half a
    # millisecond of CPU; a new mark was 24 statements, session check included.
    w = site.world
    lesson, petya = w.lessons["math7"], w.students["petya"]
    browser = await grid_page(site)
    await put_cell(browser, lesson, w.students["masha"], "4")  # the first save of the run
    with counted(site.db) as posted:
        assert (await put_cell(browser, lesson, petya, "5")).status_code == 200
    with counted(site.db) as corrected:
        assert (await put_cell(browser, lesson, petya, "4")).status_code == 200
    # SQLite: two BEGINs (the session check's and the save's); the checks and the
    # cell in four reads; the mark; its outbox event; the audit chain's head and entry.
    assert len(posted) <= 12, posted
    assert len(corrected) <= 11, corrected


async def test_a_save_and_its_session_check_share_one_checkout(web: Web) -> None:
    # A checkout costs the pool's pre-ping, three round trips on PostgreSQL: there the
    # save goes on in the session check's session (core.db.SessionHandoff). SQLite's
    # checkouts cost nothing, and its save's session begins with BEGIN IMMEDIATE.
    w = web.world
    lesson, petya = w.lessons["math7"], w.students["petya"]
    browser = await grid_page(web)
    await put_cell(browser, lesson, w.students["masha"], "4")  # the first save of the run
    taken: list[None] = []

    def count(*_: Any) -> None:
        taken.append(None)

    event.listen(web.db.engine.sync_engine, "checkout", count)
    try:
        assert (await put_cell(browser, lesson, petya, "5")).status_code == 200
        assert len(taken) == (2 if web.db.is_sqlite else 1)
        refused = await put_cell(browser, w.lessons["math1"], w.students["dasha"], "5")
    finally:
        event.remove(web.db.engine.sync_engine, "checkout", count)
    assert refused.status_code == 422  # refused inside the unit: its session is closed too
    assert web.db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    assert await live_marks(web.db, lesson, petya) == [(5, "oral")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("7", "Отметка «7» недопустима: ставятся отметки от 2 до 5."),
        ("5 10", "Отметка «10» недопустима: ставятся отметки от 2 до 5."),
        ("пять", "Не понятно, что записать: «пять». В клетку пишут отметки 2–5"),
        ("н б", "В клетке «н б» две отметки посещаемости"),
    ],
)
async def test_a_refused_cell_says_why_and_changes_nothing(
    site: Web, text: str, message: str
) -> None:
    w = site.world
    lesson, petya = w.lessons["math7"], w.students["petya"]
    browser = await grid_page(site)
    await put_cell(browser, lesson, petya, "4")
    refused = await put_cell(browser, lesson, petya, text)
    assert refused.status_code == 422
    assert refused.json()["error"]["message"].startswith(message)
    assert await live_marks(site.db, lesson, petya) == [(4, "oral")]


async def test_core_rules_refuse_the_whole_cell(web: Web) -> None:
    w = web.world
    math = await grid_page(web)
    grade_one = await put_cell(math, w.lessons["math1"], w.students["dasha"], "н 5")
    assert grade_one.status_code == 422
    assert grade_one.json()["error"]["message"] == (
        "В 1 классе отметки не выставляются (только посещаемость и записи)."
    )
    assert await attendance_of(web.db, w.lessons["math1"], w.students["dasha"]) is None
    only_absent = await put_cell(math, w.lessons["math1"], w.students["dasha"], "н")
    assert only_absent.status_code == 200  # attendance is kept in grade 1

    stranger = await put_cell(math, w.lessons["math7"], w.students["lena"], "5")
    assert stranger.status_code == 422
    assert "Морозова Елена не учится в 7Б на 23.11.2026" in stranger.json()["error"]["message"]

    russian = await grid_page(web, "russian")
    refused = await put_cell(russian, w.lessons["math7"], w.students["petya"], "5")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == (
        "Вы не ведёте «Математика» в 7Б и не замещаете этот урок."
    )
    assert await live_marks(web.db, w.lessons["math7"], w.students["petya"]) == []


async def test_a_refusal_comes_in_the_viewers_language(site: Web) -> None:
    browser = await grid_page(site)
    await browser.submit("/language", {"lang": "en", "next": "/journal"})
    await browser.get(grid_path(site))
    refused = await put_cell(
        browser, site.world.lessons["math7"], site.world.students["petya"], "7"
    )
    assert refused.json()["error"]["message"] == "Mark “7” is not allowed: marks are 2 to 5."


async def test_the_column_work_type_weighs_its_marks(web: Web) -> None:
    w = web.world
    lesson, petya = w.lessons["math7"], w.students["petya"]
    (monday,) = await add_lessons(web, MONDAY)
    await mark(web, monday, "petya", 3)
    browser = await grid_page(web)
    await put_cell(browser, lesson, petya, "5")
    headers = {"X-CSRF-Token": browser.htmx_token()}
    changed = await browser.client.put(
        f"/api/v1/lessons/{lesson}/work-type", json={"work_type": "test"}, headers=headers
    )
    assert changed.status_code == 200 and changed.json()["work_type"] == "test"
    assert await live_marks(web.db, lesson, petya) == [(5, "test")]
    again = await put_cell(browser, lesson, petya, "5 4")  # a new mark takes the column's type
    assert await live_marks(web.db, lesson, petya) == [(5, "test"), (4, "test")]
    assert again.json()["average"] == pytest.approx((3 + 5 * 2 + 4 * 2) / 5)
    page = await browser.get(grid_path(web))
    assert row_with(page.text, "Соколов Пётр")[2:6] == ["3", "5 4", "4,20", ""]
    assert "23.11к/р" in page.text.replace("</a>", "").replace(
        '<button type="button" class="wt" data-wt="test" aria-label="Вид работы">', ""
    ).replace("</button>", "")
    bad = await browser.client.put(
        f"/api/v1/lessons/{lesson}/work-type", json={"work_type": "poem"}, headers=headers
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "bad_work_type"


async def test_the_period_mark_column(site: Web) -> None:
    w = site.world
    browser = await grid_page(site)
    body = {
        "period_id": w.periods["2 четверть"],
        "student_id": w.students["petya"],
        "subject_id": w.subjects["Математика"],
        "value": "ОСВ",
    }
    headers = {"X-CSRF-Token": browser.htmx_token()}
    saved = await browser.client.put("/api/v1/journal/period-marks", json=body, headers=headers)
    assert saved.status_code == 200 and saved.json()["value"] == "осв"
    emptied = await browser.client.put(
        "/api/v1/journal/period-marks", json=body | {"value": " "}, headers=headers
    )
    assert emptied.status_code == 422
    assert emptied.json()["error"]["message"].startswith("Итоговую отметку нельзя стереть")
    page = await browser.get(grid_path(site))
    assert row_with(page.text, "Соколов Пётр")[-1] == "осв"


async def test_a_cell_needs_the_pages_csrf_token(site: Web) -> None:
    w = site.world
    browser = await grid_page(site)
    body = {"lesson_id": w.lessons["math7"], "student_id": w.students["petya"], "text": "5"}
    refused = await browser.client.put("/api/v1/journal/cells", json=body)
    assert refused.status_code == 401
    assert await live_marks(site.db, w.lessons["math7"], w.students["petya"]) == []


def test_cell_text_is_read_as_typed() -> None:
    assert parse_cell("") == parse_cell("  ") == parse_cell(" , ")
    assert parse_cell("5").marks == (5,) and parse_cell("5").attendance is None
    assert parse_cell("оп5/4").marks == (5, 4) and parse_cell("оп5/4").attendance == "late"
    assert parse_cell("Н").attendance == "absent" and parse_cell("b").attendance == "ill"
    assert parse_cell("op 3").attendance == "late"
