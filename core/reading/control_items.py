"""The items behind a figure of the dashboard: which lessons, which pupils.

Each figure of `core.reading.control_summary` counts checks of
`core.reading.control.journal_control`; these reads list the same checks, chosen by
the same span (`SpanAsked`) and narrowed by teacher, class and subject, so a list
always holds what its figure counted:

- lessons (`control_lessons`): a topic, roll call or homework late or missing (with
  when it was due and when it came), marks late or missing (per lesson: pupils owed,
  on time, late, missing), lessons a substitute gave, days the timetable had a lesson
  the journal has not;
- pupils (`control_pupils`): below the fill minimum (their marks against it), without a
  preliminary or final period mark due in the span.

A place filter with a class and a subject is exact (a group's page with `group_id`,
the whole class's without); with a class alone it takes every page of the class.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from core.actors import StaffActor
from core.control.rules import Kind, MarksDue, State
from core.errors import Forbidden, RuleViolation
from core.reading.control import JournalControl, LessonCheck, Names, Place, journal_control
from core.reading.control_span import ControlSpan, SpanAsked, resolve_span_in
from core.reading.control_summary import fill_in_focus, marks_missing, period_marks_due
from core.uow import UnitOfWork


class LessonList(StrEnum):
    topic = "topic"
    attendance = "attendance"
    homework = "homework"
    marks = "marks"
    substituted = "substituted"  # the teacher's own lessons another gave
    substituting = "substituting"  # lessons the teacher gave for another
    not_held = "not_held"  # timetabled, not in the journal


class PupilList(StrEnum):
    fill = "fill"
    period_marks = "period_marks"


@dataclass(frozen=True)
class Filter:
    """Whose items: a teacher, a class (and a subject, and a group)."""

    teacher_id: int | None = None
    class_id: int | None = None
    subject_id: int | None = None
    group_id: int | None = None

    def takes(self, place: Place) -> bool:
        if self.class_id is not None and place.class_id != self.class_id:
            return False
        if self.subject_id is not None:
            if place.subject_id != self.subject_id:
                return False
            if self.class_id is not None and place.group_id != self.group_id:
                return False
        return True

    def words(self, names: Names) -> str:
        """«Иванова М.П. · 7Б (7Б англ. 1) · Английский язык»: the filter in words."""
        parts: list[str] = []
        if self.teacher_id is not None:
            parts.append(names.staff.get(self.teacher_id, ""))
        if self.class_id is not None and self.subject_id is not None:
            parts.append(names.place(Place(self.class_id, self.group_id, self.subject_id)))
        elif self.class_id is not None:
            parts.append(names.classes.get(self.class_id, ""))
        if self.subject_id is not None:
            parts.append(names.subjects.get(self.subject_id, ""))
        return " · ".join(part for part in parts if part)


@dataclass(frozen=True)
class LessonItem:
    lesson_id: int | None  # None: a timetabled lesson the journal has not
    date: dt.date
    slot: int | None
    class_name: str
    subject: str
    teacher: str  # who fills it (the substitute when there is one)
    owner: str  # the teacher of the timetable
    due_at: dt.datetime | None
    done_at: dt.datetime | None
    state: State | None
    marks: MarksDue | None  # for marks: pupils owed, on time, late, missing
    late_marks: int
    missing_marks: int


@dataclass(frozen=True)
class PupilItem:
    student_id: int
    name: str
    class_name: str
    subject: str
    teacher: str
    period: str
    kind: Kind | None  # period marks: preliminary or final; None for the fill rate
    marks: int | None  # the fill rate: the pupil's marks, against `minimum`
    minimum: int | None
    due_at: dt.datetime | None  # period marks: by when
    overdue: bool


T = TypeVar("T")


@dataclass(frozen=True)
class ItemList(Generic[T]):
    span: ControlSpan
    control: JournalControl
    items: tuple[T, ...]

    @property
    def total(self) -> int:
        return len(self.items)


async def control_lessons(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    asked: SpanAsked,
    what: LessonList,
    state: State | None = None,
    where: Filter = Filter(),
) -> ItemList[LessonItem]:
    """The lessons behind a figure; `state` (late or missing) for the entries' lists."""
    span, control = await _read(uow, actor, asked, where)
    if what in (LessonList.topic, LessonList.attendance, LessonList.homework, LessonList.marks):
        if state not in (State.late, State.missing):
            raise RuleViolation("control_state_needed", value=str(state or ""))
        items = _entries(control, Kind(what.value), state, where)
    elif what == LessonList.not_held:
        items = _not_held(control, where)
    else:
        items = _substitutions(control, what, where)
    return ItemList(span, control, tuple(items))


async def control_pupils(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    asked: SpanAsked,
    what: PupilList,
    period_id: int | None = None,
    kind: Kind | None = None,
    overdue: bool | None = None,
    where: Filter = Filter(),
) -> ItemList[PupilItem]:
    """The pupils behind a figure: below the fill minimum in the span's focus periods
    (or `period_id` among them), or without a period mark due in the span (of `kind`,
    `overdue` or not yet)."""
    span, control = await _read(uow, actor, asked, where)
    if what == PupilList.fill:
        items = _fill(control, span, period_id, where)
    else:
        items = _period_marks(control, span, period_id, kind, overdue, where)
    items.sort(key=lambda item: (item.class_name, item.subject, item.name, item.student_id))
    return ItemList(span, control, tuple(items))


