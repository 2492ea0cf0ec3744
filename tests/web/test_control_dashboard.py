"""The deputy's control dashboard (/control) against a constructed week of the journal
(tests/control_journal.py): its figures, the items behind each of them, a teacher's
own backlog, period marks, the API, and the number of queries at any school's size."""

from __future__ import annotations

import datetime as dt
import html
import re

from sqlalchemy import event

from core.db import Database
from core.models import (
    Enrollment,
    Lesson,
    Mark,
    Period,
    SchoolClass,
    Student,
    TeachingAssignment,
    TimetableEntry,
    utcnow,
)
from core.services.period_marks import set_period_mark
from tests.builders import insert, uow_at
from tests.control_journal import READ_AT, WEEK, fill_the_week, msk
from tests.web.browser import Browser, Web
from tests.web.pages import row_with, table_rows, text_of


async def deputy_on_friday(web: Web, who: str = "deputy") -> Browser:
    await fill_the_week(web.db, web.world)
    web.clock.now = READ_AT
    return await web.signed_in(who)


def table(page: str, table_id: str) -> str:
    found = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S)
    assert found, f"no table {table_id}"
    return found.group(0)


async def test_the_deputy_sees_the_week_per_teacher_and_per_class_and_subject(web: Web) -> None:
    deputy = await deputy_on_friday(web)
    page = (await deputy.get(f"/control?week={WEEK}")).text
    assert "Контроль ведения журнала" in page
    assert "Неделя 23.11.2026–29.11.2026." in text_of(page)
    # lessons, topic / roll call / homework / marks late and missing, fill, period marks,
    # held / timetabled, not held, substituted, homework over the limit, tests off the
    # schedule and not held.
    assert table_rows(table(page, "totals")) == [
        ["5", "1", "2", "0", "2", "1", "3", "1", "3", "7", "0", "5 / 6", "1", "1", "1", "1", "1"]
    ]
    # The most overdue first: the substitute's dictation, the elective's empty lesson...
    assert table_rows(table(page, "by-teacher")) == [
        ["Сидорова Е.В.", "1", "0", "1", "0", "1", "0", "1", "0", "3", "0", "0", "0 / 0", "0", "0", "0", "0", "0"],
        ["Кузнецов О.Р.", "1", "0", "1", "0", "1", "0", "1", "0", "0", "0", "0", "1 / 1", "0", "0", "0", "0", "0"],
        ["Смит А.", "1", "1", "0", "0", "0", "0", "1", "0", "0", "2", "0", "1 / 1", "0", "0", "0", "0", "0"],
        ["Иванова М.П.", "2", "0", "0", "0", "0", "1", "0", "1", "0", "2", "0", "2 / 3", "1", "0", "1", "1", "1"],
        ["Петров С.И.", "0", "0", "0", "0", "0", "0", "0", "0", "0", "3", "0", "1 / 1", "0", "1", "0", "0", "0"],
    ]  # fmt: skip
    assert table_rows(table(page, "by-place")) == [
        ["7Б", "Русский язык", "Петров С.И.", "1", "0", "1", "0", "1", "0", "1", "0", "3", "3", "0", "1 / 1", "0", "1", "0", "0", "0"],
        ["7Б (7Б робототехника)", "Робототехника", "Кузнецов О.Р.", "1", "0", "1", "0", "1", "0", "1", "0", "0", "0", "0", "1 / 1", "0", "0", "0", "0", "0"],
        ["7Б (7Б англ. 1)", "Английский язык", "Смит А.", "1", "1", "0", "0", "0", "0", "1", "0", "0", "2", "0", "1 / 1", "0", "0", "0", "0", "0"],
        ["7Б", "Математика", "Иванова М.П.", "1", "0", "0", "0", "0", "1", "0", "1", "0", "1", "0", "1 / 2", "1", "0", "1", "1", "1"],
        ["10А", "Математика", "Иванова М.П.", "0", "0", "0", "0", "0", "0", "0", "0", "0", "1", "0", "0 / 0", "0", "0", "0", "0", "0"],
        ["1А", "Математика", "Иванова М.П.", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "1 / 1", "0", "0", "0", "0", "0"],
    ]  # fmt: skip
    # 7Б's class teacher wrote nothing in November; its families were reached.
    assert row_with(page, "Петров С.И.", "ноябрь") == ["7Б", "Петров С.И.", "", "ноябрь 2026 г."]
    assert table_rows(table(page, "reach-table")) == [
        ["1А", "1", "1 (100 %)", "0", "0", "0", "0", "0", "0"],
        ["7Б", "2", "2 (100 %)", "0", "1", "2", "2", "0", "1"],
        ["10А", "1", "1 (100 %)", "0", "0", "0", "0", "0", "0"],
    ]
    assert "Сроки предварительных и итоговых отметок в этот период не попадают." in page
    assert row_with(page, "2 четверть") == ["2 четверть", "7", "4"]


