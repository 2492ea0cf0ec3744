"""The journal book's grid layout: lessons by date, each period's mark after its last
lesson and the year's at the end, split into sheets a page wide; no I/O."""

from __future__ import annotations

import datetime as dt

from core.reading.journal_book_content import (
    BookLesson,
    BookLine,
    BookPage,
    JournalBook,
    JournalBookContent,
)
from core.reading.statement import StatementContent, StatementPeriod
from core.reports.journal_book import COLUMNS_PER_SHEET, Column, columns, sheets

D = dt.date
Q1 = StatementPeriod(1, "1 четверть", "quarter", D(2026, 9, 1), D(2026, 10, 25))
Q2 = StatementPeriod(2, "2 четверть", "quarter", D(2026, 11, 5), D(2026, 12, 28))
YEAR = StatementPeriod(3, "Год", "year", D(2026, 9, 1), D(2027, 5, 31))


def book_with(lessons: list[dt.date], *, graded: bool = True) -> tuple[JournalBook, BookPage]:
    page = BookPage(
        subject="Математика",
        group=None,
        teachers="Иванова М.П.",
        graded=graded,
        lessons=tuple(BookLesson(day, 2, "", "") for day in lessons),
        lines=(BookLine("Соколов Пётр", None, tuple("" for _ in lessons), ("5", "", "5")),),
    )
    summary = StatementContent("Школа", "7Б", "2026/2027", (Q1, Q2, YEAR), (), (), True)
    content = JournalBookContent(
        "Школа", "7Б", "2026/2027", None, D(2026, 9, 1), D(2027, 5, 31), "",
        (Q1, Q2, YEAR), (page,), summary, (),
    )  # fmt: skip
    generated = dt.datetime(2027, 6, 1, 10, tzinfo=dt.UTC)
    return JournalBook(2, content, generated, "Europe/Moscow"), page


def test_a_period_s_mark_follows_its_last_lesson_and_the_year_s_ends_the_line() -> None:
    book, page = book_with([D(2026, 10, 5), D(2026, 10, 20), D(2026, 11, 16)])
    assert columns(book, page) == [
        Column(lesson=0),
        Column(lesson=1),
        Column(period=0),  # the first quarter, after 20 October
        Column(lesson=2),
        Column(period=1),
        Column(period=2),  # the year
    ]


def test_attendance_only_pages_have_no_mark_columns() -> None:
    book, page = book_with([D(2026, 10, 5)], graded=False)
    assert columns(book, page) == [Column(lesson=0)]


def test_a_long_year_is_split_into_page_wide_sheets() -> None:
    days = [D(2026, 9, 1) + dt.timedelta(days=i) for i in range(40)]  # 1 Sep – 10 Oct
    book, page = book_with(days)
    found = list(sheets(book, page, "ru"))
    assert [len(s.columns) for s in found] == [COLUMNS_PER_SHEET, 40 + 3 - COLUMNS_PER_SHEET]
    assert [(s.part, s.parts, s.first) for s in found] == [(1, 2, 1), (2, 2, 29)]
    assert found[0].months == (("сентябрь", 28),)
    assert found[1].months == (("сентябрь", 2), ("октябрь", 10), ("", 3))
    assert [x.date for x in found[1].lessons][:1] == [D(2026, 9, 29)]
