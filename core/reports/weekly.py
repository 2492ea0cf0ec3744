"""The weekly summary: an A4 page per pupil, like a paper diary's page, as a PDF.

The same document is sent by the bot and printed by the web app for parents who asked
for paper (seed 002: the electronic diary replaces the paper one, and a parent signs
the week as they signed the paper diary). The pages are set by Typst
(templates/weekly_summary.typ) from the data this module writes, every text already in
the reader's language: a class is one compile; a longer print (the whole school) is
one compile per class, the classes' pages joined into one file as they come, so its
memory does not grow with the school.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import itertools
from collections.abc import AsyncGenerator, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from core import formats
from core.actors import Actor
from core.errors import RuleViolation
from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, Texts, texts
from core.reading import words
from core.reading.access import open_student
from core.reading.diary import build_week, monday_of
from core.reading.marks import period_averages
from core.reading.views import (
    DiaryDay,
    DiaryLesson,
    PeriodRef,
    RemarkEntry,
    SubjectAverage,
    WeekDiary,
)
from core.reports.pdf import typeset_pdf
from core.uow import UnitOfWork

TEMPLATE = "weekly_summary.typ"


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
    each, in the order given; every pupil is checked for `actor`, and any refusal
    refuses the whole print. Written in `language`: any parents' language
    (core.i18n.LANGUAGES), Russian by default.

    A print of several classes streams: each class is set (in a thread; Typst lets go
    of the GIL) while the next one is read, one class at a time, and the classes'
    files are joined at the end."""
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    loop = asyncio.get_running_loop()
    parts: list[bytes] = []
    setting: asyncio.Future[bytes] | None = None
    # One thread sets every class: Typst's allocations stay in one malloc arena, where
    # a thread per class would leave each class's freed memory in an arena of its own.
    typesetter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="typst")
    try:
        # Closed on the way out, error or not: the unit of work ends with the reading.
        async with aclosing(_class_runs(uow, actor, student_ids, week_start)) as runs:
            async for run, generated in runs:
                if setting is not None:
                    parts.append(await setting)
                setting = loop.run_in_executor(typesetter, _compile, run, lang, generated)
        assert setting is not None  # _class_runs yields at least one run or raises
        parts.append(await setting)
        if len(parts) == 1:
            return parts[0]
        return await loop.run_in_executor(typesetter, _join, parts)
    finally:
        # Never waits: after a refusal the class being set finishes on its own thread
        # while the event loop goes on (waiting would stall it for that class's time).
        typesetter.shutdown(wait=False, cancel_futures=True)


async def summary_pages(
    uow: UnitOfWork, *, actor: Actor, student_ids: Iterable[int], week_start: dt.date
) -> tuple[list[SummaryPage], dt.datetime]:
    """The pages' content, read in one unit of work; and when it was read (local time)."""
    async with aclosing(_class_runs(uow, actor, student_ids, week_start)) as each:
        runs = [run async for run in each]
    return [page for pages, _ in runs for page in pages], runs[0][1]


async def _class_runs(
    uow: UnitOfWork, actor: Actor, student_ids: Iterable[int], week_start: dt.date
) -> AsyncGenerator[tuple[list[SummaryPage], dt.datetime]]:
    """The pages read in one unit of work, given out a class at a time (each run of
    consecutive pupils of one class), with the time the reading began (local time)."""
    ids = list(dict.fromkeys(student_ids))
    if not ids:
        raise RuleViolation("bad_value", reason="no_students_chosen")
    monday = monday_of(week_start)
    run: list[SummaryPage] = []
    generated: dt.datetime | None = None
    async with uow:
        for student_id in ids:
            scope = await open_student(uow, actor, student_id)
            generated = generated or uow.now().astimezone(ZoneInfo(scope.school.timezone))
            diary = await build_week(uow, scope, monday)
            on = min(diary.week_end, scope.today) if monday <= scope.today else diary.week_end
            period, averages = await period_averages(uow, scope, on)
            if run and run[-1].diary.student.class_name != diary.student.class_name:
                yield run, generated
                run = []
            run.append(SummaryPage(diary, period, averages, on))
        assert generated is not None
        yield run, generated


def render_pdf(pages: list[SummaryPage], *, language: str, generated: dt.datetime) -> bytes:
    """The pages, one A4 page each in the largest type the pupil's week fits one page
    in (the template measures each size). The pupils of one class are one compile;
    several classes are a compile each, joined in the order given. CPU-bound: callers on
    an event loop run it in a thread."""
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    runs = [
        list(run)
        for _, run in itertools.groupby(pages, key=lambda page: page.diary.student.class_name)
    ]
    if len(runs) == 1:
        return _compile(runs[0], lang, generated)
    return _join(_compile(run, lang, generated) for run in runs)


