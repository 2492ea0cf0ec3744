"""Writing the journal grid: a cell as the teacher types it, and the period mark column.

A cell holds a student's marks at one lesson (2–5, several allowed) and their
attendance («н» absent, «б» ill, «оп» late), typed as text: «5», «5 4», «н», «оп 4».
Saving a cell makes the journal say exactly that, through the marks and attendance
services (each change with its history and its message to the family), all in one
transaction: a mark typed over another is a correction («4 → 5»), a removed one is
withdrawn, an added one is posted. The text is read before anything else, and a cell
needing more than one service call is checked whole first (the writer, the pupil,
the grade-1 and elective rules), so a refusal names the first rule the cell breaks;
a refused or failed cell changes nothing.

Seed 002 §2.5.2: taking attendance is recorded on the lesson (the roll call) when
the teacher marks it in the grid, so "Today" counts the lesson's attendance as taken.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from sqlmodel import col, select

from core.actors import StaffActor
from core.errors import NotFound, RuleViolation
from core.lesson_access import lesson_for_writing, require_marks_allowed, student_of_lesson
from core.models import Attendance, Lesson, Mark, Period, PeriodMark
from core.reading.grid import DEFAULT_WORK_TYPE, GridCell, grid_mark
from core.reading.journal import mark_entry
from core.reading.marks import period_of, weighted_average
from core.rows import get_in_school, not_deleted
from core.services.attendance import TYPED_ATTENDANCE, mark_attendance_in
from core.services.marks import MARK_VALUES, change_mark_in, delete_mark_in, post_mark_in
from core.services.period_marks import set_period_mark_in
from core.services.roll_call import record_roll_call_in
from core.uow import UnitOfWork, transactional

_TOKENS = re.compile(r"\d+|[^\W\d_]+")
_SEPARATORS = re.compile(r"[\s,;/]*")
CELL_MAX = 40  # characters: a cell is a few marks and a letter


@dataclass(frozen=True)
class CellEntry:
    """A cell's typed text, read: the marks in the order typed, and the attendance."""

    marks: tuple[int, ...]
    attendance: str | None


def parse_cell(text: str) -> CellEntry:
    """«оп 5 4» → late, marks 5 and 4. Marks are checked (2–5) here, before any write.

    Numbers are read whole («10» is ten, not 1 and 0), so the refusal names what was
    typed; marks are separated by spaces, commas or slashes.
    """
    raw = text.strip()
    tokens = _TOKENS.findall(raw.lower())
    leftovers = _TOKENS.sub(" ", raw.lower())
    if len(raw) > CELL_MAX or _SEPARATORS.fullmatch(leftovers) is None:
        raise RuleViolation("grid_bad_cell", value=raw)
    marks: list[int] = []
    attendance: list[str] = []
    for token in tokens:
        if token.isdigit():
            if int(token) not in MARK_VALUES:
                raise RuleViolation("bad_mark_value", value=token)
            marks.append(int(token))
        elif token in TYPED_ATTENDANCE:
            attendance.append(TYPED_ATTENDANCE[token].value)
        else:
            raise RuleViolation("grid_bad_cell", value=raw)
    if len(attendance) > 1:
        raise RuleViolation("grid_two_attendance", value=raw)
    return CellEntry(tuple(marks), attendance[0] if attendance else None)


@dataclass(frozen=True)
class SavedCell:
    """The cell as the journal now holds it, and the student's average on the page."""

    cell: GridCell
    average: float | None


@dataclass(frozen=True)
class _Before:
    """The cell before the save, read as plain values (the steps change the rows)."""

    lesson: _LessonFacts
    marks: tuple[tuple[int, int], ...]  # (mark id, value), in the order given
    attendance: str | None
    # The rows read, held for the save: the session's identity map keeps only weak
    # references, so without these the steps' checks would read them all again.
    rows: tuple[object, ...] = ()
    attendance_row: Attendance | None = None


