"""The journal book (классный журнал) as a PDF to print, bind and sign (A4 landscape).

The paper journal's layout (seed 002 §3.4): a title page; per subject a spread, the
marks-and-attendance grid (pupils down, lesson dates across, the period mark after
each period's last date and the year mark at the end of the line) and the lessons'
page (date, topic, homework); then the summary of period and year marks, the
corrections made after closing, and the director's signature and seal. Every page's
footer carries the content's SHA-256 and the audit chain's fingerprint.

The PDF is PDF/A-3b (WeasyPrint's `pdf_variant`), its fonts embedded, so a copy
opened in 25 years looks as printed.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from babel import dates as babel_dates
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from core import formats
from core.i18n import DEFAULT_LANGUAGE, STAFF_LANGUAGES, install_jinja, texts
from core.reading.journal_book_content import BookLesson, BookPage, JournalBook
from core.reading.statement import Statement
from core.reports.filenames import slug
from core.reports.pdf import write_pdf
from core.reports.statement import average_text, blocks, cell_text

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


@functools.cache
def _environment(language: str) -> Environment:
    env = Environment(
        loader=PackageLoader("core.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        cell=cell_text,
        numeric_date=formats.numeric_date,
        day_month=formats.day_month,
    )
    return install_jinja(env, "core", language)


def render_html(book: JournalBook, *, fingerprint: str, language: str) -> str:
    lang = language if language in STAFF_LANGUAGES else DEFAULT_LANGUAGE
    t = texts("core", lang)
    content = book.content
    summary = Statement(book.class_id, content.summary, None, book.generated_at, book.timezone)
    return (
        _environment(lang)
        .get_template("journal_book.html")
        .render(
            b=book,
            c=content,
            fingerprint=fingerprint,
            sheets=[sheet for page in content.pages for sheet in sheets(book, page, lang)],
            labels=[p.label(lang) for p in content.periods],
            summary=content.summary,
            blocks=blocks(summary),
            subject_averages=content.summary.subject_averages(),
            average=lambda value: average_text(value, lang),
            generated=formats.date_time(book.generated_at, lang),
            what=lambda entity: _entity(t.language, entity),
        )
    )


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
    """The book as a PDF/A-3b document. CPU-bound: run it in a thread."""
    return write_pdf(render_html(book, fingerprint=fingerprint, language=language))
