"""Writing the journal grid: a cell as the teacher types it, and the period mark column.

A cell holds a student's marks at one lesson (2–5, several allowed) and their
attendance («н» absent, «б» ill, «оп» late), typed as text: «5», «5 4», «н», «оп 4».
Saving a cell makes the journal say exactly that, through the marks and attendance
services (each change with its history and its message to the family), all in one
transaction: a mark typed over another is a correction («4 → 5»), a removed one is
withdrawn, an added one is posted. The text is read before anything else; then the
cell and all its checks need are read in three statements (`core.services.
journal_cell`) and the cell is checked whole, once (the closed journal, the writer,
the pupil, the grade-1 and elective rules), so a refusal names the first rule the
cell breaks; the services' writes follow without checking again (`*_prechecked_*`).
A refused or failed cell changes nothing.

Seed 002 §2.5.2: taking attendance is recorded on the lesson (the roll call) when
the teacher marks it in the grid, so "Today" counts the lesson's attendance as taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.actors import StaffActor
from core.errors import RuleViolation
from core.lesson_access import (
    admit_student,
    require_marks_allowed,
    require_writable,
)
from core.models import (
    Attendance,
    Mark,
    PeriodMark,
)
from core.reading.grid import DEFAULT_WORK_TYPE, GridCell, grid_mark
from core.reading.journal import mark_entry
from core.reading.marks import weighted_average
from core.services.attendance import TYPED_ATTENDANCE, mark_prechecked_attendance
from core.services.journal_cell import Cell, read_cell
from core.services.marks import (
    MARK_VALUES,
    change_prechecked_mark,
    delete_prechecked_mark,
    post_prechecked_mark,
)
from core.services.period_marks import set_period_mark_in
from core.services.roll_call import record_prechecked_roll_call
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
    cell = await read_cell(uow, actor, lesson_id, student_id, period_id)
    plan = _Plan.of(cell, entry)
    await _check(uow, cell, plan)
    ctx = cell.ctx
    for mark, value in plan.changed:
        await change_prechecked_mark(uow, ctx, mark, value=value)
    posted = [
        await post_prechecked_mark(
            uow,
            ctx,
            student_id=student_id,
            value=value,
            work_type=ctx.lesson.work_type or DEFAULT_WORK_TYPE,
        )
        for value in plan.added
    ]
    for mark in plan.withdrawn:
        await delete_prechecked_mark(uow, ctx, mark)
    row = cell.attendance_row
    if plan.attends:
        row = await mark_prechecked_attendance(
            uow, ctx, cell.attendance_row, student_id=student_id, status=entry.attendance
        )
        await record_prechecked_roll_call(uow, ctx)  # keeps the first roll call's time
    return _saved(cell, posted, row)


save_cell = transactional(save_cell_in)


@dataclass(frozen=True)
class _Plan:
    """What the cell's save does. The marks there and the marks typed are paired in
    order: a different value is a correction, an extra typed mark is posted (with the
    column's work type), an extra mark there is withdrawn."""

    changed: list[tuple[Mark, int]]
    added: tuple[int, ...]
    withdrawn: list[Mark]
    attends: bool  # the attendance changes

    @classmethod
    def of(cls, cell: Cell, entry: CellEntry) -> _Plan:
        old, values = cell.marks, entry.marks
        return cls(
            changed=[
                (mark, value)
                for (mark, was), value in zip(old, values, strict=False)
                if was != value
            ],
            added=values[len(old) :],
            withdrawn=[mark for mark, _ in old[len(values) :]],
            attends=entry.attendance != cell.attendance,
        )


async def _check(uow: UnitOfWork, cell: Cell, plan: _Plan) -> None:
    """Everything core would refuse, checked whole before anything is written, so a
    refusal names the first rule the cell breaks whatever its steps: the services' own
    checks, each made once (`*_prechecked_*` then write without them)."""
    ctx = cell.ctx
    await require_writable(uow, ctx, cell.day.closure, teaching=cell.teaching)
    # As the services: posting a mark or attendance needs the pupil in the lesson's
    # class that day; correcting or withdrawing their marks there does not. A cell
    # left as it was is still the pupil's: the answer shows their marks.
    if plan.added or plan.attends or not (plan.changed or plan.withdrawn):
        await admit_student(uow, ctx, cell.student, member=cell.member)
    if plan.added or plan.changed:
        require_marks_allowed(ctx)


def _saved(cell: Cell, posted: list[Mark], row: Attendance | None) -> SavedCell:
    """The cell as saved and the average, from the marks read before and the steps'
    rows (a correction and a withdrawal change the rows read; a posted mark is new):
    what a read after the writes would give, without the statement."""
    lesson = cell.ctx.lesson
    marks = [(m, at) for m, at in cell.page if m.deleted_at is None]
    marks += [(mark, lesson) for mark in posted]
    marks.sort(key=lambda pair: (pair[0].created_at, pair[0].id or 0))
    live = row if row is not None and row.deleted_at is None else None
    grid_cell = GridCell(
        lesson_id=lesson.id or 0,
        member=True,
        marks=tuple(grid_mark(mark) for mark, _ in marks if mark.lesson_id == lesson.id),
        attendance=live.status if live else None,
        minutes_late=live.minutes_late if live else None,
    )
    first, last = cell.span
    in_period = [mark_entry(m, at, {}) for m, at in marks if first <= at.date <= last]
    return SavedCell(grid_cell, weighted_average(in_period))


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
