"""The deputy director's dashboard: the control of the journal summed up for a span.

One read gives the whole screen (seed 001 §2, seed 002 §2.4): per teacher and per
class × subject the lessons whose topic, roll call, homework or marks came late or are
missing, the pupils below the fill minimum, the period marks due in the span and
missing, lessons held against the timetable and substitutions; per class the monthly
messages to parents (seed 004) and how far messages reach families. Lines are sorted
by what needs attention: overdue entries first, then late ones.

It is `core.reading.control.journal_control` (the rules applied to a school's journal
in a fixed number of queries), the span's choice (`core.reading.control_span`), the
homework overload days and the tests off the test schedule
(`core.reading.control_sections`, counted per teacher and per class × subject too) and,
for the deputy director and the administrator, the delivery reach
(`core.reading.control_reach`): the same number of queries whatever the school's size.
A teacher reads their own part only («Мои задолженности»), without the reach.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.actors import StaffActor
from core.control.rules import Kind, State
from core.reading.control import (
    CurriculumCheck,
    FillCheck,
    JournalControl,
    LessonCheck,
    PeriodMarksCheck,
    Place,
    journal_control,
)
from core.reading.control_reach import ClassReach, class_reach_in
from core.reading.control_sections import (
    NO_SECTIONS,
    OverloadClass,
    OverloadDay,
    Sections,
    entry_place,
    read_sections_in,
)
from core.reading.control_span import ControlSpan, PeriodChoice, SpanAsked, resolve_span_in
from core.uow import UnitOfWork

# What a lesson owes, in the order the dashboard shows it.
LESSON_KINDS = (Kind.topic, Kind.attendance, Kind.homework, Kind.marks)
# Entered once per lesson (marks are counted per pupil).
ENTRY_KINDS = (Kind.topic, Kind.attendance, Kind.homework)


@dataclass
class Figures:
    """What one teacher, one class × subject, or the school owes in the span."""

    lessons: int = 0  # lessons to fill (held, or in the journal) in the span
    late: dict[Kind, int] = field(default_factory=lambda: dict.fromkeys(LESSON_KINDS, 0))
    missing: dict[Kind, int] = field(default_factory=lambda: dict.fromkeys(LESSON_KINDS, 0))
    fill: int = 0  # pupils (per subject) below the fill minimum
    period_missing: int = 0  # pupils without a period mark whose deadline passed
    period_pending: int = 0  # pupils without a period mark due later in the span
    timetabled: int = 0
    held: int = 0
    not_held: int = 0  # days the timetable had a lesson the journal has not
    substituted: int = 0  # own lessons a substitute gave
    substituting: int = 0  # lessons given for another teacher
    overload: int = 0  # class days over the homework limit (their homework part of it)
    tests_off: int = 0  # tests held off the test schedule
    tests_not_held: int = 0  # scheduled tests not held

    @property
    def overdue(self) -> int:
        """Entries whose deadline passed without them."""
        return sum(self.missing.values()) + self.period_missing

    @property
    def behind(self) -> int:
        """Entries that came after their deadline."""
        return sum(self.late.values())

    def attention(self) -> tuple[int, int, int, int]:
        """Sort key: the most overdue first, then the latest, the least filled, not held."""
        return (-self.overdue, -self.behind, -self.fill, -self.not_held)

    def add_lesson(self, tally: LessonTally) -> None:
        self.lessons += 1
        for kind in tally.late:
            self.late[kind] += 1
        for kind in tally.missing:
            self.missing[kind] += 1
        self.late[Kind.marks] += tally.late_marks
        self.missing[Kind.marks] += tally.missing_marks


@dataclass(frozen=True)
class LessonTally:
    """What one lesson adds to the figures: its late and missing entries."""

    late: tuple[Kind, ...]  # of topic, attendance, homework
    missing: tuple[Kind, ...]
    late_marks: int
    missing_marks: int

    @classmethod
    def of(cls, check: LessonCheck, now: dt.datetime) -> LessonTally:
        states = [(kind, check.state(kind, now)) for kind in ENTRY_KINDS]
        return cls(
            late=tuple(kind for kind, state in states if state == State.late),
            missing=tuple(kind for kind, state in states if state == State.missing),
            late_marks=check.late_marks,
            missing_marks=marks_missing(check, now),
        )


def marks_missing(check: LessonCheck, now: dt.datetime) -> int:
    """Present pupils without a mark for the lesson's written work, past its deadline."""
    if check.marks is None or now <= check.marks.due_at:
        return 0
    return check.marks.missing


@dataclass(frozen=True)
class TeacherLine:
    teacher_id: int
    name: str
    figures: Figures


@dataclass(frozen=True)
class PlaceLine:
    place: Place
    class_name: str  # «7Б», «7Б (7Б англ. 1)»
    subject: str
    teachers: tuple[str, ...]
    figures: Figures