@dataclass(frozen=True)
class _LessonFacts:
    lesson_id: int
    school_id: int
    class_id: int
    group_id: int | None
    subject_id: int
    date: dt.date
    work_type: str
    roll_called: bool

    @classmethod
    def of(cls, lesson: Lesson) -> _LessonFacts:
        return cls(
            lesson_id=lesson.id or 0,
            school_id=lesson.school_id,
            class_id=lesson.class_id,
            group_id=lesson.group_id,
            subject_id=lesson.subject_id,
            date=lesson.date,
            work_type=lesson.work_type or DEFAULT_WORK_TYPE,
            roll_called=lesson.roll_called_at is not None,
        )


Step = Callable[[], Awaitable[object]]


async def save_cell_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    lesson_id: int,
    student_id: int,
    text: str,
    period_id: int | None = None,
) -> SavedCell:
    """Make the student's cell at the lesson say `text` (empty: nothing).

    Returns the cell as saved and the student's weighted average over the page's
    lessons in the period (`period_id`, else the one holding the lesson's date).
    """
    entry = parse_cell(text)
    before = await _read_cell(uow, actor, lesson_id, student_id)
    steps = _steps(uow, actor, before, student_id, entry)
    if len(steps) != 1:
        # One step is checked by its own service; several are checked whole first, so
        # the refusal is the same whatever the order of the steps (and none is allowed).
        await _check(uow, actor, lesson_id, student_id, entry)
    for step in steps:
        await step()
    if entry.attendance != before.attendance and not before.lesson.roll_called:
        await record_roll_call_in(uow, actor=actor, lesson_id=lesson_id)
    # The attendance row as read before holds, unless a step changed it.
    kept = (before.attendance_row,) if entry.attendance == before.attendance else None
    return await _saved(uow, before.lesson, student_id, period_id, kept)


save_cell = transactional(save_cell_in)


async def _read_cell(
    uow: UnitOfWork, actor: StaffActor, lesson_id: int, student_id: int
) -> _Before:
    lesson = await get_in_school(uow, Lesson, lesson_id, actor.school_id, "lesson")
    if lesson.deleted_at is not None:
        raise NotFound(what="lesson")
    marks = await _live_marks(uow, lesson_id, student_id)
    row = await _live_attendance(uow, lesson_id, student_id)
    return _Before(
        lesson=_LessonFacts.of(lesson),
        marks=tuple((mark.id or 0, mark.value) for mark in marks),
        attendance=row.status if row else None,
        rows=(lesson, *marks),
        attendance_row=row,
    )


async def _check(
    uow: UnitOfWork, actor: StaffActor, lesson_id: int, student_id: int, entry: CellEntry
) -> None:
    """Everything core would refuse, checked before anything is written."""
    ctx = await lesson_for_writing(uow, actor, lesson_id)
    await student_of_lesson(uow, ctx, student_id)
    if entry.marks:
        require_marks_allowed(ctx)


def _steps(
    uow: UnitOfWork, actor: StaffActor, before: _Before, student_id: int, entry: CellEntry
) -> list[Step]:
    """The service calls that make the cell say `entry`.

    The marks there and the marks typed are paired in order: a different value is a
    correction, an extra typed mark is posted (with the column's work type), an extra
    mark there is withdrawn.
    """
    lesson, old, values = before.lesson, before.marks, entry.marks
    steps: list[Step] = [
        partial(change_mark_in, uow, actor=actor, mark_id=mark_id, value=value)
        for (mark_id, was), value in zip(old, values, strict=False)
        if was != value
    ]
    steps += [
        partial(
            post_mark_in,
            uow,
            actor=actor,
            lesson_id=lesson.lesson_id,
            student_id=student_id,
            value=value,
            work_type=lesson.work_type,
        )
        for value in values[len(old) :]
    ]
    steps += [
        partial(delete_mark_in, uow, actor=actor, mark_id=mark_id)
        for mark_id, _ in old[len(values) :]
    ]
    if entry.attendance != before.attendance:
        steps.append(
            partial(
                mark_attendance_in,
                uow,
                actor=actor,
                lesson_id=lesson.lesson_id,
                student_id=student_id,
                status=entry.attendance,
            )
        )
    return steps