def links(fragment: str) -> list[tuple[str, str]]:
    """(number, href) of every linked number in a piece of a page."""
    found = re.findall(r'<a href="(/control/[^"]+)"[^>]*>(\d+)</a>', fragment)
    return [(number, html.unescape(href)) for href, number in found]


# What a list counts, by its address: «2 урока», «1 обучающийся», «1 день», «1 контрольная».
COUNTED = (("/pupils", "обучающ"), ("/homework", "д"), ("/tests", "контрольн"), ("", "урок"))


async def test_every_number_links_to_exactly_the_items_it_counts(web: Web) -> None:
    deputy = await deputy_on_friday(web)
    w = web.world
    parts = [
        (deputy, f"/control?week={WEEK}", 52),  # the school
        (deputy, f"/control?week={WEEK}&teacher={w.staff['substitute']}", 10),  # one teacher's
        (await web.signed_in("math"), f"/control?week={WEEK}", 15),  # a teacher's own
    ]
    for browser, path, count in parts:
        page = (await browser.get(path)).text
        numbers = [
            *links(table(page, "totals")),
            *(links(table(page, "by-teacher")) if 'id="by-teacher"' in page else []),
            *links(table(page, "by-place")),
        ]
        assert len(numbers) == count, path
        for number, href in numbers:
            items = await browser.get(href)
            assert items.status_code == 200, href
            rows = table_rows(table(items.text, "items"))
            if "what=marks" in href:
                column = -2 if "state=late" in href else -1  # marks: late, missing per lesson
                assert sum(int(row[column]) for row in rows) == int(number), href
            else:
                assert len(rows) == int(number), href
                word = next(w for part, w in COUNTED if part in href)
                assert re.search(rf"\b{number} {word}", text_of(items.text)), href


async def test_the_lists_say_when_each_entry_was_due_and_when_it_came(web: Web) -> None:
    deputy = await deputy_on_friday(web)
    w = web.world
    late = await deputy.get(
        f"/control/lessons?week={WEEK}&what=homework&state=late&teacher={w.staff['math']}"
    )
    assert "Домашнее задание записано не в срок — Иванова М.П." in text_of(late.text)
    assert table_rows(table(late.text, "items")) == [
        ["23.11.2026", "2", "7Б", "Математика", "Иванова М.П.", "23.11.2026, 16:15", "23.11.2026, 20:00"]
    ]  # fmt: skip
    assert f'href="/lessons/{w.lessons["math7"]}"' in late.text
    missing = await deputy.get(f"/control/lessons?week={WEEK}&what=homework&state=missing")
    assert [row[2:5] for row in table_rows(table(missing.text, "items"))] == [
        ["7Б", "Русский язык", "Сидорова Е.В. (за Петров С.И.)"],
        ["7Б (7Б англ. 1)", "Английский язык", "Смит А."],
        ["7Б (7Б робототехника)", "Робототехника", "Кузнецов О.Р."],
    ]
    assert {row[6] for row in table_rows(table(missing.text, "items"))} == {"—"}
    marks = await deputy.get(f"/control/lessons?week={WEEK}&what=marks&state=missing")
    # The dictation: three pupils present, none marked by its deadline (26.11).
    assert table_rows(table(marks.text, "items")) == [
        ["23.11.2026", "3", "7Б", "Русский язык", "Сидорова Е.В. (за Петров С.И.)", "26.11.2026", "3", "0", "0", "3"]
    ]  # fmt: skip
    fill = await deputy.get(f"/control/pupils?week={WEEK}&what=fill&teacher={w.staff['math']}")
    assert table_rows(table(fill.text, "items")) == [
        # One mark a quarter is due by 27.11 (3 × 23 of its 54 days): Петя and Маша
        # have theirs.
        ["Морозова Елена", "10А", "Математика", "Иванова М.П.", "2 четверть", "0", "1"],
        ["Новиков Иван", "7Б", "Математика", "Иванова М.П.", "2 четверть", "0", "1"],
    ]
    not_held = await deputy.get(f"/control/lessons?week={WEEK}&what=not_held")
    assert table_rows(table(not_held.text, "items")) == [
        ["25.11.2026", "7Б", "Математика", "Иванова М.П."]
    ]
    given = await deputy.get(
        f"/control/lessons?week={WEEK}&what=substituted&teacher={w.staff['russian']}"
    )
    assert table_rows(table(given.text, "items")) == [
        ["23.11.2026", "3", "7Б", "Русский язык", "Петров С.И.", "Сидорова Е.В."]
    ]


