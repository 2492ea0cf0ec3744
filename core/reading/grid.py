"""The journal grid: a class (or group) × subject × period, students down, lessons across.

Seed 002 §2.5: the teacher keeps the page of each class and subject they teach; the
class teacher reads the whole class journal but edits only their own subjects
(§2.4.2); the deputy director reads the school (§2.4.1). Who reads is core's
`can_read_class`; who writes is `teaches` (the page's teacher) or, per lesson, the
rule of `require_lesson_writer` (a named substitute writes that lesson).

Everything is read in a fixed number of queries whatever the size of the class and
the period (the grid must open fast on a school's old computer): the page, the
periods, the lessons, the roster with its enrolments and group memberships, the
marks, the attendance, the period marks and the substitutes' names.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Protocol

from sqlmodel import select

from core.actors import StaffActor
from core.calendar import school_today
from core.closing import closed_days
from core.errors import Forbidden, NotFound, RuleViolation
from core.journal_page import JournalPage, load_page
from core.lesson_access import require_marks_allowed
from core.models import (
    ATTENDANCE_LETTERS,
    AcademicYear,
    AttendanceStatus,
    Group,
    Lesson,
    Period,
    SchoolClass,
    Staff,
    Subject,
)
from core.permissions import can_read_class, teaches
from core.policy import SchoolPolicy, policy_of
from core.reading.marks import period_of, weighted_average
from core.reading.page_data import (
    RosterLine,
    final_period_marks,
    lesson_attendance,
    lesson_marks,
    page_lesson_ids,
    page_lessons,
    page_roster,
    staff_names,
)
from core.reading.views import MarkEntry, PeriodRef
from core.rows import get_in_school
from core.uow import UnitOfWork

DEFAULT_WORK_TYPE = "oral"


@dataclass(frozen=True)
class GridColumn:
    """One lesson of the page."""

    lesson_id: int
    date: dt.date
    slot: int
    work_type: str  # the column's work type: new marks get it
    topic: str
    writable: bool  # the viewer may write this lesson's cells
    substitute: str | None  # «Сидорова Е.В.» when a substitute gives the lesson
    marked_as: tuple[str, ...] = ()  # the work types of its marks, the most used first

    @property
    def heading(self) -> tuple[str, ...]:
        """What the column's header names: what its marks are, or, with none yet, what
        new marks will be (a column of tests reads «контр.», whatever was set)."""
        return self.marked_as or (self.work_type,)


@dataclass(frozen=True)
class GridMark:
    mark_id: int
    value: int
    work_type: str
    weight: float


@dataclass(frozen=True)
class GridCell:
    """What the journal holds for one student at one lesson."""

    lesson_id: int
    member: bool  # the student was in the lesson's class (and group) that day
    marks: tuple[GridMark, ...] = ()
    attendance: str | None = None  # AttendanceStatus: absent, ill, late
    minutes_late: int | None = None

    @property
    def text(self) -> str:
        """The cell as the teacher types it, with the journal's letters: «оп 5 4», «н», «5»."""
        status = self.attendance
        parts = [ATTENDANCE_LETTERS.get(AttendanceStatus(status), status)] if status else []
        return " ".join([*parts, *(str(mark.value) for mark in self.marks)])


@dataclass(frozen=True)
class GridRow:
    student_id: int
    number: int  # 1, 2, ... in the order of the list
    name: str  # «Соколов Пётр»
    cells: tuple[GridCell, ...]
    average: float | None  # weighted (core.reading.marks), over the period's marks
    period_mark: str | None  # the final period mark: 2–5, «осв», «н/а»


@dataclass(frozen=True)
class PageRef:
    """A journal page: a class or one of its groups, and a subject."""

    class_id: int
    class_name: str
    group_id: int | None
    group_name: str | None
    subject_id: int
    subject: str

    @property
    def where(self) -> str:
        return f"{self.class_name} ({self.group_name})" if self.group_name else self.class_name


@dataclass(frozen=True)
class JournalGrid:
    page: PageRef
    period: PeriodRef
    periods: tuple[PeriodRef, ...]  # the class's academic year's periods, to choose from
    columns: tuple[GridColumn, ...]
    rows: tuple[GridRow, ...]
    today: dt.date
    writable: bool  # the viewer teaches this page (a substitute writes only their lesson)
    marks_allowed: bool  # False in grade 1, electives, subjects without marks
    # The closed year or period the page's period lies in (core.closing): read-only.
    closed: str = ""

    @property
    def read_only(self) -> bool:
        """Nothing on the page is the viewer's to write (a class teacher, the deputy)."""
        return not self.writable and not any(column.writable for column in self.columns)


