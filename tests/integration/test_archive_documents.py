"""The archive's documents: a year's journal book and statement per class, read back as a
person reads the printed pages; their hashes; who may make them; retention."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy import event
from sqlmodel import select

from core.audit.chain import ChainHead, read_heads
from core.db import Database
from core.errors import Forbidden, NotFound
from core.models import ArchiveDocument, School, SchoolClass
from core.reading.access import ReadingUnit
from core.reading.journal_book import journal_book_of
from core.reading.journal_book_content import (
    BookCorrection,
    BookLesson,
    BookLine,
    BookPage,
    JournalBook,
    JournalBookContent,
)
from core.reading.statement import StatementContent, StatementPeriod
from core.reports.journal_book import journal_book_pdf
from core.services.archive import archive_period, archive_year, keep_until
from tests.builders import build_world, uow_at, update_row
from tests.integration.archive_helpers import REASON, fill_journal
from tests.web.pdfs import page_size, pages_text, save_png


async def test_the_journal_book_reads_as_the_journal(sqlite_db: Database) -> None:
    w = await build_world(sqlite_db)
    await fill_journal(sqlite_db, w)
    kept = await archive_year(uow_at(sqlite_db), actor=w.actor("admin"), year_id=w.year_id)
    books = {(d.kind, d.class_id): d for d in kept}
    assert len(kept) == 6  # 1А, 7Б, 10А: a journal book and a statement each
    book = books[("journal_book", w.classes["7Б"])]
    pdf = bytes(book.data)
    save_png(pdf, "journal-book-title.png", 0)
    pages = pages_text(pdf)
    maths = next(i for i, p in enumerate(pages) if p.startswith("Математика"))
    save_png(pdf, "journal-book-grid.png", maths)
    save_png(pdf, "journal-book-lessons.png", maths + 1)
    save_png(pdf, "journal-book-closing.png", len(pages) - 1)
    assert page_size(pdf) == (842, 595)  # A4 landscape
    title = pages[0]
    for words in ("КЛАССНЫЙ ЖУРНАЛ", "Школа №1", "Класс 7Б", "2026/2027", "Петров Сергей Ильич"):
        assert words in title
    text = " ".join(pages)
    # Maths: the grid with dates, marks, absences, the period marks, then the lessons.
    [grid] = [p for p in pages if p.startswith("Математика ") and "Линейные" not in p]
    assert "октябрь" in grid and "ноябрь" in grid
    # 5 Oct, the first quarter's mark after its last lesson, 16 Nov (late, then a 3), the year.
    assert "Соколов Пётр 5 5 оп 3 5" in grid
    assert "Соколова Мария 4 4" in grid  # Q1, then 16 Nov's mark as corrected (from 2)
    assert re.search(r"Новиков Иван н ", grid), grid
    [lessons] = [p for p in pages if "Математика — уроки и домашние задания" in p]
    for words in (
        "05.10.2026 Обыкновенные дроби № 112, 114",
        "16.11.2026 Линейные уравнения",
        "23.11.2026 Проценты",
    ):
        assert words in lessons
    assert "Причастный оборот" in text and re.search(r"Соколова Мария б", text)
    closing = pages[-1]
    assert "Итоговые отметки за четверти (полугодия) и год" in closing
    assert "Исправления после закрытия" in closing
    assert REASON in closing and "Белов И.А." in closing and "Отметка" in closing
    assert "Директор" in closing and "М.П." in closing
    # Every page's footer: the content hash and the audit chain's fingerprint.
    head = ChainHead(w.school_id, book.chain_seq, book.chain_hash)
    for page in pages:
        assert book.content_sha256 in page.replace(" ", "")
        assert head.fingerprint in page
    assert hashlib.sha256(pdf).hexdigest() == book.file_sha256 and book.size == len(pdf)
    assert pdfa_part(pdf) == "3"  # PDF/A-3, as its XMP metadata declares


def pdfa_part(pdf: bytes) -> str | None:
    """The PDF/A part the document's XMP metadata declares (`pdfaid:part`)."""
    reader = PdfFileReader(io.BytesIO(pdf))
    xmp = reader.root["/Metadata"].get_object().data.decode()
    found = re.search(r"pdfaid:part(?:>|=\")(\d)", xmp)
    return found.group(1) if found else None


async def test_the_content_hash_is_the_hash_of_the_book_s_data(sqlite_db: Database) -> None:
    w = await build_world(sqlite_db)
    await fill_journal(sqlite_db, w)
    [book, *_] = await archive_year(uow_at(sqlite_db), actor=w.actor("deputy"), year_id=w.year_id)
    uow = ReadingUnit(sqlite_db, clock=uow_at(sqlite_db).clock)
    async with uow:
        klass = await uow.session.get(SchoolClass, book.class_id)
        assert klass is not None
        again = await journal_book_of(uow, klass)
        heads = await read_heads(uow.session)
    assert again.content_sha256 == book.content_sha256
    assert again.content.canonical().decode().startswith("{")
    # The head stored is the chain's as it stood when the book was made.
    assert heads[w.school_id].seq > book.chain_seq > 0