async def _live_marks(uow: UnitOfWork, lesson_id: int, student_id: int) -> list[Mark]:
    query = select(Mark).where(
        Mark.lesson_id == lesson_id, Mark.student_id == student_id, not_deleted(Mark)
    )
    return list((await uow.session.exec(query.order_by(col(Mark.created_at), col(Mark.id)))).all())


async def _live_attendance(uow: UnitOfWork, lesson_id: int, student_id: int) -> Attendance | None:
    query = select(Attendance).where(
        Attendance.lesson_id == lesson_id,
        Attendance.student_id == student_id,
        not_deleted(Attendance),
    )
    return (await uow.session.exec(query)).first()


async def _saved(
    uow: UnitOfWork,
    lesson: _LessonFacts,
    student_id: int,
    period_id: int | None,
    unchanged: tuple[Attendance | None] | None,
) -> SavedCell:
    """The cell as saved and the average; `unchanged`: the attendance row (or its
    absence) as read before, when the save left it alone (None: read it again)."""
    first, last = await _period_span(uow, lesson, period_id)
    query = (
        select(Mark, Lesson)
        .join(Lesson, col(Lesson.id) == Mark.lesson_id)
        .where(
            Mark.student_id == student_id,
            not_deleted(Mark),
            Lesson.class_id == lesson.class_id,
            Lesson.subject_id == lesson.subject_id,
            col(Lesson.group_id).is_(None)
            if lesson.group_id is None
            else Lesson.group_id == lesson.group_id,
            not_deleted(Lesson),
            Lesson.date >= min(first, lesson.date),
            Lesson.date <= max(last, lesson.date),
        )
        .order_by(col(Mark.created_at), col(Mark.id))
    )
    rows = (await uow.session.exec(query)).all()
    if unchanged is not None:
        (row,) = unchanged
    else:
        row = await _live_attendance(uow, lesson.lesson_id, student_id)
    cell = GridCell(
        lesson_id=lesson.lesson_id,
        member=True,
        marks=tuple(grid_mark(mark) for mark, _ in rows if mark.lesson_id == lesson.lesson_id),
        attendance=row.status if row else None,
        minutes_late=row.minutes_late if row else None,
    )
    in_period = [mark_entry(m, at, {}) for m, at in rows if first <= at.date <= last]
    return SavedCell(cell, weighted_average(in_period))


async def _period_span(
    uow: UnitOfWork, lesson: _LessonFacts, period_id: int | None
) -> tuple[dt.date, dt.date]:
    """The period of the average: the one asked for, else the one holding the lesson."""
    if period_id:
        period = await uow.session.get(Period, period_id)
        if period is not None and period.school_id == lesson.school_id:
            return period.starts_on, period.ends_on
    found = await period_of(uow, lesson.school_id, lesson.date)
    if found is None or not found.starts_on <= lesson.date <= found.ends_on:
        return lesson.date, lesson.date
    return found.starts_on, found.ends_on


async def save_period_cell_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    period_id: int,
    student_id: int,
    subject_id: int,
    text: str,
) -> PeriodMark:
    """The period mark column of the grid: 2–5, «осв», «н/а» (core.services.period_marks).

    A period mark is corrected, never erased: an empty cell is refused.
    """
    if not text.strip():
        raise RuleViolation("period_mark_not_cleared")
    return await set_period_mark_in(
        uow,
        actor=actor,
        period_id=period_id,
        student_id=student_id,
        subject_id=subject_id,
        value=text,
    )


save_period_cell = transactional(save_period_cell_in)