async def test_a_teacher_sees_only_their_own_backlog(web: Web) -> None:
    math = await deputy_on_friday(web, "math")
    w = web.world
    page = (await math.get(f"/control?week={WEEK}")).text
    assert "<h1>Мои задолженности</h1>" in page
    assert 'id="by-teacher"' not in page and 'id="reach-table"' not in page
    assert "Контроль ведения журнала" not in page and "Справка за этот период" not in page
    assert [row[:2] for row in table_rows(table(page, "by-place"))] == [
        ["7Б", "Математика"],
        ["10А", "Математика"],
        ["1А", "Математика"],
    ]
    assert table_rows(table(page, "totals")) == [
        ["2", "0", "0", "0", "0", "1", "0", "1", "0", "2", "0", "2 / 3", "1", "0", "1", "1", "1"]
    ]
    # Another teacher's part, or the school's report, is not theirs.
    other = f"/control/lessons?week={WEEK}&what=topic&state=missing&teacher={w.staff['english']}"
    assert (await math.get(other)).status_code == 403
    assert (await math.get(f"/control?week={WEEK}&teacher={w.staff['english']}")).status_code == 403
    assert (await math.get("/control/reports")).status_code == 403
    # The substitute owes the dictation's marks; its own teacher does not.
    substitute = await web.signed_in("substitute")
    mine = (await substitute.get(f"/control?week={WEEK}")).text
    assert table_rows(table(mine, "totals"))[0][:10] == ["1", "0", "1", "0", "1", "0", "1", "0", "3", "0"]  # fmt: skip
    secretary = await web.signed_in("secretary")
    refused = await secretary.get("/control")
    assert refused.status_code == 403
    assert "Контроль ведения журнала доступен заместителю директора" in text_of(refused.text)


async def test_the_deputy_opens_one_teacher_s_part(web: Web) -> None:
    deputy = await deputy_on_friday(web)
    w = web.world
    page = (await deputy.get(f"/control?week={WEEK}&teacher={w.staff['math']}")).text
    assert "Контроль журнала: Иванова М.П." in text_of(page)
    assert [row[:2] for row in table_rows(table(page, "by-place"))] == [
        ["7Б", "Математика"],
        ["10А", "Математика"],
        ["1А", "Математика"],
    ]
    # Its numbers link to that teacher's items.
    assert (
        f'href="/control/lessons?week={WEEK}&amp;teacher={w.staff["math"]}&amp;'
        f'class={w.classes["7Б"]}&amp;subject={w.subjects["Математика"]}&amp;what=homework&amp;state=late"'
        in page
    )


async def test_by_default_the_period_holding_today(web: Web) -> None:
    deputy = await deputy_on_friday(web)
    page = (await deputy.get("/control")).text
    assert "Период «2 четверть»: 05.11.2026–28.12.2026." in text_of(page)
    assert '<option value="2" selected>2 четверть (05.11.2026–28.12.2026)</option>' in page
    # The quarter's period marks fall due in it: not yet.
    assert row_with(page, "предварительные")[:4] == [
        "2 четверть",
        "предварительные",
        "19.12.2026 (срок ещё не наступил)",
        "9",
    ]


