"""What a reader of one student's diary gets: plain, frozen values, no database rows.

The bot, the web app and the printed weekly summary all render these; none of them
queries the journal itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class StudentCard:
    """Who a page is about."""

    student_id: int
    first_name: str
    last_name: str
    middle_name: str
    class_name: str | None
    school_name: str

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def label(self) -> str:
        """«Пётр Соколов, 7Б», as the bot names a child."""
        name = f"{self.first_name} {self.last_name}"
        return f"{name}, {self.class_name}" if self.class_name else name


@dataclass(frozen=True)
class MarkEntry:
    mark_id: int
    value: int
    work_type: str
    weight: float
    comment: str
    subject: str
    date: dt.date
    slot: int


@dataclass(frozen=True)
class HomeworkEntry:
    homework_id: int
    subject: str
    text: str
    lesson_date: dt.date  # the lesson it was set at
    slot: int
    due_date: dt.date | None
    individual: bool  # set for this student alone (or a few named students)
    minutes: int | None = None  # the teacher's estimate of the time it takes


@dataclass(frozen=True)
class AttendanceEntry:
    status: str  # AttendanceStatus: absent («н»), ill («б»), late («оп»)
    minutes_late: int | None
    subject: str
    date: dt.date
    slot: int


@dataclass(frozen=True)
class RemarkEntry:
    kind: str  # remark | praise | appeal
    text: str
    subject: str | None  # None: written outside any lesson
    date: dt.date


@dataclass(frozen=True)
class DiaryLesson:
    lesson_id: int
    slot: int
    subject: str
    group: str | None
    topic: str
    marks: tuple[MarkEntry, ...] = ()
    attendance: AttendanceEntry | None = None
    homework: tuple[HomeworkEntry, ...] = ()
    remarks: tuple[RemarkEntry, ...] = ()


@dataclass(frozen=True)
class TestNote:
    """A test in the schedule (график контрольных работ), as a family reads it."""

    date: dt.date
    subject: str
    group: str | None  # a group's test: the group's name
    work_type: str  # core.test_limits.TEST_KINDS
    title: str


@dataclass(frozen=True)
class DiaryDay:
    date: dt.date
    lessons: tuple[DiaryLesson, ...] = ()
    remarks: tuple[RemarkEntry, ...] = ()  # written outside any lesson that day
    holiday: str | None = None
    tests: tuple[TestNote, ...] = ()  # planned in the test schedule for that day


@dataclass(frozen=True)
class WeekDiary:
    """A paper diary's page: Monday to Saturday."""

    student: StudentCard
    week_start: dt.date  # a Monday
    today: dt.date
    days: tuple[DiaryDay, ...]

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=5)


@dataclass(frozen=True)
class DayHomework:
    """Homework set at the day's lessons, and homework set earlier that is due that day."""

    date: dt.date
    items: tuple[HomeworkEntry, ...] = ()
    holiday: str | None = None


@dataclass(frozen=True)
class HomeworkAhead:
    student: StudentCard
    today: dt.date
    days: tuple[DayHomework, ...]


@dataclass(frozen=True)
class PeriodRef:
    period_id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True)
class SubjectAverage:
    """A subject's marks in a period and their average, weighted by each mark's weight."""

    subject: str
    average: float
    values: tuple[int, ...]  # in the order they were given


@dataclass(frozen=True)
class MarksOverview:
    student: StudentCard
    today: dt.date
    recent_days: int
    recent: tuple[MarkEntry, ...]  # newest first
    period: PeriodRef | None
    averages: tuple[SubjectAverage, ...]
    marks_given: bool  # False where the school gives no marks (grade 1)


@dataclass(frozen=True)
class AbsencesOverview:
    student: StudentCard
    period: PeriodRef | None
    since: dt.date
    until: dt.date
    counts: Mapping[str, int] = field(default_factory=dict)  # absent / ill / late -> lessons
    items: tuple[AttendanceEntry, ...] = ()  # newest first


@dataclass(frozen=True)
class UpcomingTests:
    """The student's tests in the schedule from today to `until`."""

    student: StudentCard
    today: dt.date
    until: dt.date
    tests: tuple[TestNote, ...] = ()
