"""The regulations' deadlines (core/control/rules.py), each rule and policy variant."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.control.rules import (
    Due,
    Kind,
    LessonFacts,
    State,
    expects_marks,
    fill_minimum,
    final_due,
    homework_due,
    lesson_dues,
    mark_due,
    marks_due,
    preliminary_due,
)
from core.policy import SchoolPolicy

MSK = ZoneInfo("Europe/Moscow")
MONDAY = dt.date(2026, 11, 23)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A time in Moscow in November 2026."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=MSK)


def facts(**changes: object) -> LessonFacts:
    base: dict[str, object] = {
        "date": MONDAY,
        "grade": 7,
        "elective": False,
        "work_type": None,
        "class_last_lesson_end": dt.time(14, 40),
        "topic_at": None,
        "roll_called_at": None,
        "homework_at": None,
    }
    base.update(changes)
    return LessonFacts(**base)  # type: ignore[arg-type]


def test_a_due_thing_is_on_time_late_missing_or_upcoming() -> None:
    due = at(23, 16)
    assert Due(due, at(23, 15)).state(at(30, 9)) == State.on_time
    assert Due(due, at(23, 16)).state(at(30, 9)) == State.on_time  # at the minute itself
    assert Due(due, at(23, 17)).state(at(30, 9)) == State.late
    assert Due(due, None).state(at(23, 15)) == State.upcoming
    assert Due(due, None).state(at(23, 17)) == State.missing


def test_topic_and_roll_call_are_due_by_the_schools_midnight_after_the_lesson() -> None:
    dues = lesson_dues(
        SchoolPolicy(), MSK, facts(topic_at=at(23, 23, 59), roll_called_at=at(24, 0, 1))
    )
    assert dues[Kind.topic].due_at == at(24, 0)
    assert dues[Kind.topic].state(at(25, 9)) == State.on_time
    assert dues[Kind.attendance].state(at(25, 9)) == State.late


def test_homework_is_due_after_the_class_s_last_lesson_or_at_a_fixed_time() -> None:
    # Seed 003 §2.3.2: 1.5 hours after the class's last lesson (the default).
    assert homework_due(SchoolPolicy(), MSK, day=MONDAY, last_end=dt.time(14, 40)) == at(23, 16, 10)
    # Seed 001: one hour.
    hour = SchoolPolicy(homework_minutes_after_last_lesson=60)
    assert homework_due(hour, MSK, day=MONDAY, last_end=dt.time(14, 40)) == at(23, 15, 40)
    # Seed 002 §2.5.9: by 17:00, whatever the bells.
    fixed = SchoolPolicy(homework_deadline="fixed_time")
    assert homework_due(fixed, MSK, day=MONDAY, last_end=dt.time(14, 40)) == at(23, 17)
    assert homework_due(fixed, MSK, day=MONDAY, last_end=None) == at(23, 17)
    # No bell schedule: the last lesson's end is unknown; the day's end stands in.
    assert homework_due(SchoolPolicy(), MSK, day=MONDAY, last_end=None) == at(24, 0)


def test_marks_are_due_by_work_type_and_grade() -> None:
    policy = SchoolPolicy()

    def last_day(grade: int, work: str) -> dt.date:
        due = mark_due(policy, MSK, grade=grade, work_type=work, day=MONDAY)
        assert due.timetz() == dt.time(0, tzinfo=MSK)
        return due.date() - dt.timedelta(days=1)

    # Seed 002 §2.5.4: oral work the next day; written 3 days (grades 2–8) or 4 (9–11).
    assert last_day(7, "oral") == dt.date(2026, 11, 24)
    assert last_day(7, "test") == dt.date(2026, 11, 26)
    assert last_day(10, "dictation") == dt.date(2026, 11, 27)
    # An essay in grades 9–11 gets 14 days; in grade 7 it is written work.
    assert last_day(10, "essay") == dt.date(2026, 12, 7)
    assert last_day(7, "essay") == dt.date(2026, 11, 26)
    # Seed 003 §2.3.3: a week for everything written, as a school may set it.
    week = SchoolPolicy(written_mark_days_junior=7, written_mark_days_senior=7)
    assert mark_due(week, MSK, grade=5, work_type="lab", day=MONDAY) == dt.datetime(
        2026, 12, 1, tzinfo=MSK
    )


def test_written_work_owes_a_mark_for_each_pupil_present() -> None:
    policy = SchoolPolicy()
    test = facts(work_type="test")
    counted = marks_due(
        policy,
        MSK,
        test,
        present=frozenset({1, 2, 3}),
        marked={1: at(24, 10), 2: at(27, 10), 9: at(24, 10)},  # 9 was absent: not counted
    )
    assert counted is not None
    assert (counted.expected, counted.on_time, counted.late, counted.missing) == (3, 1, 1, 1)
    assert counted.state(at(26, 12)) == State.upcoming  # pupil 3 may still get one
    assert counted.state(at(27, 12)) == State.missing
    complete = marks_due(policy, MSK, test, present=frozenset({1}), marked={1: at(24, 10)})
    assert complete is not None and complete.state(at(30, 12)) == State.on_time


def test_nothing_is_due_that_never_was() -> None:
    policy = SchoolPolicy()
    # Oral work: no mark is owed for every pupil.
    assert marks_due(policy, MSK, facts(), present=frozenset({1}), marked={}) is None
    # Seed 002 §2.6: no marks in grade 1.
    grade_one = facts(grade=1, work_type="test")
    assert marks_due(policy, MSK, grade_one, present=frozenset({1}), marked={}) is None
    # Seed 002 §2.5.7: an elective kept for attendance only.
    elective = facts(elective=True, work_type="test")
    assert marks_due(policy, MSK, elective, present=frozenset({1}), marked={}) is None
    assert not expects_marks(policy, grade=7, elective=True)
    graded = SchoolPolicy(electives_attendance_only=False, marks_from_grade=1)
    assert expects_marks(graded, grade=1, elective=True)
    assert marks_due(graded, MSK, elective, present=frozenset({1}), marked={}) is not None


def test_period_marks_are_due_before_the_holidays_and_by_the_period_s_end() -> None:
    policy = SchoolPolicy()
    end, holidays = dt.date(2026, 12, 28), dt.date(2026, 12, 29)
    # Seed 002 §2.5.6: at least 10 days before the holidays: the 19th is the last day.
    due = preliminary_due(policy, MSK, period_ends=end, holidays_start=holidays)
    assert due == dt.datetime(2026, 12, 20, tzinfo=MSK)
    five = SchoolPolicy(preliminary_marks_days_before_holidays=5)
    assert preliminary_due(five, MSK, period_ends=end, holidays_start=holidays) == dt.datetime(
        2026, 12, 25, tzinfo=MSK
    )
    # The year's last period: no holidays follow; counted back from the day after it.
    assert preliminary_due(policy, MSK, period_ends=end, holidays_start=None) == due
    assert final_due(MSK, period_ends=end) == dt.datetime(2026, 12, 29, tzinfo=MSK)


def test_the_fill_minimum_follows_the_subject_s_lessons_a_week() -> None:
    policy = SchoolPolicy()
    assert [fill_minimum(policy, lessons_a_week=n) for n in (1, 2, 3, 5)] == [3, 3, 5, 5]
    strict = SchoolPolicy(fill_min_marks_light=4, fill_min_marks_heavy=8)
    assert [fill_minimum(strict, lessons_a_week=n) for n in (2, 3)] == [4, 8]