async def test_period_marks_due_and_missing_name_the_pupils(web: Web) -> None:
    await fill_the_week(web.db, web.world)
    w = web.world
    for pupil, day in (("petya", 18), ("masha", 20)):
        await set_period_mark(
            uow_at(web.db, msk(day, 12, month=12)),
            actor=w.actor("math"),
            period_id=w.periods["2 четверть"],
            student_id=w.students[pupil],
            subject_id=w.subjects["Математика"],
            value="5",
            kind="preliminary",
        )
    web.clock.now = msk(29, 12, month=12)  # both deadlines passed (no winter holidays here)
    deputy = await web.signed_in("deputy")
    page = (await deputy.get(f"/control?period={w.periods['2 четверть']}")).text
    # 7Б's three subjects with marks (3 + 3 + 2 pupils) and 10А's mathematics (1).
    assert row_with(page, "предварительные") == [
        "2 четверть", "предварительные", "19.12.2026", "9", "2", "7", "1",
    ]  # fmt: skip
    assert row_with(page, "итоговые") == [
        "2 четверть", "итоговые", "28.12.2026", "9", "0", "9", "0",
    ]  # fmt: skip
    href = html.unescape(re.findall(r'href="(/control/pupils[^"]*kind=preliminary)"', page)[0])
    pupils = await deputy.get(href)
    assert [row[:3] + row[5:] for row in table_rows(table(pupils.text, "items"))] == [
        ["Морозова Елена", "10А", "Математика", "предварительные", "19.12.2026"],
        ["Новиков Иван", "7Б", "Математика", "предварительные", "19.12.2026"],
        ["Новиков Иван", "7Б", "Русский язык", "предварительные", "19.12.2026"],
        ["Соколов Пётр", "7Б", "Русский язык", "предварительные", "19.12.2026"],
        ["Соколова Мария", "7Б", "Русский язык", "предварительные", "19.12.2026"],
        ["Соколов Пётр", "7Б (7Б англ. 1)", "Английский язык", "предварительные", "19.12.2026"],
        ["Соколова Мария", "7Б (7Б англ. 1)", "Английский язык", "предварительные", "19.12.2026"],
    ]
    # The teachers' lines count them as overdue.
    assert row_with(table(page, "by-teacher"), "Иванова М.П.")[11] == "6"


async def test_homework_over_the_limit_and_tests_off_the_schedule(web: Web) -> None:
    deputy = await deputy_on_friday(web)
    w = web.world
    page = (await deputy.get(f"/control?week={WEEK}")).text
    # 7Б's Wednesday: Петя has 100 + 60 minutes of mathematics, grade 7 may have 150.
    assert table_rows(table(page, "overload-table")) == [["7Б", "150", "1", "160"]]
    assert "Контрольных работ вне графика: 1 . По графику, но не проведено: 1 ." in text_of(page)
    days = await deputy.get(f"/control/homework?week={WEEK}")
    assert table_rows(table(days.text, "items")) == [
        [
            "ср, 25.11", "7Б", "160", "150", "1",
            "Математика — Иванова М.П.: 100 мин (задано 23.11) "
            "Математика — Иванова М.П.: 60 мин (задано 23.11, индивидуально)",
        ]
    ]  # fmt: skip
    assert f'href="/lessons/{w.lessons["math7"]}"' in days.text
    # math7's test was not planned; the test planned for Wednesday was not held; the
    # dictation of 23.11 was planned, and is in neither list.
    for what, day in (("off_schedule", "23.11.2026"), ("not_held", "25.11.2026")):
        found = await deputy.get(f"/control/tests?week={WEEK}&what={what}")
        assert table_rows(table(found.text, "items")) == [
            [day, "7Б", "Математика", "Иванова М.П.", "контрольная работа"]
        ]
    held = await deputy.get(f"/control/tests?week={WEEK}&what=off_schedule")
    assert f'href="/lessons/{w.lessons["math7"]}"' in held.text
    # Narrowed to a teacher, a class, a class's page: the same filter as every list.
    for where, count in (
        (f"&teacher={w.staff['math']}", 1),
        (f"&teacher={w.staff['english']}", 0),
        (f"&class={w.classes['7Б']}", 1),
        (f"&class={w.classes['1А']}", 0),
        (f"&class={w.classes['7Б']}&subject={w.subjects['Русский язык']}", 0),
    ):
        listed = await deputy.get(f"/control/homework?week={WEEK}{where}")
        assert f"{count} д" in text_of(listed.text), where
        tests = await deputy.get(f"/control/tests?week={WEEK}&what=not_held{where}")
        assert f"{count} контрольн" in text_of(tests.text), where


