"""The journal book (классный журнал) as a PDF to print, bind and sign (A4 landscape).

The paper journal's layout (seed 002 §3.4): a title page; per subject a spread, the
marks-and-attendance grid (pupils down, lesson dates across, the period mark after
each period's last date and the year mark at the end of the line) and the lessons'
page (date, topic, homework); then the summary of period and year marks, the
corrections made after closing, and the director's signature and seal. Every page's
footer carries the content's SHA-256 and the audit chain's fingerprint.

The PDF is set by Typst (templates/journal_book.typ) as PDF/A-3b (Typst's
`pdf_standards`), its fonts embedded, so a copy opened in 25 years looks as printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from babel import dates as babel_dates

from core import formats
from core.i18n import DEFAULT_LANGUAGE, STAFF_LANGUAGES, Texts, texts
from core.reading.journal_book_content import BookLesson, BookLine, BookPage, JournalBook
from core.reading.statement import Statement
from core.reports.filenames import slug
from core.reports.pdf import typeset_pdf
from core.reports.statement import Block, average_text, blocks, cell_text

# A4 landscape, 10 mm margins: 277 mm; the number and name columns take 51, so 28
# columns of 7.5 mm fit the rest: a paper journal's page has about as many dates.
COLUMNS_PER_SHEET = 28


@dataclass(frozen=True)
class Column:
    """A grid column: a lesson (its index in the page's lessons) or a period's mark."""

    lesson: int | None = None
    period: int | None = None


@dataclass(frozen=True)
class Sheet:
    """One printed spread of a subject: the grid's columns and the lessons they show."""

    page: BookPage
    columns: tuple[Column, ...]
    months: tuple[tuple[str, int], ...]  # the month row: (name, columns it spans)
    lessons: tuple[BookLesson, ...]
    first: int  # the number of its first lesson on the lessons' page
    part: int  # 1, 2…: the spreads of one subject
    parts: int


def columns(book: JournalBook, page: BookPage) -> list[Column]:
    """Lessons by date, each period's mark after its last lesson, the year's at the end."""
    periods = book.content.periods
    terms = [i for i, p in enumerate(periods) if p.kind != "year"] if page.graded else []
    years = [i for i, p in enumerate(periods) if p.kind == "year"] if page.graded else []
    found: list[Column] = []
    for index, lesson in enumerate(page.lessons):
        while terms and periods[terms[0]].ends_on < lesson.date:
            found.append(Column(period=terms.pop(0)))
        found.append(Column(lesson=index))
    return [*found, *(Column(period=i) for i in terms + years)]


def sheets(book: JournalBook, page: BookPage, language: str) -> Iterator[Sheet]:
    every = columns(book, page) or [Column()]
    chunks = [every[i : i + COLUMNS_PER_SHEET] for i in range(0, len(every), COLUMNS_PER_SHEET)]
    done = 0
    for part, chunk in enumerate(chunks, start=1):
        lessons = tuple(page.lessons[c.lesson] for c in chunk if c.lesson is not None)
        yield Sheet(
            page, tuple(chunk), _months(page, chunk, language), lessons, done + 1, part, len(chunks)
        )
        done += len(lessons)


def _months(page: BookPage, chunk: list[Column], language: str) -> tuple[tuple[str, int], ...]:
    found: list[tuple[str, int]] = []
    for column in chunk:
        name = (
            babel_dates.format_date(
                page.lessons[column.lesson].date, "LLLL", locale=formats.babel_locale(language)
            )
            if column.lesson is not None
            else ""
        )
        if found and found[-1][0] == name:
            found[-1] = (name, found[-1][1] + 1)
        else:
            found.append((name, 1))
    return tuple(found)


def filename(book: JournalBook) -> str:
    """ "klassnyi-zhurnal-7b-2026-2027.pdf", "…-2026-2027-1-chetvert.pdf" for a period."""
    content = book.content
    who = slug(f"{content.class_name} {content.year}") or "klass"
    span = f"-{slug(content.period.name)}" if content.period else ""
    return f"klassnyi-zhurnal-{who}{span}.pdf"


def journal_book_data(book: JournalBook, *, fingerprint: str, language: str) -> dict[str, Any]:
    """What the book's template prints (templates/journal_book.typ): every text in
    `language`, every cell as printed."""
    lang = language if language in STAFF_LANGUAGES else DEFAULT_LANGUAGE
    t = texts("core", lang)
    content = book.content
    summary = Statement(book.class_id, content.summary, None, book.generated_at, book.timezone)
    chain = t._("Audit chain: %(fingerprint)s", fingerprint=fingerprint)
    content_hash = t._("Content SHA-256: %(hash)s", hash=book.content_sha256)
    period_labels = [p.label(lang) for p in content.periods]
    page_word = t.pgettext("page footer", "p.")
    return {
        "lang": lang,
        "title": t._(
            "Class journal, %(klass)s, %(year)s", klass=content.class_name, year=content.year
        ),
        "footer": f"{content_hash} · {chain}",
        "footer_right": f"{content.class_name} · {page_word}",
        "cover": _cover(book, lang),
        "labels": _labels(t),
        "sheets": [
            _sheet(sheet, period_labels, lang)
            for page in content.pages
            for sheet in sheets(book, page, lang)
        ],
        "period_labels": period_labels,
        "blocks": [_summary_block(summary, block, lang) for block in blocks(summary)],
        "corrections": [
            [
                formats.numeric_date(x.at, lang),
                _entity(lang, x.entity),
                x.subject,
                x.student,
                formats.numeric_date(x.day, lang) if x.day else "",
                x.old,
                x.new,
                x.reason,
                x.by,
            ]
            for x in content.corrections
        ],
        "seal": [
            {"who": t._("Director"), "name": "_" * 24, "mark": t.pgettext("signature", "Seal")},
            {"who": t._("Class teacher"), "name": content.class_teacher or "_" * 24, "mark": ""},
        ],
        "hashes": [
            content_hash,
            chain,
            t._(
                "The content SHA-256 is computed over the journal book's data as canonical "
                "JSON; the audit chain fingerprint is the journal's change log as it stood "
                "when the book was made. The file's own SHA-256 is kept in the school's "
                "archive."
            ),
        ],
    }


def _cover(book: JournalBook, lang: str) -> dict[str, Any]:
    t, content = texts("core", lang), book.content
    year = t._("Academic year %(year)s", year=content.year)
    return {
        "title": t._("CLASS JOURNAL"),
        "school": content.school,
        "klass": t._("Class %(klass)s", klass=content.class_name),
        "lines": [
            f"{year} · {content.period.name}" if content.period else year,
            t._("Class teacher: %(name)s", name=content.class_teacher or "—"),
        ],
        "spans": [
            t._(
                "From %(start)s to %(end)s",
                start=formats.numeric_date(content.starts_on, lang),
                end=formats.numeric_date(content.ends_on, lang),
            ),
            t._(
                "Printed from the electronic journal %(when)s",
                when=formats.date_time(book.generated_at, lang),
            ),
        ],
    }


def _labels(t: Texts) -> dict[str, Any]:
    return {
        "number": t.pgettext("row number", "#"),
        "student": t._("Last name, first name"),
        "no_lessons": t._("No lessons in this span."),
        "lesson_heads": [
            t.pgettext("row number", "#"),
            t._("Date"),
            t._("What was covered in the lesson"),
            t._("Homework"),
        ],
        "summary": t._("Summary of period and year marks"),
        "class_average": t._("Class average"),
        "preliminary": t._("* — preliminary mark (no final mark yet)"),
        "corrections": t._("Corrections after closing"),
        "correction_heads": [
            t._("When"),
            t._("What"),
            t._("Subject"),
            t._("Pupil"),
            t._("Lesson"),
            t._("Was"),
            t._("Now"),
            t._("Reason"),
            t._("By"),
        ],
        "no_corrections": t._("No corrections."),
    }


def _sheet(sheet: Sheet, period_labels: list[str], lang: str) -> dict[str, Any]:
    t, page = texts("core", lang), sheet.page
    name = f"{page.subject} · {page.group}" if page.group else page.subject
    part = f" ({sheet.part}/{sheet.parts})" if sheet.parts > 1 else ""
    lessons = t._("lessons and homework")
    sub = [t._("Teacher: %(names)s", names=page.teachers or "—")]
    if not page.graded:
        sub.append(t._("Attendance only"))
    heads = []
    for column in sheet.columns:
        if column.lesson is not None:
            heads.append({"head": str(page.lessons[column.lesson].date.day), "period": False})
        elif column.period is not None:
            heads.append({"head": period_labels[column.period], "period": True})
        else:
            heads.append({"head": "", "period": False})
    return {
        "title": name + part,
        "lessons_title": f"{name} — {lessons}{part}",
        "sub": sub,
        "months": [{"name": month, "span": span} for month, span in sheet.months],
        "columns": heads,
        "lines": [
            {
                "name": line.full_name,
                "left": _left(line.left_on, lang) if line.left_on else None,
                "cells": [_grid_cell(line, column) for column in sheet.columns],
            }
            for line in page.lines
        ],
        "lessons": [
            {
                "n": sheet.first + i,
                "date": formats.numeric_date(lesson.date, lang),
                "topic": lesson.topic,
                "homework": lesson.homework,
            }
            for i, lesson in enumerate(sheet.lessons)
        ],
    }


def _grid_cell(line: BookLine, column: Column) -> str:
    if column.lesson is not None:
        return line.cells[column.lesson]
    if column.period is not None:
        return line.periods[column.period] if line.periods else ""
    return ""


def _left(day: dt.date, lang: str) -> str:
    return texts("core", lang)._("(left %(date)s)", date=formats.numeric_date(day, lang))


def _summary_block(summary: Statement, block: Block, lang: str) -> dict[str, Any]:
    """The closing page's marks: a pupil's row per block of subjects, the class's
    averages under it (the statement's reading, without its averages columns)."""
    content = summary.content
    averages = content.subject_averages()
    return {
        "subjects": [content.subjects[s] for s in block.subjects],
        "rows": [
            {
                "name": row.full_name,
                "cells": [cell_text(c) for s in block.subjects for c in row.cells[s]],
            }
            for row in content.rows
        ],
        "averages": [average_text(v, lang) for s in block.subjects for v in averages[s]],
    }


def _entity(language: str, entity: str) -> str:
    t = texts("core", language)
    return {
        "mark": t.pgettext("correction", "Mark"),
        "attendance": t.pgettext("correction", "Attendance"),
        "homework": t.pgettext("correction", "Homework"),
        "period_mark": t.pgettext("correction", "Period mark"),
        "lesson": t.pgettext("correction", "Lesson topic"),
    }.get(entity, entity)


def journal_book_pdf(
    book: JournalBook, *, fingerprint: str, language: str = DEFAULT_LANGUAGE
) -> bytes:
    """The book as a PDF/A-3b document, set by Typst. CPU-bound: run it in a thread."""
    data = journal_book_data(book, fingerprint=fingerprint, language=language)
    return typeset_pdf("journal_book.typ", data, archival=True, created=book.generated_at)
