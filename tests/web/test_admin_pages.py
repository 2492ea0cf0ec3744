"""The administrator's set-up pages: forms that change the school through core, refusals
shown at the form with what was typed kept, and the secretary's read-only view.

SQLite only: the services behind these pages are tested on both databases in
tests/integration/test_school_setup.py.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from core.db import Database
from core.models import AuditEntry, School, Subject, TimetableEntry
from core.policy import policy_of
from tests.builders import NOW, build_world
from tests.web.browser import PASSWORD, Browser, Clock, Web
from tests.web.conftest import settings
from tests.web.pages import row_with, table_rows, text_of
from webapp.app import create_app

PAGES = (
    "/admin/school",
    "/admin/calendar",
    "/admin/classes",
    "/admin/subjects",
    "/admin/assignments",
    "/admin/timetable",
    "/admin/staff",
)


@pytest.fixture
async def site(sqlite_db: Database) -> AsyncIterator[Web]:
    world = await build_world(sqlite_db)
    clock = Clock(NOW)
    app = create_app(settings=settings(), database=sqlite_db, clock=clock)
    web = Web(db=sqlite_db, world=world, clock=clock, app=app)
    yield web
    for client in web.browsers:
        await client.aclose()


async def _admin(site: Web, path: str) -> Browser:
    browser = await site.signed_in("admin")
    await browser.get(path)
    return browser


async def test_school_name_time_zone_and_a_rule_are_saved(site: Web) -> None:
    browser = await _admin(site, "/admin/school")
    done = await browser.submit(
        "/admin/school",
        {"_form": "school", "name": "Школа №1 г. Саки", "timezone": "Europe/Simferopol"},
    )
    assert (done.status_code, done.headers["location"]) == (303, "/admin/school?saved=1")
    page = await browser.get(done.headers["location"])
    assert "Сохранено." in text_of(page.text)
    assert 'value="Europe/Simferopol"' in page.text
    form = {
        "_form": "policy",
        "homework_deadline": "fixed_time",
        "homework_fixed_time": "17:00",
        "grace_window_seconds": "180",
        "quiet_hours_start": "22:00",
        "electives_attendance_only": "on",
        "weight_test": "2,5",
    }
    assert (await browser.submit("/admin/school/policy", form)).status_code == 303
    async with site.db.session() as s:
        school = await s.get(School, site.world.school_id)
        assert school is not None
        policy = policy_of(school)
        audits = (await s.exec(select(AuditEntry).where(AuditEntry.entity == "school"))).all()
    assert (school.name, school.timezone) == ("Школа №1 г. Саки", "Europe/Simferopol")
    assert policy.homework_deadline == "fixed_time" and policy.grace_window_seconds == 180
    assert policy.work_type_weights["test"] == 2.5 and policy.electives_attendance_only
    assert [a.actor_id for a in audits] == [site.world.staff["admin"]] * 2


async def test_a_refused_rule_is_shown_at_its_form_and_keeps_what_was_typed(site: Web) -> None:
    browser = await _admin(site, "/admin/school")
    refused = await browser.submit(
        "/admin/school/policy",
        {"_form": "policy", "grace_window_seconds": "4000", "quiet_hours_end": "07:45"},
    )
    assert refused.status_code == 422
    assert (
        "«Окно исправления отметки, секунд»: нужно целое число от 0 до 3600, указано «4000»."
        in text_of(refused.text)
    )
    assert 'name="grace_window_seconds" size="6" value="4000"' in refused.text
    assert 'name="quiet_hours_end" size="6" value="07:45"' in refused.text
    # The other forms show the school as it is: nothing was saved.
    assert re.search(r'name="name" required data-limit="200" [^>]* value="Школа №1"', refused.text)
    async with site.db.session() as s:
        school = await s.get(School, site.world.school_id)
    assert school is not None and school.policy == {}


async def test_bells_are_saved_and_a_bad_row_comes_back_as_typed(site: Web) -> None:
    browser = await _admin(site, "/admin/school")
    rows = {"slot": ["1", "2", ""], "start": ["8:30", "09:25", ""], "end": ["09:15", "10:10", ""]}
    saved = await browser.submit("/admin/school/bells", {"_form": "bells", **rows})  # type: ignore[dict-item]
    assert saved.status_code == 303
    page = await browser.get("/admin/school")
    assert [row[:3] for row in table_rows(page.text)[:2]] == [["", "", ""], ["", "", ""]]
    assert 'name="start" size="5" placeholder="08:30" value="08:30"' in page.text
    bad = {"slot": ["1", "2"], "start": ["08:30", "09:10"], "end": ["09:15", "09:55"]}
    refused = await browser.submit("/admin/school/bells", {"_form": "bells", **bad})  # type: ignore[dict-item]
    assert refused.status_code == 422
    assert "2-й урок начинается в 09:10, раньше конца предыдущего (09:15)." in text_of(refused.text)
    assert 'value="09:10"' in refused.text and 'value="09:55"' in refused.text


async def test_periods_and_holidays_on_the_calendar_page(site: Web) -> None:
    year = site.world.year_id
    browser = await _admin(site, "/admin/calendar")
    added = await browser.submit(
        f"/admin/calendar/years/{year}/periods",
        {"_form": f"period-{year}", "name": "Год", "kind": "year", "starts_on": "2026-09-01",
         "ends_on": "2027-05-31"},
    )  # fmt: skip
    assert added.status_code == 303
    page = await browser.get("/admin/calendar")
    assert row_with(page.text, "Год")[:4] == ["Год", "год", "01.09.2026", "31.05.2027"]
    refused = await browser.submit(
        f"/admin/calendar/years/{year}/holidays",
        {"_form": f"holiday-{year}", "name": "день здоровья", "starts_on": "23.11.2026",
         "ends_on": "23.11.2026"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert "23.11.2026 в журнале уже есть 5 уроков: каникулы на эти дни не назначить." in text_of(
        refused.text
    )
    assert 'value="день здоровья"' in refused.text


async def test_a_class_an_assignment_and_a_timetable_lesson(site: Web) -> None:
    w = site.world
    browser = await _admin(site, "/admin/classes")
    made = await browser.submit(
        f"/admin/years/{w.year_id}/classes",
        {
            "_form": "class-new",
            "grade": "5",
            "letter": "в",
            "class_teacher_id": str(w.staff["english"]),
        },
    )
    assert made.status_code == 303
    page = await browser.get("/admin/classes")
    assert "5В" in [row[0] for row in table_rows(page.text)]
    again = await browser.submit(
        f"/admin/years/{w.year_id}/classes",
        {"_form": "class-new", "grade": "5", "letter": "В", "class_teacher_id": ""},
    )
    assert again.status_code == 422
    assert "Класс 5В в учебном году 2026/2027 уже есть." in text_of(again.text)

    await browser.get("/admin/assignments")
    assigned = await browser.submit(
        "/admin/assignments",
        {"_form": "assignment", "teacher_id": str(w.staff["english"]),
         "class_id": str(w.classes["10А"]), "subject_id": str(w.subjects["Английский язык"]),
         "group_id": ""},
    )  # fmt: skip
    assert assigned.status_code == 303
    page = await browser.get("/admin/assignments")
    assert row_with(page.text, "10А", "Английский язык")[:4] == [
        "10А", "весь класс", "Английский язык", "Смит А.",
    ]  # fmt: skip

    klass = w.classes["10А"]
    lesson = {
        "_form": "timetable", "class_id": str(klass), "weekday": "2", "slot": "3",
        "subject_id": str(w.subjects["Английский язык"]), "teacher_id": str(w.staff["english"]),
        "group_id": "", "room": "12",
    }  # fmt: skip
    assert (await browser.submit(f"/admin/classes/{klass}/timetable", lesson)).status_code == 303
    grid = await browser.get(f"/admin/timetable?class_id={klass}")
    third = row_with(grid.text, "Английский язык")
    assert third[0] == "3" and third[3].startswith("Английский язык Смит А., 12")
    clash = await browser.submit(
        f"/admin/classes/{klass}/timetable", {**lesson, "subject_id": str(w.subjects["Математика"]),
                                              "teacher_id": str(w.staff["math"])},
    )  # fmt: skip
    assert clash.status_code == 422
    assert "У 10А в этот день на 3-м уроке уже стоит «Английский язык»." in text_of(clash.text)
    assert "Расписание 10А" in text_of(clash.text)  # the same class's grid, not another's
    async with site.db.session() as s:
        assert len((await s.exec(select(TimetableEntry))).all()) == 1


def _ticked(page: str, form_id: str) -> dict[str, bool]:
    """The checkboxes of form `form_id` (the add form holds its own; a table row's point
    to their row's form) and whether each is ticked."""
    found = {}
    for tag in re.findall(r'<input type="checkbox"[^>]*>', page):
        name = re.search(r'name="(\w+)"', tag)
        owner = re.search(r'form="([\w-]+)"', tag)
        if name and (owner.group(1) if owner else "subject-new") == form_id:
            found[name.group(1)] = " checked" in tag
    return found


async def test_a_subject_says_whether_it_owes_homework_and_marks(site: Web) -> None:
    w = site.world
    browser = await _admin(site, "/admin/subjects")
    page = await browser.get("/admin/subjects")
    assert "Домашние задания" in text_of(page.text) and "Оценивается отметками" in text_of(
        page.text
    )
    # A new subject owes both unless the administrator unticks them.
    assert _ticked(page.text, "subject-new") == {"homework": True, "graded": True}
    made = await browser.submit(
        "/admin/subjects", {"_form": "subject-new", "name": "Физкультура", "graded": "on"}
    )
    assert made.status_code == 303
    robotics = w.subjects["Робототехника"]
    saved = await browser.submit(
        f"/admin/subjects/{robotics}",
        {"_form": f"subject-{robotics}", "name": "Робототехника", "homework": "on"},
    )
    assert saved.status_code == 303
    page = await browser.get("/admin/subjects")
    async with site.db.session() as s:
        rows = (await s.exec(select(Subject).where(Subject.school_id == w.school_id))).all()
        audits = (await s.exec(select(AuditEntry).where(AuditEntry.entity == "subject"))).all()
    flags = {row.name: (row.homework, row.graded) for row in rows}
    assert flags["Физкультура"] == (False, True) and flags["Робототехника"] == (True, False)
    assert flags["Математика"] == (True, True)
    assert [a.action for a in audits] == ["create", "update"]
    pe = next(row.id for row in rows if row.name == "Физкультура")
    assert _ticked(page.text, f"subject-{pe}") == {"homework": False, "graded": True}
    assert _ticked(page.text, f"subject-{robotics}") == {"homework": True, "graded": False}

    # Refused, the form comes back as it was sent: the boxes as ticked, nothing saved.
    refused = await browser.submit(
        f"/admin/subjects/{robotics}",
        {"_form": f"subject-{robotics}", "name": "Математика", "graded": "on"},
    )
    assert refused.status_code == 422
    assert "Предмет «Математика» уже есть." in text_of(refused.text)
    assert _ticked(refused.text, f"subject-{robotics}") == {"homework": False, "graded": True}
    assert _ticked(refused.text, f"subject-{pe}") == {"homework": False, "graded": True}
    async with site.db.session() as s:
        kept = await s.get(Subject, robotics)
    assert kept is not None and (kept.homework, kept.graded) == (True, False)

    reader = await site.signed_in("secretary")
    listed = await reader.get("/admin/subjects")
    assert row_with(listed.text, "Робототехника") == ["Робототехника", "", "да", "нет"]
    assert row_with(listed.text, "Физкультура") == ["Физкультура", "", "нет", "да"]


async def test_staff_accounts_opened_invited_locked_and_unlocked(site: Web) -> None:
    browser = await _admin(site, "/admin/staff")
    opened = await browser.submit(
        "/admin/staff",
        {"_form": "staff-new", "login": "Volkova", "last_name": "Волкова", "first_name": "Ирина",
         "middle_name": "", "roles": ["teacher", "deputy"], "password": PASSWORD},  # type: ignore[dict-item]
    )  # fmt: skip
    assert opened.status_code == 303
    page = await browser.get("/admin/staff")
    row = row_with(page.text, "volkova")
    assert row[:3] == ["volkova", "Волкова Ирина", "учитель, заместитель директора"]
    newcomer = site.browser()
    assert (await newcomer.login("volkova")).status_code == 303

    substitute = site.world.staff["substitute"]
    invited = await browser.submit(
        f"/admin/staff/{substitute}/invite", {"_form": f"staff-{substitute}"}
    )
    assert invited.status_code == 201
    assert "Код приглашения для Сидорова Е.В.:" in text_of(invited.text)
    assert "больше он показан не будет" in text_of(invited.text)

    preview = await browser.get(f"/admin/staff/{substitute}/lock?since=2026-11-23T09:00")
    assert preview.status_code == 200
    assert "Будет аннулировано 0 записей, внесённых с этой учётной записи с 23.11.2026, 09:00" in (
        text_of(preview.text)
    )
    locked = await browser.submit(
        f"/admin/staff/{substitute}/lock", {"since": "2026-11-23T09:00", "confirm": "yes"}
    )
    assert locked.status_code == 200
    assert "Учётная запись Сидорова Е.В. заблокирована." in text_of(locked.text)
    page = await browser.get("/admin/staff")
    assert "заблокирован(а) 23.11.2026, 10:00" in row_with(page.text, "substitute@1")[3]
    short = await browser.submit(
        f"/admin/staff/{substitute}/unlock", {"_form": f"staff-{substitute}", "password": "123"}
    )
    assert short.status_code == 422
    assert "Пароль слишком короткий" in text_of(short.text)
    unlocked = await browser.submit(
        f"/admin/staff/{substitute}/unlock", {"_form": f"staff-{substitute}", "password": PASSWORD}
    )
    assert unlocked.status_code == 303
    assert (await site.browser().login("substitute@1")).status_code == 303


async def test_the_secretary_reads_the_set_up_without_forms(site: Web) -> None:
    browser = await site.signed_in("secretary")
    for path in PAGES:
        page = await browser.get(path)
        assert page.status_code == 200, path
        assert "Просмотр: изменения вносит администратор школы." in text_of(page.text)
        assert 'method="post" action="/admin' not in page.text, path
    refused = await browser.submit("/admin/subjects", {"_form": "subject-new", "name": "Физика"})
    assert refused.status_code == 403
    assert "это действие доступно только администрации школы" in text_of(refused.text)


async def test_a_teacher_and_the_deputy_have_no_set_up_pages(site: Web) -> None:
    for who in ("math", "deputy"):
        browser = await site.signed_in(who)
        assert (await browser.get("/admin/classes")).status_code == 403
        assert "/admin/school" not in (await browser.get("/tokens")).text  # not offered


async def test_the_set_up_pages_in_english(site: Web) -> None:
    browser = await _admin(site, "/admin/school")
    await browser.submit("/language", {"lang": "en", "next": "/admin/school"})
    page = await browser.get("/admin/school")
    assert "Grace window for a mark, seconds" in text_of(page.text)
    assert "Bell schedule" in text_of(page.text)
    refused = await browser.submit(
        "/admin/subjects", {"_form": "subject-new", "name": "Математика"}
    )
    assert "Subject “Математика” already exists." in text_of(refused.text)


async def test_the_school_chooses_its_messengers_and_must_keep_one(site: Web) -> None:
    browser = await _admin(site, "/admin/school")
    page = browser.last
    assert page is not None
    assert re.search(r'name="messengers" value="telegram" checked', page.text)
    assert re.search(r'name="messengers" value="max">', page.text)
    none = await browser.submit("/admin/school/policy", {"_form": "policy", "messengers": ""})
    assert none.status_code == 422
    assert (
        "«Мессенджеры школы»: выберите хотя бы один мессенджер, Telegram или MAX, "
        "для сообщений родителям и бота." in text_of(none.text)
    )
    both = {"_form": "policy", "messengers": ["", "max", "telegram"]}
    assert (await browser.submit("/admin/school/policy", both)).status_code == 303  # type: ignore[arg-type]
    async with site.db.session() as s:
        school = await s.get(School, site.world.school_id)
    assert school is not None and policy_of(school).messengers == ["telegram", "max"]
    shown = await browser.get("/admin/school")
    assert re.search(r'name="messengers" value="max" checked', shown.text)