@dataclass(frozen=True)
class PeriodMarksLine:
    """A period's preliminary or final marks due in the span, over the school (or the
    teacher's classes)."""

    period_id: int
    period: str
    kind: Kind  # preliminary | final
    due_at: dt.datetime
    expected: int  # pupils owed the mark
    missing: int  # of them, without it
    late: int  # given after the deadline
    overdue: bool  # the deadline passed

    @property
    def given(self) -> int:
        return self.expected - self.missing


@dataclass(frozen=True)
class FillLine:
    period_id: int
    period: str
    pupils: int  # pupil × subject below the minimum
    pages: int  # classes × subjects with any


@dataclass(frozen=True)
class MonthlyLine:
    class_id: int
    class_name: str
    teacher: str
    sent: tuple[tuple[int, int], ...]  # (year, month) with a message, in order
    missing: tuple[tuple[int, int], ...]  # months owed and without one


@dataclass(frozen=True)
class ReachLine:
    class_name: str
    reach: ClassReach


@dataclass(frozen=True)
class ControlSummary:
    span: ControlSpan
    control: JournalControl  # the checks behind every figure (the report lists them)
    totals: Figures
    teachers: tuple[TeacherLine, ...]  # the school's; empty for a teacher's own part
    places: tuple[PlaceLine, ...]
    period_marks: tuple[PeriodMarksLine, ...]
    fill: tuple[FillLine, ...]
    substitutions: int
    monthly: tuple[MonthlyLine, ...]
    reach: tuple[ReachLine, ...]  # the deputy director's and administrator's only
    sections: Sections  # homework overload days, tests off the schedule

    @property
    def whole_school(self) -> bool:
        return self.control.whole_school

    @property
    def overload(self) -> tuple[OverloadDay, ...]:
        return self.sections.overload

    @property
    def overload_classes(self) -> tuple[OverloadClass, ...]:
        return self.sections.overload_classes

    @property
    def monthly_missing(self) -> int:
        return sum(len(line.missing) for line in self.monthly)


async def control_summary(
    uow: UnitOfWork, *, actor: StaffActor, asked: SpanAsked, teacher_id: int | None = None
) -> ControlSummary:
    """The dashboard for the span `asked` (by default the period holding today).

    The deputy director and the administrator read the school (or one teacher's part
    with `teacher_id`), a teacher their own part. Reads only: pass a reading unit of work.
    """
    async with uow:
        span = await resolve_span_in(uow, actor, asked)
    control = await journal_control(
        uow,
        actor=actor,
        start=span.start,
        end=span.end,
        teacher_id=teacher_id,
        fill_periods=span.focus_ids(),
    )
    reach: dict[int, ClassReach] = {}
    # Whose part: the school's, the one the administration asked for, a teacher's own.
    part = None if control.whole_school else (teacher_id if teacher_id else actor.staff_id)
    async with uow:
        sections = await read_sections_in(uow, control=control, span=span, teacher_id=part)
        if control.whole_school:
            reach = await class_reach_in(
                uow,
                school_id=control.school_id,
                timezone=control.zone.key,
                policy=control.policy,
                class_ids=sorted(control.names.classes),
                today=control.today,
                start=span.start,
                end=min(span.end, control.today),
            )
    return summarize(span, control, reach, sections)


def summarize(
    span: ControlSpan,
    control: JournalControl,
    reach: dict[int, ClassReach],
    sections: Sections = NO_SECTIONS,
) -> ControlSummary:
    """The figures of `control` and `sections` for `span` (pure: the report and the tests
    call it too)."""
    totals = Figures()
    by_teacher: dict[int, Figures] = defaultdict(Figures)
    by_place: dict[Place, Figures] = defaultdict(Figures)
    teachers_of: dict[Place, set[int]] = defaultdict(set)
    now = control.now
    for check in control.lessons:
        tally = LessonTally.of(check, now)
        for figures in (totals, by_teacher[check.teacher_id], by_place[check.place]):
            figures.add_lesson(tally)
        teachers_of[check.place].add(check.owner_id)
    for check in control.lessons:
        if check.teacher_id != check.owner_id:
            totals.substituted += 1
            by_teacher[check.teacher_id].substituting += 1
            if control.whole_school:
                by_teacher[check.owner_id].substituted += 1
            by_place[check.place].substituted += 1
    for row in control.curriculum:
        for figures in (totals, by_teacher[row.teacher_id], by_place[row.place]):
            _add_curriculum(figures, row)
        teachers_of[row.place].add(row.teacher_id)
    for fill in fill_in_focus(control, span):
        for figures in (totals, by_teacher[fill.teacher_id], by_place[fill.place]):
            figures.fill += 1
        teachers_of[fill.place].add(fill.teacher_id)
    for due in period_marks_due(control, span):
        overdue = due.state(now) == State.missing
        for figures in (totals, by_teacher[due.teacher_id], by_place[due.place]):
            if overdue:
                figures.period_missing += len(due.missing)
            else:
                figures.period_pending += len(due.missing)
        teachers_of[due.place].add(due.teacher_id)
    _add_sections(sections, totals, by_teacher, by_place, teachers_of)
    names = control.names
    teacher_lines = [
        TeacherLine(tid, names.staff.get(tid, ""), figures) for tid, figures in by_teacher.items()
    ]
    teacher_lines.sort(key=lambda line: (line.figures.attention(), line.name, line.teacher_id))
    place_lines = [
        PlaceLine(
            place,
            names.place(place),
            names.subjects.get(place.subject_id, ""),
            tuple(sorted(names.staff.get(t, "") for t in teachers_of[place])),
            figures,
        )
        for place, figures in by_place.items()
    ]
    place_lines.sort(key=lambda line: (line.figures.attention(), line.class_name, line.subject))
    return ControlSummary(
        span=span,
        control=control,
        totals=totals,
        teachers=tuple(teacher_lines) if control.whole_school else (),
        places=tuple(place_lines),
        period_marks=tuple(_period_lines(control, span)),
        fill=tuple(_fill_lines(control, span)),
        substitutions=totals.substituted,
        monthly=tuple(_monthly_lines(control)),
        reach=tuple(
            ReachLine(names.classes.get(class_id, ""), line)
            for class_id, line in sorted(
                reach.items(), key=lambda item: _class_order(names.classes.get(item[0], ""))
            )
        ),
        sections=sections,
    )