async def test_only_the_administrator_and_the_deputy_archive(sqlite_db: Database) -> None:
    w = await build_world(sqlite_db)
    for who in ("math", "russian", "secretary"):
        with pytest.raises(Forbidden):
            await archive_year(uow_at(sqlite_db), actor=w.actor(who), year_id=w.year_id)
    with pytest.raises(NotFound):  # another school's year does not exist for its staff
        await archive_year(uow_at(sqlite_db), actor=w.actor("stranger"), year_id=w.year_id)


async def test_a_period_s_printouts_and_retention(sqlite_db: Database) -> None:
    w = await build_world(sqlite_db)
    await fill_journal(sqlite_db, w)
    policy = {"journal_retention_years": 6, "statement_retention_years": 30}
    await update_row(sqlite_db, School, w.school_id, policy=policy)
    q1 = w.periods["1 четверть"]
    kept = await archive_period(uow_at(sqlite_db), actor=w.actor("deputy"), period_id=q1)
    assert {d.period_id for d in kept} == {q1}
    until = {d.kind: d.keep_until for d in kept}
    assert until == {"journal_book": dt.date(2033, 5, 31), "statement": dt.date(2057, 5, 31)}
    [book] = [d for d in kept if d.kind == "journal_book" and d.class_id == w.classes["7Б"]]
    text = " ".join(pages_text(bytes(book.data)))
    assert "1 четверть" in text and "Обыкновенные дроби" in text
    assert "Линейные уравнения" not in text  # 16 November is in the second quarter
    assert book.filename == "klassnyi-zhurnal-7b-2026-2027-1-chetvert.pdf"
    async with sqlite_db.session() as s:
        rows = (await s.exec(select(ArchiveDocument))).all()
    assert len(rows) == 6


def test_retention_counts_from_the_year_s_end() -> None:
    assert keep_until(dt.date(2027, 5, 31), 5) == dt.date(2032, 5, 31)
    assert keep_until(dt.date(2028, 2, 29), 1) == dt.date(2029, 2, 28)


async def _queries_to_read_the_book(db: Database, class_id: int) -> int:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        uow = ReadingUnit(db, clock=uow_at(db).clock)
        async with uow:
            klass = await uow.session.get(SchoolClass, class_id)
            assert klass is not None
            await journal_book_of(uow, klass)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    return len(statements)


async def test_the_book_is_read_in_a_fixed_number_of_queries(sqlite_db: Database) -> None:
    w = await build_world(sqlite_db)
    klass = w.classes["7Б"]
    empty = await _queries_to_read_the_book(sqlite_db, klass)
    await fill_journal(sqlite_db, w)  # lessons, marks, absences, homework, a correction
    assert await _queries_to_read_the_book(sqlite_db, klass) == empty


def test_what_teachers_typed_prints_as_typed_in_the_journal_book() -> None:
    """Topics, homework, names and reasons are data to the book's template: Typst's
    markup in them prints literally, on every sheet of a long year."""
    q1 = StatementPeriod(1, "1 четверть", "quarter", dt.date(2026, 9, 1), dt.date(2026, 10, 25))
    days = [dt.date(2026, 9, 1) + dt.timedelta(days=i) for i in range(40)]
    topic, homework = '#panic("x") *Дроби* _тема_', "№ 5 ] $x$ <b> @ref \\ // стр. 10"
    page = BookPage(
        subject="Математика",
        group=None,
        teachers="Иванова М.П.",
        graded=True,
        lessons=tuple(BookLesson(day, 2, topic, homework) for day in days),
        lines=(BookLine("*Соколов* Пётр", None, ("5",) * len(days), ("4",)),),
    )
    summary = StatementContent("Школа", "7Б", "2026/2027", (q1,), (), (), True)
    fix = BookCorrection(
        dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC), "mark", "Математика", "*Соколов* Пётр",
        days[0], "2", "5", "Приказ #12 = {x}", "Белов И.А.",
    )  # fmt: skip
    content = JournalBookContent(
        "Школа", "7Б", "2026/2027", None, days[0], days[-1], "", (q1,), (page,), summary, (fix,),
    )  # fmt: skip
    book = JournalBook(2, content, dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC), "Europe/Moscow")
    pdf = journal_book_pdf(book, fingerprint="cd" * 32)
    pages = pages_text(pdf)
    assert len(pages) == 6  # the title, two sheets of the grid and their lessons, closing
    assert pages[1].startswith("Математика (1/2)") and "*Соколов* Пётр" in pages[1]
    assert topic in pages[2] and homework in pages[2] and homework in pages[4]
    assert "Приказ #12 = {x}" in pages[5]
    assert pdfa_part(pdf) == "3"
