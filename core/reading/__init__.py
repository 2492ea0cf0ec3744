"""Reads: what the pages, the bot and the reports show; they write nothing (the commands
are `core.services`). The package itself is one student's diary as its readers see
it: the bot, the web app and the printed weekly summary all read through here, with
the permission checks of `access`.

Each public function takes a `UnitOfWork` (a `ReadingUnit` reads without taking a
write lock) and the acting person, and returns frozen values from `views`.
"""

from core.reading.access import ReadingUnit, ReadScope, open_student
from core.reading.diary import (
    homework_ahead,
    homework_days,
    homework_for_day,
    monday_of,
    next_school_day,
    week_diary,
)
from core.reading.marks import absences_overview, marks_overview, weighted_average
from core.reading.upcoming_tests import upcoming_tests
from core.reading.views import (
    AbsencesOverview,
    AttendanceEntry,
    DayHomework,
    DiaryDay,
    DiaryLesson,
    HomeworkAhead,
    HomeworkEntry,
    MarkEntry,
    MarksOverview,
    PeriodRef,
    RemarkEntry,
    StudentCard,
    SubjectAverage,
    TestNote,
    UpcomingTests,
    WeekDiary,
)

__all__ = [
    "AbsencesOverview",
    "AttendanceEntry",
    "DayHomework",
    "DiaryDay",
    "DiaryLesson",
    "HomeworkAhead",
    "HomeworkEntry",
    "MarkEntry",
    "MarksOverview",
    "PeriodRef",
    "ReadScope",
    "ReadingUnit",
    "RemarkEntry",
    "StudentCard",
    "SubjectAverage",
    "TestNote",
    "UpcomingTests",
    "WeekDiary",
    "absences_overview",
    "homework_ahead",
    "homework_days",
    "homework_for_day",
    "marks_overview",
    "monday_of",
    "next_school_day",
    "open_student",
    "upcoming_tests",
    "week_diary",
    "weighted_average",
]