async def _read(
    uow: UnitOfWork, actor: StaffActor, asked: SpanAsked, where: Filter
) -> tuple[ControlSpan, JournalControl]:
    async with uow:
        span = await resolve_span_in(uow, actor, asked)
    # The whole part the reader may see: a filter on the teacher is applied to the
    # checks, since a substitution is listed under the teacher it was given for too.
    control = await journal_control(
        uow, actor=actor, start=span.start, end=span.end, fill_periods=span.focus_ids()
    )
    if not control.whole_school and where.teacher_id not in (None, actor.staff_id):
        raise Forbidden("control_own_part_only")
    return span, control


def _lesson_item(
    control: JournalControl,
    check: LessonCheck,
    *,
    due_at: dt.datetime | None = None,
    done_at: dt.datetime | None = None,
    state: State | None = None,
) -> LessonItem:
    names = control.names
    return LessonItem(
        lesson_id=check.lesson_id,
        date=check.date,
        slot=check.slot,
        class_name=names.place(check.place),
        subject=names.subjects.get(check.place.subject_id, ""),
        teacher=names.staff.get(check.teacher_id, ""),
        owner=names.staff.get(check.owner_id, ""),
        due_at=due_at,
        done_at=done_at,
        state=state,
        marks=check.marks,
        late_marks=check.late_marks,
        missing_marks=marks_missing(check, control.now),
    )


def _ordered(checks: list[LessonCheck]) -> list[LessonCheck]:
    return sorted(checks, key=lambda c: (c.date, c.slot, c.lesson_id))


def _entries(control: JournalControl, kind: Kind, state: State, where: Filter) -> list[LessonItem]:
    now = control.now
    checks = [
        c
        for c in control.lessons
        if where.takes(c.place) and where.teacher_id in (None, c.teacher_id)
    ]
    items: list[LessonItem] = []
    for check in _ordered(checks):
        if kind == Kind.marks:
            count = check.late_marks if state == State.late else marks_missing(check, now)
            if count:
                by = check.marks.due_at if check.marks is not None else None
                items.append(_lesson_item(control, check, due_at=by, state=state))
            continue
        if check.state(kind, now) == state:
            due = check.dues[kind]
            items.append(
                _lesson_item(control, check, due_at=due.due_at, done_at=due.done_at, state=state)
            )
    return items


def _substitutions(control: JournalControl, what: LessonList, where: Filter) -> list[LessonItem]:
    def whose(check: LessonCheck) -> int:
        return check.owner_id if what == LessonList.substituted else check.teacher_id

    checks = [
        c
        for c in control.lessons
        if c.teacher_id != c.owner_id
        and where.takes(c.place)
        and where.teacher_id in (None, whose(c))
    ]
    return [_lesson_item(control, check) for check in _ordered(checks)]


def _not_held(control: JournalControl, where: Filter) -> list[LessonItem]:
    names = control.names
    items = [
        LessonItem(
            lesson_id=None,
            date=day,
            slot=None,
            class_name=names.place(row.place),
            subject=names.subjects.get(row.place.subject_id, ""),
            teacher=names.staff.get(row.teacher_id, ""),
            owner=names.staff.get(row.teacher_id, ""),
            due_at=None,
            done_at=None,
            state=State.missing,
            marks=None,
            late_marks=0,
            missing_marks=0,
        )
        for row in control.curriculum
        if where.takes(row.place) and where.teacher_id in (None, row.teacher_id)
        for day in row.not_held
    ]
    return sorted(items, key=lambda item: (item.date, item.class_name, item.subject))


def _pupil(
    control: JournalControl,
    student_id: int,
    place: Place,
    teacher_id: int,
    period: str,
    *,
    kind: Kind | None = None,
    marks: tuple[int, int] | None = None,
    due: tuple[dt.datetime, bool] | None = None,
) -> PupilItem:
    names = control.names
    return PupilItem(
        student_id=student_id,
        name=names.students.get(student_id, ""),
        class_name=names.place(place),
        subject=names.subjects.get(place.subject_id, ""),
        teacher=names.staff.get(teacher_id, ""),
        period=period,
        kind=kind,
        marks=marks[0] if marks else None,
        minimum=marks[1] if marks else None,
        due_at=due[0] if due else None,
        overdue=due[1] if due else False,
    )


def _period_names(span: ControlSpan) -> dict[int, str]:
    return {p.period_id: p.name for p in (*span.periods, *span.focus)}


def _fill(
    control: JournalControl, span: ControlSpan, period_id: int | None, where: Filter
) -> list[PupilItem]:
    periods = _period_names(span)
    return [
        _pupil(
            control,
            f.student_id,
            f.place,
            f.teacher_id,
            periods.get(f.period_id, ""),
            marks=(f.marks, f.minimum),
        )
        for f in fill_in_focus(control, span)
        if period_id in (None, f.period_id)
        and where.takes(f.place)
        and where.teacher_id in (None, f.teacher_id)
    ]


def _period_marks(
    control: JournalControl,
    span: ControlSpan,
    period_id: int | None,
    kind: Kind | None,
    overdue: bool | None,
    where: Filter,
) -> list[PupilItem]:
    periods = _period_names(span)
    items: list[PupilItem] = []
    for check in period_marks_due(control, span):
        late = check.state(control.now) == State.missing
        if period_id not in (None, check.period_id) or kind not in (None, check.kind):
            continue
        if overdue not in (None, late) or not where.takes(check.place):
            continue
        if where.teacher_id not in (None, check.teacher_id):
            continue
        period = periods.get(check.period_id, "")
        items += [
            _pupil(
                control,
                pupil,
                check.place,
                check.teacher_id,
                period,
                kind=check.kind,
                due=(check.due_at, late),
            )
            for pupil in check.missing
        ]
    return items
