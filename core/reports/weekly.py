"""The weekly summary: an A4 page per pupil, like a paper diary's page, as a PDF.

The same document is sent by the bot and printed by the web app for parents who asked
for paper (seed 002: the electronic diary replaces the paper one, and a parent signs
the week as they signed the paper diary). A whole class is one HTML document with a
page break after each pupil, rendered once by WeasyPrint.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from core import formats
from core.actors import Actor
from core.errors import RuleViolation
from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, install_jinja
from core.reading import words
from core.reading.access import open_student
from core.reading.diary import build_week, monday_of
from core.reading.marks import period_averages
from core.reading.views import PeriodRef, SubjectAverage, WeekDiary
from core.reports.pdf import weasyprint_html
from core.uow import UnitOfWork

# Type sizes a sheet may fall back to when its week does not fit one A4 page (CSS
# classes of weekly_summary.css); the last one is kept even if the week still overflows.
DENSITIES = ("", "dense", "denser", "densest")


@dataclass(frozen=True)
class SummaryPage:
    """One pupil's page: the week and the period's averages up to the week's end."""

    diary: WeekDiary
    period: PeriodRef | None
    averages: tuple[SubjectAverage, ...]
    averages_on: dt.date


async def weekly_summary_pdf(
    uow: UnitOfWork,
    *,
    actor: Actor,
    student_ids: Iterable[int],
    week_start: dt.date,
    language: str = DEFAULT_LANGUAGE,
) -> bytes:
    """The week (Monday to Saturday of `week_start`'s week) for each pupil, one A4 page
    each, in the order given; every pupil is checked for `actor` first. Written in
    `language`: any parents' language (core.i18n.LANGUAGES), Russian by default."""
    pages, generated = await summary_pages(
        uow, actor=actor, student_ids=student_ids, week_start=week_start
    )
    return await asyncio.to_thread(render_pdf, pages, language=language, generated=generated)


async def summary_pages(
    uow: UnitOfWork, *, actor: Actor, student_ids: Iterable[int], week_start: dt.date
) -> tuple[list[SummaryPage], dt.datetime]:
    """The pages' content, read in one unit of work; and when it was read (local time)."""
    ids = list(dict.fromkeys(student_ids))
    if not ids:
        raise RuleViolation("bad_value", reason="no_students_chosen")
    monday = monday_of(week_start)
    pages = []
    async with uow:
        for student_id in ids:
            scope = await open_student(uow, actor, student_id)
            diary = await build_week(uow, scope, monday)
            on = min(diary.week_end, scope.today) if monday <= scope.today else diary.week_end
            period, averages = await period_averages(uow, scope, on)
            pages.append(SummaryPage(diary, period, averages, on))
        generated = uow.now().astimezone(ZoneInfo(scope.school.timezone))
    return pages, generated


@functools.cache
def _environment(language: str) -> Environment:
    """The templates with the `family` texts of `language` (one environment each)."""
    env = Environment(
        loader=PackageLoader("core.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        weekday_full=words.weekday_full,
        day_month=words.day_month,
        date_span=words.date_span,
        work_type=words.work_type_short,
        attendance=words.attendance_code,
        remark_kind=words.remark_kind,
        average=words.average_text,
        short_date=words.short_date,
        numeric_date=formats.numeric_date,
        time_of_day=formats.time_of_day,
    )
    return install_jinja(env, "family", language)


def render_summary_html(
    pages: list[SummaryPage],
    *,
    language: str,
    generated: dt.datetime,
    densities: list[int] | None = None,
) -> str:
    """The printable HTML of the pages (one document, a page break after each pupil)."""
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    levels = densities or [0] * len(pages)
    return (
        _environment(lang)
        .get_template("weekly_summary.html")
        .render(
            sheets=[(page, DENSITIES[level]) for page, level in zip(pages, levels, strict=True)],
            legend=words.attendance_legend(lang),
            generated=generated,
        )
    )


def render_pdf(pages: list[SummaryPage], *, language: str, generated: dt.datetime) -> bytes:
    """Render every pupil's page, each in the largest type its week fits on one page in,
    and put the pages back in order. CPU-bound: callers on an event loop run it in a
    thread.

    A pupil whose week runs over one page is rendered again in smaller type. The pupils
    of one class share a timetable, so their weeks fill the page alike: the lightest
    week of each class (`_weight`) is fitted first, all classes' together in one small
    render per type size, and its size is where the rest of the class starts. A class
    whose weeks need the third size is then laid out once or twice instead of three
    times (bench/web_summary.py); a pupil never gets larger type than their class's
    lightest week.
    """
    classes: dict[str | None, list[int]] = {}
    for i, page in enumerate(pages):
        classes.setdefault(page.diary.student.class_name, []).append(i)
    probes = {
        min(members, key=lambda i: _weight(pages[i])): members
        for members in classes.values()
        if len(members) > 1
    }
    levels = [0] * len(pages)
    documents: list[Any] = []
    sheets = _fit(pages, list(probes), levels, language, generated, documents)
    for probe, members in probes.items():
        for i in members:
            levels[i] = levels[probe]
    rest = [i for i in range(len(pages)) if i not in sheets]
    sheets |= _fit(pages, rest, levels, language, generated, documents)
    ordered = [page for i in range(len(pages)) for page in sheets[i]]
    pdf: bytes = documents[0].copy(ordered).write_pdf()
    return pdf


def _fit(
    pages: list[SummaryPage],
    todo: list[int],
    levels: list[int],
    language: str,
    generated: dt.datetime,
    documents: list[Any],
) -> dict[int, list[Any]]:
    """Render the pupils `todo` at their `levels`, then again one size smaller those whose
    week ran over (raising their level), until all fit or have the smallest size."""
    sheets: dict[int, list[Any]] = {}
    while todo:
        document = _render([pages[i] for i in todo], [levels[i] for i in todo], language, generated)
        documents.append(document)
        again = []
        for i, sheet in zip(todo, _sheets(document), strict=True):
            sheets[i] = sheet
            if len(sheet) > 1 and levels[i] < len(DENSITIES) - 1:
                levels[i] += 1
                again.append(i)
        todo = again
    return sheets


def _weight(page: SummaryPage) -> int:
    """Roughly how much of the page a pupil's week fills: its rows, and its characters."""
    rows = chars = 0
    for day in page.diary.days:
        rows += 2 + max(1, len(day.lessons)) + len(day.remarks)
        chars += sum(len(remark.text) for remark in day.remarks)
        for lesson in day.lessons:
            rows += len(lesson.remarks) + max(0, len(lesson.homework) - 1)
            chars += len(lesson.topic) + sum(len(h.text) for h in lesson.homework)
            chars += sum(len(remark.text) for remark in lesson.remarks)
    rows += (len(page.averages) + 1) // 2
    return rows * 60 + chars


def _render(
    pages: list[SummaryPage], levels: list[int], language: str, generated: dt.datetime
) -> Any:
    html = render_summary_html(pages, language=language, generated=generated, densities=levels)
    return weasyprint_html()(string=html).render()


def _sheets(document: Any) -> list[list[Any]]:
    """The document's pages grouped per pupil: a sheet starts on the page holding its
    header (the header's id is a page anchor there, and only there)."""
    sheets: list[list[Any]] = []
    for page in document.pages:
        if any(name.startswith("sheet-") for name in page.anchors) or not sheets:
            sheets.append([])
        sheets[-1].append(page)
    return sheets
