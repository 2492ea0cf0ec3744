"""The corrections a journal book lists: changes to its class's rows made with a written
reason (after the year or the period was closed, seed 002 §2.8: a correction is kept
and shown as one).

A stand-in reader until the year-close work's `core/reading/corrections.py` is merged:
it reads the audit log's entries that carry a `reason` for rows of this class, in two
queries (the entries, the subjects and the period marks they name).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from core.models import (
    ATTENDANCE_LETTERS,
    Attendance,
    AttendanceStatus,
    AuditEntry,
    Homework,
    Lesson,
    Mark,
    PeriodMark,
    School,
    Subject,
)
from core.reading.journal_book_content import BookCorrection
from core.reading.statement import Statement
from core.uow import UnitOfWork

# The audited column that says what a row of each kind holds.
_SHOWN = {
    "mark": "value",
    "attendance": "status",
    "homework": "text",
    "period_mark": "value",
    "lesson": "topic",
}
_STATUSES = frozenset(AttendanceStatus)


@dataclass(frozen=True)
class StaffNames:
    short: dict[int, str]  # «Иванова М.П.»
    full: dict[int, str]  # «Иванова Мария Петровна»


@dataclass(frozen=True)
class ClassRows:
    """The class's journal rows of the book's span, withdrawn ones included."""

    lessons: dict[int, Lesson]
    marks: dict[int, Mark]
    attendance: dict[int, Attendance]
    homework: dict[int, Homework]


async def read_corrections(
    uow: UnitOfWork,
    school: School,
    rows: ClassRows,
    *,
    since: dt.date,
    names: StaffNames,
    statement: Statement,
) -> tuple[BookCorrection, ...]:
    """The changes with a reason to the class's rows since `since`, oldest first."""
    period_ids = [p.period_id for p in statement.content.periods]
    marks_query = select(PeriodMark).where(
        PeriodMark.class_id == statement.class_id, col(PeriodMark.period_id).in_(period_ids)
    )
    period_marks = {x.id or 0: x for x in (await uow.session.exec(marks_query)).all()}
    owned: dict[str, dict[int, Any]] = {
        "lesson": rows.lessons,
        "mark": rows.marks,
        "attendance": rows.attendance,
        "homework": rows.homework,
        "period_mark": period_marks,
    }
    zone = ZoneInfo(school.timezone)
    found = await _entries_with_reason(uow, school, dt.datetime.combine(since, dt.time(), zone))
    entries = [e for e in found if e.entity_id in owned[e.entity]]
    subject_ids = {x.subject_id for x in rows.lessons.values()}
    subject_ids |= {x.subject_id for x in period_marks.values()}
    named = await uow.session.exec(select(Subject).where(col(Subject.id).in_(subject_ids)))
    subjects = {s.id or 0: s.name for s in named}
    pupils = {row.student_id: row.full_name for row in statement.content.rows}
    return tuple(
        _correction(e, owned[e.entity][e.entity_id], rows, subjects, pupils, names, zone)
        for e in entries
    )


async def _entries_with_reason(
    uow: UnitOfWork, school: School, start: dt.datetime
) -> list[AuditEntry]:
    query = (
        select(AuditEntry)
        .where(
            AuditEntry.school_id == school.id,
            col(AuditEntry.reason).is_not(None),
            col(AuditEntry.entity).in_(list(_SHOWN)),
            col(AuditEntry.at) >= start,
        )
        .order_by(col(AuditEntry.at), col(AuditEntry.seq))
    )
    return list((await uow.session.exec(query)).all())


def _correction(
    entry: AuditEntry,
    row: Any,
    rows: ClassRows,
    subjects: dict[int, str],
    pupils: dict[int, str],
    names: StaffNames,
    zone: ZoneInfo,
) -> BookCorrection:
    lesson = rows.lessons.get(getattr(row, "lesson_id", None) or 0) or (
        row if isinstance(row, Lesson) else None
    )
    subject_id = lesson.subject_id if lesson else getattr(row, "subject_id", 0)
    return BookCorrection(
        at=entry.at.astimezone(zone),
        entity=entry.entity,
        subject=subjects.get(subject_id, ""),
        student=pupils.get(getattr(row, "student_id", 0) or 0, ""),
        day=lesson.date if lesson else None,
        old=_shown(entry.entity, entry.old),
        new=_shown(entry.entity, None if entry.action == "delete" else entry.new),
        reason=entry.reason or "",
        by=names.short.get(entry.actor_id or 0, ""),
    )


def _shown(entity: str, values: dict[str, Any] | None) -> str:
    """The value a person reads: «5», «н», a topic; "—" for none (created or deleted)."""
    if not values or values.get("deleted_at"):
        return "—"
    value = values.get(_SHOWN[entity])
    if entity == "attendance" and isinstance(value, str) and value in _STATUSES:
        return ATTENDANCE_LETTERS[AttendanceStatus(value)]
    return "—" if value in (None, "") else str(value)