def page_ref(page: JournalPage) -> PageRef:
    return PageRef(
        class_id=page.klass.id or 0,
        class_name=page.klass.name,
        group_id=page.group_id,
        group_name=page.group.name if page.group else None,
        subject_id=page.subject.id or 0,
        subject=page.subject.name,
    )


async def open_page(
    uow: UnitOfWork, actor: StaffActor, *, class_id: int, subject_id: int, group_id: int | None
) -> tuple[JournalPage, bool]:
    """The page and whether the viewer teaches it; Forbidden for who may not read it."""
    page = await load_page(uow, actor, class_id=class_id, subject_id=subject_id, group_id=group_id)
    mine = await teaches(
        uow, page.staff, class_id=class_id, subject_id=subject_id, group_id=group_id
    )
    if not mine and not await can_read_class(uow, page.staff, page.klass):
        raise Forbidden("journal_not_yours", subject=page.subject.name, klass=page.where)
    return page, mine


async def journal_grid(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    class_id: int,
    subject_id: int,
    group_id: int | None = None,
    period_id: int | None = None,
) -> JournalGrid:
    """The page's grid for a period (the one holding the school's today by default).

    Reads only: pass a reading unit of work.
    """
    async with uow:
        page, mine = await open_page(
            uow, actor, class_id=class_id, subject_id=subject_id, group_id=group_id
        )
        today = school_today(page.school, uow.now())
        periods = await class_periods(uow, page)
        period = await _chosen_period(uow, page, periods, period_id, today)
        lessons = await page_lessons(uow, page, period.starts_on, period.ends_on)
        roster = await page_roster(uow, page, period.starts_on, period.ends_on)
        rows = await _rows(uow, page, period, lessons, roster)
        substitutes = await staff_names(uow, {x.substitute_id for x in lessons})
        closed = await closed_days(uow, page.klass.year_id)
        columns = tuple(
            _column(
                lesson,
                page.staff,
                mine and closed.at(lesson.date) is None,
                substitutes,
                _marked_as(rows, index, lesson.work_type or DEFAULT_WORK_TYPE),
            )
            for index, lesson in enumerate(lessons)
        )
        closure = closed.at(period.ends_on)
        return JournalGrid(
            page=page_ref(page),
            period=period,
            periods=periods,
            columns=columns,
            rows=rows,
            today=today,
            writable=mine and closure is None,
            marks_allowed=marks_allowed(page),
            closed=closure.name if closure else "",
        )


def marks_allowed(page: JournalPage) -> bool:
    """Seed 002 §2.6 and §2.5.7 and the subject's `graded`, as core's
    `require_marks_allowed` decides them."""
    scope = _PageScope(page.klass, page.group, page.subject, policy_of(page.school))
    try:
        require_marks_allowed(scope)
    except RuleViolation:  # grade 1, an elective, a subject without marks
        return False
    return True


@dataclass(frozen=True)
class _PageScope:
    """A `MarkScope` for a whole page (no lesson in particular)."""

    klass: SchoolClass
    group: Group | None
    subject: Subject
    policy: SchoolPolicy


def lesson_writable(lesson: Lesson, staff: Staff, teaches_page: bool) -> bool:
    """`require_lesson_writer`'s rule, decided for many lessons without a query each."""
    if lesson.substitute_id is not None:
        return staff.id in (lesson.substitute_id, lesson.teacher_id)
    return teaches_page


def _marked_as(rows: tuple[GridRow, ...], index: int, column_type: str) -> tuple[str, ...]:
    """The work types of a column's marks: the most used first, the column's own first
    among equals, then by name."""
    used = Counter(mark.work_type for row in rows for mark in row.cells[index].marks)
    return tuple(sorted(used, key=lambda kind: (-used[kind], kind != column_type, kind)))


