"""The summary statement (сводная ведомость): on screen, as PDF and XLSX, with hashes.

Period marks are set through core by the subject teachers; the deputy director reads
the statement, exports it, and checks that each file's SHA-256 is the hash of the
bytes downloaded and that the content hash printed inside is the hash of the
statement's canonical JSON.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from core.models import Period
from core.reading.access import ReadingUnit
from core.reading.statement import (
    Cell,
    Statement,
    StatementContent,
    StatementPeriod,
    StatementRow,
    read_statement,
)
from core.reports.statement import blocks, statement_pdf
from core.services.period_marks import set_period_mark
from core.services.roster import transfer_student
from tests.builders import TODAY, insert, uow_at
from tests.web.browser import Web
from tests.web.pages import row_with, table_rows, text_of
from tests.web.pdfs import page_size, pages_text, save_png

# Both databases, each test: the statement's hashes cover values as each database hands them back.
pytestmark = pytest.mark.both_databases


@pytest.fixture
def web(web_on_both_databases: Web) -> Web:
    """On SQLite and PostgreSQL: these requests exercise the database's own behaviour."""
    return web_on_both_databases


D = dt.date
MOSCOW = ZoneInfo("Europe/Moscow")
MADE = "23.11.2026 10:00"  # the web fixture's clock, on the school's, in the files
SHOWN = "23.11.2026, 10:00"  # the same on the page (Babel's Russian date and time)


async def give_marks(web: Web) -> int:
    """7Б's period marks as the teachers set them; returns the year period's id."""
    w = web.world
    [year] = await insert(
        web.db,
        Period(
            school_id=w.school_id,
            year_id=w.year_id,
            name="Год",
            kind="year",
            starts_on=D(2026, 9, 1),
            ends_on=D(2027, 5, 31),
        ),
    )
    q1, q2 = w.periods["1 четверть"], w.periods["2 четверть"]
    marks = [
        ("math", q1, "petya", "Математика", "4", "preliminary"),
        ("math", q1, "petya", "Математика", "5", "final"),
        ("math", q1, "masha", "Математика", "4", "final"),
        ("math", q1, "vanya", "Математика", "н/а", "final"),
        ("russian", q1, "petya", "Русский язык", "3", "final"),
        ("english", q1, "petya", "Английский язык", "осв", "final"),
        ("math", q2, "masha", "Математика", "5", "preliminary"),
        ("math", year, "petya", "Математика", "5", "final"),
    ]
    for teacher, period, student, subject, value, kind in marks:
        await set_period_mark(
            uow_at(web.db),
            actor=w.actor(teacher),
            period_id=period,
            student_id=w.students[student],
            subject_id=w.subjects[subject],
            value=value,
            kind=kind,
        )
    return year


async def test_the_deputy_reads_period_and_year_marks_of_a_class(web: Web) -> None:
    await give_marks(web)
    browser = await web.signed_in("deputy")
    page = await browser.get(f"/statement/{web.world.classes['7Б']}")
    assert page.status_code == 200
    assert "Сводная ведомость 7Б, 2026/2027" in text_of(page.text)
    # Subjects in alphabetical order, each with 1–4 ч and год; robotics is an elective
    # (attendance only), so it has no column.
    blank = [""] * 4
    assert row_with(page.text, "Соколов Пётр") == [
        "2", "Соколов Пётр",
        "осв", *blank,
        "5", "", "", "", "5",
        "3", *blank,
        "4,00", "", "", "", "5,00",
    ]  # fmt: skip
    assert row_with(page.text, "Соколова Мария")[7:9] == ["4", "5*"]  # the 2nd is preliminary
    assert row_with(page.text, "Новиков Иван")[7] == "н/а"
    assert row_with(page.text, "Средний балл класса")[7:12] == ["4,50", "5,00", "", "", "5,00"]
    assert "Робототехника" not in page.text


async def test_who_reads_the_statement(web: Web) -> None:
    klass = web.world.classes["7Б"]
    teacher = await web.signed_in("russian")  # the class teacher of 7Б
    assert (await teacher.get(f"/statement/{klass}")).status_code == 200
    index = await teacher.get("/statement")
    assert f'href="/statement/{klass}"' in index.text
    assert f'href="/statement/{web.world.classes["10А"]}"' not in index.text
    math = await web.signed_in("math")  # teaches 7Б, but is not its class teacher
    refused = await math.get(f"/statement/{klass}")
    assert refused.status_code == 403
    assert "сводную ведомость класса видят его классный руководитель" in text_of(refused.text)
    assert "Вам не доступна ни одна ведомость" in text_of((await math.get("/statement")).text)
    stranger = await web.signed_in("stranger")
    assert (await stranger.get(f"/statement/{klass}")).status_code == 404