async def test_a_teacher_sees_the_overload_days_of_their_homework_and_their_own_tests(
    web: Web,
) -> None:
    await fill_the_week(web.db, web.world)
    web.clock.now = READ_AT
    w = web.world
    math = await web.signed_in("math")
    mine = (await math.get(f"/control?week={WEEK}")).text
    assert table_rows(table(mine, "overload-table")) == [["7Б", "150", "1", "160"]]
    assert "Здесь — дни, в объём которых входят ваши задания." in text_of(mine)
    days = await math.get(f"/control/homework?week={WEEK}")
    assert [row[:5] for row in table_rows(table(days.text, "items"))] == [
        ["ср, 25.11", "7Б", "160", "150", "1"]
    ]
    # 7Б's class teacher gave no homework that day, and 7Б's mathematics tests are not
    # his: his part has neither (though he reads his class's test schedule).
    russian = await web.signed_in("russian")
    his = (await russian.get(f"/control?week={WEEK}")).text
    assert 'id="overload-table"' not in his
    assert "Ни в одном классе объём домашних заданий не превысил норму" in text_of(his)
    assert table_rows(table(his, "totals"))[0][-3:] == ["0", "0", "0"]
    for path in ("/control/homework?", "/control/tests?what=off_schedule&"):
        listed = await russian.get(f"{path}week={WEEK}")
        assert 'id="items"' not in listed.text and "Здесь пусто" in text_of(listed.text)
    # Another teacher's part is refused, as is every list to the secretary.
    other = f"week={WEEK}&teacher={w.staff['english']}"
    assert (await math.get(f"/control/homework?{other}")).status_code == 403
    assert (await math.get(f"/control/tests?{other}&what=not_held")).status_code == 403
    secretary = await web.signed_in("secretary")
    assert (await secretary.get(f"/control/homework?week={WEEK}")).status_code == 403
    assert (await secretary.get(f"/control/tests?week={WEEK}&what=off_schedule")).status_code == 403
    assert (await math.get(f"/control/tests?week={WEEK}&what=late")).status_code == 422


async def test_the_api_gives_the_same_figures_and_items(web: Web) -> None:
    await fill_the_week(web.db, web.world)
    web.clock.now = READ_AT
    token = await web.api_token("deputy")
    api = web.browser().client
    headers = {"Authorization": f"Bearer {token.secret}"}
    found = (await api.get(f"/api/v1/control?week={WEEK}", headers=headers)).json()
    assert found["span"]["start"] == "2026-11-23" and found["span"]["week"] == "2026-11-23"
    assert found["totals"]["missing"] == {"topic": 2, "attendance": 2, "homework": 3, "marks": 3}
    assert found["totals"]["late"] == {"topic": 1, "attendance": 0, "homework": 1, "marks": 1}
    assert [t["name"] for t in found["teachers"]][:2] == ["Сидорова Е.В.", "Кузнецов О.Р."]
    assert found["monthly"][0]["missing"] == ["2026-11"]
    totals = found["totals"]
    assert (totals["overload"], totals["tests_off_schedule"], totals["tests_not_held"]) == (1, 1, 1)
    [day] = found["overload"]
    assert (day["class_name"], day["day"], day["total"], day["limit"], day["pupils_over"]) == (
        "7Б", "2026-11-25", 160, 150, 1,
    )  # fmt: skip
    assert [
        (a["subject"], a["teacher"], a["teacher_id"], a["minutes"], a["individual"])
        for a in day["assignments"]
    ] == [
        ("Математика", "Иванова М.П.", web.world.staff["math"], 100, False),
        ("Математика", "Иванова М.П.", web.world.staff["math"], 60, True),
    ]
    [off] = found["tests_off_schedule"]
    [missed] = found["tests_not_held"]
    assert (off["date"], off["class_name"], off["subject"], off["teacher"], off["work_type"]) == (
        "2026-11-23", "7Б", "Математика", "Иванова М.П.", "test",
    )  # fmt: skip
    assert off["lesson_id"] == web.world.lessons["math7"] and off["test_id"] is None
    assert (missed["date"], missed["subject"], missed["lesson_id"]) == (
        "2026-11-25", "Математика", None,
    )  # fmt: skip
    items = await api.get(
        f"/api/v1/control/lessons?week={WEEK}&what=topic&state=late", headers=headers
    )
    [english] = items.json()["items"]
    assert (english["class_name"], english["done_at"]) == (
        "7Б (7Б англ. 1)",
        "2026-11-24T06:00:00Z",
    )
    reversed_span = await api.get(
        "/api/v1/control?start=2026-11-27&end=2026-11-23", headers=headers
    )
    assert reversed_span.status_code == 422
    assert reversed_span.json()["error"] == {
        "code": "control_span_reversed",
        "message": "Период проверки заканчивается (23.11.2026) раньше, чем начинается (27.11.2026).",
    }
    no_state = await api.get(f"/api/v1/control/lessons?week={WEEK}&what=topic", headers=headers)
    assert no_state.status_code == 422
    assert no_state.json()["error"]["code"] == "control_state_needed"
    too_long = await api.get("/api/v1/control?start=2026-01-01&end=2027-12-31", headers=headers)
    assert too_long.status_code == 422