def _join(parts: Iterable[bytes]) -> bytes:
    """One PDF of the parts' pages, each part let go once its pages are copied: a
    school's print holds one class's layout at a time (bench/web_summary.py)."""
    # Imported here: pdfium takes 0.17 s to load, and most processes never join PDFs.
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    merged = pdfium.PdfDocument.new()
    try:
        for data in parts:
            part = pdfium.PdfDocument(data)
            try:
                merged.import_pages(part)
            finally:
                part.close()
        written = io.BytesIO()
        merged.save(written)
    finally:
        merged.close()
    return written.getvalue()


def _compile(pages: list[SummaryPage], language: str, generated: dt.datetime) -> bytes:
    return typeset_pdf(
        TEMPLATE, summary_data(pages, language=language, generated=generated), created=generated
    )


def summary_data(
    pages: list[SummaryPage], *, language: str, generated: dt.datetime
) -> dict[str, Any]:
    """What the template prints, as JSON-able data: every text in `language`."""
    t = texts("family", language)
    return {
        "lang": language,
        "labels": {
            "title": t._("Week's summary"),
            "student": t._("Student"),
            "class": t._("Class"),
            "week": t._("Week"),
            "slot": t.pgettext("lesson number", "#"),
            "subject": t._("Subject"),
            "homework": t._("Homework"),
            "marks": t._("Marks"),
            "averages": t._("Average marks"),
            "signature": t._("Parent's signature"),
            "date": t._("Date"),
            "legend": words.attendance_legend(language),
            "generated": t._(
                "Generated by Zvonok %(date)s %(time)s",
                date=formats.numeric_date(generated, language),
                time=formats.time_of_day(generated, language),
            ),
        },
        "sheets": [_sheet(page, t) for page in pages],
        "probe": min(range(len(pages)), key=lambda i: _weight(pages[i])),
    }


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


def _sheet(page: SummaryPage, t: Texts) -> dict[str, Any]:
    lang, diary = t.language, page.diary
    if page.period is None:
        note = t._("No marking period is set.")
    elif page.averages:
        note = t._("Averages are weighted by work type, as the school weights them.")
    else:
        note = t._("No marks in this period yet.")
    period = page.period and t._(
        "%(period)s, as of %(date)s",
        period=page.period.name,
        date=formats.numeric_date(page.averages_on, lang),
    )
    return {
        "school": diary.student.school_name,
        "student": diary.student.full_name,
        "class": diary.student.class_name or "—",
        "week": words.date_span(diary.week_start, diary.week_end, lang),
        "days": [_day(day, t) for day in diary.days],
        "period": period or None,
        "averages": [
            {
                "subject": a.subject,
                "values": " ".join(str(v) for v in a.values),
                "average": words.average_text(a.average, lang),
            }
            for a in (page.averages if page.period else ())
        ],
        "note": note,
    }


def _day(day: DiaryDay, t: Texts) -> dict[str, Any]:
    lang = t.language
    weekday = words.weekday_full(day.date, lang)
    rows = []
    for lesson in day.lessons:
        rows.append(_lesson(lesson, t))
        rows.extend(_remark(remark, lang) for remark in lesson.remarks)
    rows.extend(_remark(remark, lang) for remark in day.remarks)
    return {
        "title": t._(
            "%(weekday)s, %(date)s",
            weekday=weekday[:1].upper() + weekday[1:],
            date=words.day_month(day.date, lang),
        ),
        "holiday": day.holiday,
        "rows": rows,
        "empty": None if day.lessons else day.holiday or t._("No lessons"),
    }


def _lesson(lesson: DiaryLesson, t: Texts) -> dict[str, Any]:
    lang = t.language
    homework = []
    for task in lesson.homework:
        tags = [t._("(individual)")] if task.individual else []
        if task.due_date:
            tags.append(t._("(due %(date)s)", date=words.short_date(task.due_date, lang)))
        homework.append({"text": task.text, "tags": tags})
    attendance = lesson.attendance
    return {
        "kind": "lesson",
        "slot": str(lesson.slot),
        "subject": lesson.subject,
        "topic": lesson.topic,
        "homework": homework,
        "marks": [
            {"value": str(m.value), "type": words.work_type_short(m.work_type, lang)}
            for m in lesson.marks
        ],
        "attendance": attendance
        and words.attendance_code(attendance.status, attendance.minutes_late, lang),
    }


def _remark(remark: RemarkEntry, language: str) -> dict[str, Any]:
    return {
        "kind": "remark",
        "label": words.remark_kind(remark.kind, language),
        "text": remark.text,
    }