def _add_sections(
    sections: Sections,
    totals: Figures,
    by_teacher: dict[int, Figures],
    by_place: dict[Place, Figures],
    teachers_of: dict[Place, set[int]],
) -> None:
    """An overload day counts once for the school (or the part) and once for each teacher
    and page whose homework is part of it; a test for its teacher and page."""
    for day in sections.overload:
        totals.overload += 1
        for teacher in {t for t, _ in day.givers}:
            by_teacher[teacher].overload += 1
        for place in {p for _, p in day.givers}:
            by_place[place].overload += 1
        for teacher, place in day.givers:
            teachers_of[place].add(teacher)
    for entry in sections.tests_off:
        place = entry_place(entry)
        for figures in (totals, by_teacher[entry.teacher_id], by_place[place]):
            figures.tests_off += 1
        teachers_of[place].add(entry.teacher_id)
    for entry in sections.tests_not_held:
        place = entry_place(entry)
        for figures in (totals, by_teacher[entry.teacher_id], by_place[place]):
            figures.tests_not_held += 1
        teachers_of[place].add(entry.teacher_id)


def fill_in_focus(control: JournalControl, span: ControlSpan) -> list[FillCheck]:
    """The pupils below the minimum in the span's focus periods."""
    focus = span.focus_ids()
    return [f for f in control.fill if f.period_id in focus]


def period_marks_due(control: JournalControl, span: ControlSpan) -> list[PeriodMarksCheck]:
    """The period marks due within the span, for classes with pupils."""
    return [
        c for c in control.period_marks if c.expected and span.due_within(c.due_at, control.zone)
    ]


def _add_curriculum(figures: Figures, row: CurriculumCheck) -> None:
    figures.timetabled += row.timetabled
    figures.held += row.held
    figures.not_held += len(row.not_held)


def _period_name(span: ControlSpan, period_id: int) -> str:
    known: Iterable[PeriodChoice] = (*span.focus, *span.periods)
    return next((p.name for p in known if p.period_id == period_id), "")


def _period_lines(control: JournalControl, span: ControlSpan) -> list[PeriodMarksLine]:
    grouped: dict[tuple[int, Kind], list[PeriodMarksCheck]] = defaultdict(list)
    for check in period_marks_due(control, span):
        grouped[(check.period_id, check.kind)].append(check)
    lines = [
        PeriodMarksLine(
            period_id=period_id,
            period=_period_name(span, period_id),
            kind=kind,
            due_at=checks[0].due_at,
            expected=sum(c.expected for c in checks),
            missing=sum(len(c.missing) for c in checks),
            late=sum(c.late for c in checks),
            overdue=control.now > checks[0].due_at,
        )
        for (period_id, kind), checks in grouped.items()
    ]
    return sorted(lines, key=lambda line: (line.due_at, line.kind != Kind.preliminary))


def _fill_lines(control: JournalControl, span: ControlSpan) -> list[FillLine]:
    checks = fill_in_focus(control, span)
    return [
        FillLine(
            period_id=period.period_id,
            period=period.name,
            pupils=sum(1 for f in checks if f.period_id == period.period_id),
            pages=len({f.place for f in checks if f.period_id == period.period_id}),
        )
        for period in span.focus
    ]


def _monthly_lines(control: JournalControl) -> list[MonthlyLine]:
    names = control.names
    lines = [
        MonthlyLine(
            class_id=check.class_id,
            class_name=names.classes.get(check.class_id, ""),
            teacher=names.staff.get(check.teacher_id, ""),
            sent=tuple(sorted(check.sent)),
            missing=check.missing,
        )
        for check in control.monthly
    ]
    return sorted(lines, key=lambda line: (-len(line.missing), _class_order(line.class_name)))


def _class_order(name: str) -> tuple[int, str]:
    """«5А» before «10А»: by grade, then letter."""
    grade = re.match(r"\d+", name)
    return (int(grade.group(0)) if grade else 0, name)