async def test_a_pdf_export_carries_its_content_hash_and_is_archived_with_its_own(
    web: Web,
) -> None:
    await give_marks(web)
    klass = web.world.classes["7Б"]
    browser = await web.signed_in("deputy")
    await browser.get(f"/statement/{klass}")
    made = await browser.submit(f"/statement/{klass}/exports", {"format": "pdf"})
    assert made.status_code == 303
    page = await browser.get(made.headers["location"])
    assert "Файл сформирован и сохранён в архиве." in text_of(page.text)
    statement = await read_statement(
        ReadingUnit(web.db, clock=web.clock), actor=web.world.actor("deputy"), class_id=klass
    )
    content_hash = statement.content_sha256
    export = row_with(page.text, "PDF")
    assert export[:3] == [SHOWN, "Орлова Т.Б.", "PDF"]
    assert export[4] == content_hash

    link = page.text.split('href="/statement/exports/')[1].split('"')[0]
    download = await browser.get(f"/statement/exports/{link}")
    pdf = download.content
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-sha256"] == hashlib.sha256(pdf).hexdigest() == export[5]
    assert download.headers["x-statement-content-sha256"] == content_hash
    assert (
        "svodnaia-vedomost-7b-2026-2027-20261123-1000.pdf"
        in (download.headers["content-disposition"])
    )

    assert page_size(pdf) == (842, 595)  # A4 landscape
    [text] = pages_text(pdf)
    assert "Сводная ведомость итоговых отметок" in text and "2026/2027" in text
    assert "1 Новиков Иван н/а" in text
    assert "2 Соколов Пётр осв 5 5 3 4,00 5,00" in text
    assert "3 Соколова Мария 4 5* 4,00 5,00" in text
    assert "* — предварительная отметка" in text
    assert f"Сформировано {MADE} (Europe/Moscow)" in text
    assert f"SHA-256 содержимого: {content_hash}" in text  # the page's footer has it too
    assert text.count(content_hash) == 2
    assert "Классный руководитель Петров С.И." in text
    save_png(pdf, "statement_7b.png")