def counted(db: Database) -> list[str]:
    statements: list[str] = []
    event.listen(
        db.engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(str(a[2]))
    )
    return statements


async def grow_the_school(web: Web, classes: int = 6, pupils: int = 25) -> None:
    """More classes, pupils, a timetable, lessons of the week and marks in them."""
    w = web.world
    now = utcnow()
    class_ids = await insert(
        web.db,
        *(
            SchoolClass(
                school_id=w.school_id, year_id=w.year_id, grade=5 + n % 5, letter="ВГДЕЖИ"[n]
            )
            for n in range(classes)
        ),
    )
    for class_id in class_ids:
        students = await insert(
            web.db,
            *(
                Student(
                    school_id=w.school_id, last_name=f"Ученик{n}", first_name="Я", created_at=now
                )
                for n in range(pupils)
            ),
        )
        await insert(
            web.db,
            *(
                Enrollment(
                    school_id=w.school_id,
                    student_id=s,
                    class_id=class_id,
                    since=dt.date(2026, 9, 1),
                )
                for s in students
            ),
            TeachingAssignment(
                school_id=w.school_id,
                teacher_id=w.staff["math"],
                class_id=class_id,
                subject_id=w.subjects["Математика"],
            ),
            *(
                TimetableEntry(
                    school_id=w.school_id,
                    class_id=class_id,
                    subject_id=w.subjects["Математика"],
                    teacher_id=w.staff["math"],
                    weekday=day,
                    slot=5,
                )
                for day in range(5)
            ),
        )
        lessons = await insert(
            web.db,
            *(
                Lesson(
                    school_id=w.school_id,
                    class_id=class_id,
                    subject_id=w.subjects["Математика"],
                    teacher_id=w.staff["math"],
                    date=dt.date(2026, 11, 23 + day),
                    slot=5,
                    created_at=now,
                )
                for day in range(4)
            ),
        )
        await insert(
            web.db,
            *(
                Mark(
                    school_id=w.school_id,
                    lesson_id=lesson,
                    student_id=s,
                    value=4,
                    work_type="oral",
                    created_at=now,
                )
                for lesson in lessons
                for s in students[:10]
            ),
        )


async def test_the_dashboard_reads_in_the_same_queries_whatever_the_school_s_size(
    web: Web,
) -> None:
    deputy = await deputy_on_friday(web)
    await deputy.get(f"/control?week={WEEK}")  # the session's first page records its use
    statements = counted(web.db)
    assert (await deputy.get(f"/control?week={WEEK}")).status_code == 200
    small = len(statements)
    await grow_the_school(web)
    statements.clear()
    page = await deputy.get(f"/control?week={WEEK}")
    assert len(table_rows(table(page.text, "by-place"))) == 12
    assert len(statements) == small, statements
    # The session check, the span, the journal's rules and the reach: 38; the homework
    # overload days (the school's set-up, pupils, homework) and the test schedule: 15.
    assert small <= 53, statements


async def test_a_period_of_another_school_is_not_found(web: Web) -> None:
    w = web.world
    [theirs] = await insert(
        web.db,
        Period(
            school_id=w.other_school_id,
            year_id=w.year_id,
            name="чужая",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2026, 10, 1),
        ),
    )
    deputy = await web.signed_in("deputy")
    assert (await deputy.get(f"/control?period={theirs}")).status_code == 404