def _column(
    lesson: Lesson,
    staff: Staff,
    mine: bool,
    names: dict[int, str],
    marked_as: tuple[str, ...],
) -> GridColumn:
    return GridColumn(
        lesson_id=lesson.id or 0,
        date=lesson.date,
        slot=lesson.slot,
        work_type=lesson.work_type or DEFAULT_WORK_TYPE,
        topic=lesson.topic,
        writable=lesson_writable(lesson, staff, mine),
        substitute=names.get(lesson.substitute_id or 0),
        marked_as=marked_as,
    )


async def class_periods(uow: UnitOfWork, page: JournalPage) -> tuple[PeriodRef, ...]:
    """The periods of the class's academic year, by start (the longer first on a tie)."""
    query = select(Period).where(Period.year_id == page.klass.year_id)
    rows = sorted(
        (await uow.session.exec(query)).all(),
        key=lambda p: (p.starts_on, -(p.ends_on - p.starts_on).days, p.id or 0),
    )
    return tuple(PeriodRef(p.id or 0, p.name, p.starts_on, p.ends_on) for p in rows)


async def _chosen_period(
    uow: UnitOfWork,
    page: JournalPage,
    periods: tuple[PeriodRef, ...],
    period_id: int | None,
    today: dt.date,
) -> PeriodRef:
    if period_id is not None:
        chosen = next((p for p in periods if p.period_id == period_id), None)
        if chosen is None:
            raise NotFound(what="period")
        return chosen
    current = await period_of(uow, page.school.id or 0, today)
    if current is not None and any(p.period_id == current.period_id for p in periods):
        return current
    if periods:
        return periods[0]
    # A year set up without periods: the whole academic year is the page's period.
    year = await get_in_school(uow, AcademicYear, page.klass.year_id, page.school.id or 0, "year")
    return PeriodRef(0, year.name, year.starts_on, year.ends_on)


@dataclass(frozen=True)
class _Column:
    """What a cell needs of its lesson, read once (an ORM attribute costs each time)."""

    lesson_id: int
    date: dt.date
    slot: int


async def _rows(
    uow: UnitOfWork,
    page: JournalPage,
    period: PeriodRef,
    lessons: list[Lesson],
    roster: list[RosterLine],
) -> tuple[GridRow, ...]:
    student_ids = [line.student.id or 0 for line in roster] if lessons else []
    at = page_lesson_ids(page, period.starts_on, period.ends_on)
    marks = await lesson_marks(uow, at, student_ids)
    attendance = await lesson_attendance(uow, at, student_ids)
    finals = await final_period_marks(uow, page.subject.id or 0, period.period_id, student_ids)
    columns = [_Column(lesson.id or 0, lesson.date, lesson.slot) for lesson in lessons]
    grouped = page.group is not None
    rows = []
    for number, line in enumerate(roster, start=1):
        sid = line.student.id or 0
        cells = []
        entries = []
        for column in columns:
            key = (column.lesson_id, sid)
            found = marks.get(key, ())
            row = attendance.get(key)
            cells.append(
                GridCell(
                    lesson_id=column.lesson_id,
                    member=line.attends_on(column.date, grouped=grouped),
                    marks=tuple(grid_mark(mark) for mark in found),
                    attendance=row.status if row else None,
                    minutes_late=row.minutes_late if row else None,
                )
            )
            entries += [_entry(mark, column, page.subject.name) for mark in found]
        rows.append(
            GridRow(
                student_id=sid,
                number=number,
                name=f"{line.student.last_name} {line.student.first_name}",
                cells=tuple(cells),
                average=weighted_average(entries),
                period_mark=finals.get(sid),
            )
        )
    return tuple(rows)


class MarkLike(Protocol):
    """A mark row (`Mark`) or its plain columns (`MarkRow`)."""

    @property
    def id(self) -> int | None: ...
    @property
    def value(self) -> int: ...
    @property
    def work_type(self) -> str: ...
    @property
    def weight(self) -> float: ...
    @property
    def comment(self) -> str: ...


def grid_mark(mark: MarkLike) -> GridMark:
    return GridMark(mark.id or 0, mark.value, mark.work_type, mark.weight)


def _entry(mark: MarkLike, lesson: _Column, subject: str) -> MarkEntry:
    """The mark as core.reading.marks weighs it."""
    return MarkEntry(
        mark_id=mark.id or 0,
        value=mark.value,
        work_type=mark.work_type,
        weight=mark.weight,
        comment=mark.comment,
        subject=subject,
        date=lesson.date,
        slot=lesson.slot,
    )