async def test_an_xlsx_export_through_the_api_opens_with_its_cells(web: Web) -> None:
    await give_marks(web)
    w = web.world
    token = await web.api_token("deputy", name="archive")
    api = web.browser().client
    auth = {"Authorization": f"Bearer {token.secret}"}

    read = await api.get(f"/api/v1/classes/{w.classes['7Б']}/statement", headers=auth)
    body = read.json()
    canonical = json.dumps(
        body["content"], sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()
    assert body["content_sha256"] == hashlib.sha256(canonical).hexdigest()
    assert body["content"]["subjects"] == ["Английский язык", "Математика", "Русский язык"]

    made = await api.post(
        f"/api/v1/classes/{w.classes['7Б']}/statement/exports",
        json={"format": "xlsx"},
        headers=auth,
    )
    assert made.status_code == 201, made.text
    export = made.json()
    assert export["content_sha256"] == body["content_sha256"]
    download = await api.get(export["url"], headers=auth)
    data = download.content
    assert hashlib.sha256(data).hexdigest() == export["file_sha256"]
    assert download.headers["x-content-sha256"] == export["file_sha256"]
    listed = await api.get(f"/api/v1/classes/{w.classes['7Б']}/statement/exports", headers=auth)
    assert [e["file_sha256"] for e in listed.json()] == [export["file_sha256"]]

    sheet = load_workbook(io.BytesIO(data))["7Б"]
    assert sheet["A1"].value == "Сводная ведомость итоговых отметок"
    assert [sheet.cell(row=5, column=c).value for c in (1, 2, 3, 8, 13, 18)] == [
        "№", "Фамилия, имя, отчество", "Английский язык", "Математика", "Русский язык",
        "Средний балл",
    ]  # fmt: skip
    assert [sheet.cell(row=6, column=c).value for c in range(8, 13)] == [
        "1 ч", "2 ч", "3 ч", "4 ч", "год",
    ]  # fmt: skip
    names = [sheet.cell(row=r, column=2).value for r in (7, 8, 9)]
    assert names == ["Новиков Иван", "Соколов Пётр", "Соколова Мария"]
    petya = [sheet.cell(row=8, column=c).value for c in range(3, 23)]
    assert petya[0] == "осв" and petya[5] == 5 and petya[9] == 5 and petya[10] == 3
    assert petya[15:] == [4.0, None, None, None, 5.0]
    masha_q2 = sheet.cell(row=9, column=9)
    assert masha_q2.value == 5 and masha_q2.font.italic  # preliminary
    assert sheet.cell(row=10, column=2).value == "Средний балл класса"
    assert sheet.cell(row=10, column=8).value == 4.5
    footer = [str(sheet.cell(row=r, column=2).value) for r in range(11, sheet.max_row + 1)]
    assert f"Сформировано {MADE} (Europe/Moscow)" in footer
    assert f"SHA-256 содержимого: {body['content_sha256']}" in footer


async def test_the_content_hash_follows_the_marks_not_the_clock(web: Web) -> None:
    await give_marks(web)
    w = web.world

    async def content_hash() -> str:
        statement = await read_statement(
            ReadingUnit(web.db, clock=web.clock), actor=w.actor("admin"), class_id=w.classes["7Б"]
        )
        return statement.content_sha256

    first = await content_hash()
    web.clock.advance(hours=3)
    assert await content_hash() == first
    await set_period_mark(
        uow_at(web.db),
        actor=w.actor("russian"),
        period_id=w.periods["1 четверть"],
        student_id=w.students["petya"],
        subject_id=w.subjects["Русский язык"],
        value="4",
    )
    assert await content_hash() != first


async def test_a_pupil_who_moved_stays_in_the_old_class_statement(web: Web) -> None:
    await give_marks(web)
    w = web.world
    await transfer_student(
        uow_at(web.db),
        actor=w.actor("secretary"),
        student_id=w.students["vanya"],
        to_class_id=w.classes["10А"],
        on=D(2026, 11, 10),
    )
    browser = await web.signed_in("admin")
    old = await browser.get(f"/statement/{w.classes['7Б']}")
    assert row_with(old.text, "Новиков Иван")[1] == "Новиков Иван (выбыл(а) 09.11.2026)"
    new = await browser.get(f"/statement/{w.classes['10А']}")
    assert [row[1] for row in table_rows(new.text)[:2]] == ["Морозова Елена", "Новиков Иван"]
    first = await browser.get(f"/statement/{w.classes['1А']}")
    assert "В этом классе отметки не выставляются." in text_of(first.text)


async def test_an_unknown_export_format_is_refused(web: Web) -> None:
    klass = web.world.classes["7Б"]
    browser = await web.signed_in("deputy")
    await browser.get(f"/statement/{klass}")
    refused = await browser.submit(f"/statement/{klass}/exports", {"format": "docx"})
    assert refused.status_code == 422
    assert "Формат «docx» не поддерживается: возможны pdf, xlsx." in text_of(refused.text)
    page = await browser.get(f"/statement/{klass}")
    assert "Выгрузок ещё не было." in text_of(page.text)


def test_a_school_with_many_subjects_prints_them_in_page_wide_blocks() -> None:
    quarters = [
        StatementPeriod(n, f"{n} четверть", "quarter", D(2026, 9, 1), D(2026, 10, 25))
        for n in range(1, 5)
    ]
    periods = (*quarters, StatementPeriod(5, "Год", "year", D(2026, 9, 1), D(2027, 5, 31)))
    subjects = tuple(f"Предмет {n:02d}" for n in range(1, 13))
    row = StatementRow(
        1,
        "Соколов Пётр",
        None,
        tuple((Cell("5"), None, None, None, Cell("4", preliminary=True)) for _ in subjects),
        (5.0, None, None, None, 4.0),
    )
    content = StatementContent(
        "Школа №1", "9А", "2026/2027", periods, subjects, (row,), marks_given=True
    )
    statement = Statement(
        1, content, None, dt.datetime(2026, 11, 23, 10, 0, tzinfo=MOSCOW), "Europe/Moscow"
    )
    assert [(b.subjects, b.averages) for b in blocks(statement)] == [
        ((0, 1, 2, 3, 4), False),
        ((5, 6, 7, 8, 9), False),
        ((10, 11), True),
    ]
    pdf = statement_pdf(statement)
    texts = pages_text(pdf)
    assert len(texts) == 3
    assert all("Соколов Пётр" in text and "стр." in text for text in texts)
    assert "Предмет 11" in texts[2] and "Средний балл" in texts[2]
    save_png(pdf, "statement_many_subjects.png", index=0)


def test_names_with_typst_markup_print_as_typed_in_the_archived_statement() -> None:
    """Names, subjects and the school's name are data to the template: Typst's markup
    in them prints literally; the archive's copy is PDF/A-3b."""
    odd = ('#panic("x") Иванов', "*Петров* _Пётр_", "Сидоров ] $1$ <b> @x \\ //")
    periods = (StatementPeriod(1, "1 четверть", "quarter", dt.date(2026, 9, 1), TODAY),)
    rows = tuple(
        StatementRow(n, name, None, ((Cell("5"),),), (5.0,)) for n, name in enumerate(odd, start=1)
    )
    content = StatementContent(
        "Школа #set page(flipped: false)", "7Б", "2026/2027", periods, ("*Химия*",), rows, True
    )
    made = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    pdf = statement_pdf(Statement(1, content, None, made, "Europe/Moscow"), fingerprint="ab" * 32)
    [text] = pages_text(pdf)
    assert page_size(pdf) == (842, 595)
    for typed in (*odd, "Школа #set page(flipped: false)", "*Химия*", "ab" * 32):
        assert typed in text, typed
    assert b"<pdfaid:part>3</pdfaid:part>" in pdf and b"<pdfaid:conformance>B<" in pdf
