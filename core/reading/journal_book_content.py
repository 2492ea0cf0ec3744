"""What a class's journal book (классный журнал) says: the data that is printed and hashed.

Seed 002 §3.4: the electronic journal is printed once a year (by 30 June), bound,
signed and kept 5 years; seed 001 prints it per quarter too. The book has, per
subject, the paper journal's spread (the marks-and-attendance grid, then the lessons'
page), then the summary of period and year marks, the corrections made after closing,
and the director's signature. `JournalBookContent.canonical()` is its data as
canonical JSON (sorted keys, no spaces, UTF-8); its SHA-256 is printed on every page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from core.reading.statement import StatementContent, StatementPeriod


@dataclass(frozen=True)
class BookLesson:
    date: dt.date
    slot: int
    topic: str
    homework: str  # the homework set at this lesson, several joined by "; "


@dataclass(frozen=True)
class BookLine:
    """A pupil's line of a subject's grid: a cell per lesson, a mark per period."""

    full_name: str
    left_on: dt.date | None
    cells: tuple[str, ...]  # «н», «б», «оп», «5», «н 4», «5/4»; "" for nothing
    periods: tuple[str, ...]  # per period of the book: «4», «5*» (preliminary), «осв», ""


@dataclass(frozen=True)
class BookPage:
    """A subject's spread (of a group when the subject is taught in groups)."""

    subject: str
    group: str | None
    teachers: str  # «Иванова М.П., Сидорова Е.В.»
    graded: bool  # False: attendance only (electives, subjects without marks)
    lessons: tuple[BookLesson, ...]
    lines: tuple[BookLine, ...]


@dataclass(frozen=True)
class BookCorrection:
    """A change made with a written reason (after the journal was closed)."""

    at: dt.datetime  # in the school's time zone
    entity: str  # mark | attendance | homework | period_mark | lesson
    subject: str
    student: str  # "" for a lesson's topic or homework
    day: dt.date | None  # the lesson's date; None for a period mark
    old: str
    new: str
    reason: str
    by: str  # «Белов И.А.»


@dataclass(frozen=True)
class JournalBookContent:
    school: str
    class_name: str
    year: str
    period: StatementPeriod | None  # None: the whole year
    starts_on: dt.date
    ends_on: dt.date
    class_teacher: str  # full name, "" when the class has none
    periods: tuple[StatementPeriod, ...]  # the period columns of every grid
    pages: tuple[BookPage, ...]
    summary: StatementContent
    corrections: tuple[BookCorrection, ...]

    def as_data(self) -> dict[str, Any]:
        return {
            "school": self.school,
            "class": self.class_name,
            "year": self.year,
            "period": self.period.name if self.period else None,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "class_teacher": self.class_teacher,
            "periods": [p.name for p in self.periods],
            "pages": [_page_data(page) for page in self.pages],
            "summary": self.summary.as_data(),
            "corrections": [_correction_data(c) for c in self.corrections],
        }

    def canonical(self) -> bytes:
        text = json.dumps(self.as_data(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8")

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


@dataclass(frozen=True)
class JournalBook:
    """The content, and when (the school's clock) and for which class it was read."""

    class_id: int
    content: JournalBookContent
    generated_at: dt.datetime
    timezone: str

    @property
    def content_sha256(self) -> str:
        return self.content.sha256()


def _page_data(page: BookPage) -> dict[str, Any]:
    return {
        "subject": page.subject,
        "group": page.group,
        "teachers": page.teachers,
        "graded": page.graded,
        "lessons": [
            {"date": x.date.isoformat(), "slot": x.slot, "topic": x.topic, "homework": x.homework}
            for x in page.lessons
        ],
        "lines": [
            {
                "name": line.full_name,
                "left_on": line.left_on.isoformat() if line.left_on else None,
                "cells": list(line.cells),
                "periods": list(line.periods),
            }
            for line in page.lines
        ],
    }


def _correction_data(c: BookCorrection) -> dict[str, Any]:
    return {
        "at": c.at.isoformat(),
        "entity": c.entity,
        "subject": c.subject,
        "student": c.student,
        "day": c.day.isoformat() if c.day else None,
        "old": c.old,
        "new": c.new,
        "reason": c.reason,
        "by": c.by,
    }
