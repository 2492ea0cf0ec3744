"""Quarter and year marks, and the test schedule.

Preliminary quarter marks come a few days before their deadline, `SchoolPolicy.
preliminary_marks_days_before_holidays` before the holidays after the quarter (seed 002
§2.5.6), a few courses' some days late; final marks on the quarter's last day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.demo.grading import period_value
from core.demo.journal import Journal
from core.demo.plan import Course
from core.policy import SchoolPolicy

PRELIMINARY_LATE_SHARE = 0.04  # courses whose preliminary marks come after the deadline

Row = dict[str, Any]


def period_marks(journal: Journal, today: dt.date) -> list[Row]:
    """Seed 002 §2.5.6: final marks by the last day of each period that has ended.

    The year mark is the rounded average of the four quarter marks, once the year is over.
    """
    plan = journal.plan
    calendar = plan.calendar
    rows: list[Row] = []
    finished = [q for q, quarter in enumerate(calendar.quarters) if quarter.ends_on < today]
    year_over = calendar.ends_on < today
    for course in (c for c in plan.courses if c.marked):
        for q in finished:
            last_day = max(d for d in calendar.school_days if d in calendar.quarters[q])
            for student in course.students:
                average = journal.book.average(student.index, course.subject.name, q)
                rows.append(
                    _row(
                        journal,
                        course,
                        plan.period_ids[q],
                        student.id,
                        period_value(average),
                        last_day,
                    )
                )
        if year_over:
            for student in course.students:
                rows.append(_year_row(journal, course, student.index, student.id))
    return rows + _preliminary_marks(journal, today)


def _preliminary_marks(journal: Journal, today: dt.date) -> list[Row]:
    plan, rng = journal.plan, journal.late.rng
    calendar = plan.calendar
    breaks = sorted(h.starts_on for h in calendar.holidays)
    days_before = dt.timedelta(days=SchoolPolicy().preliminary_marks_days_before_holidays)
    rows: list[Row] = []
    for q, quarter in enumerate(calendar.quarters):
        after = next((d for d in breaks if d > quarter.ends_on), None)
        due = (after or quarter.ends_on + dt.timedelta(days=1)) - days_before
        for course in (c for c in plan.courses if c.marked):
            late = rng.random() < PRELIMINARY_LATE_SHARE
            shift = rng.randint(1, 3) if late else -rng.randint(0, 3)
            day = due + dt.timedelta(days=shift)
            if day > today:
                continue  # not given yet
            for student in course.students:
                average = journal.book.average(student.index, course.subject.name, q)
                row = _row(
                    journal, course, plan.period_ids[q], student.id, period_value(average), day
                )
                rows.append(row | {"kind": "preliminary"})
    return rows


def _year_row(journal: Journal, course: Course, student_index: int, student_id: int) -> Row:
    quarters = []
    for q in range(len(journal.plan.calendar.quarters)):
        value = period_value(journal.book.average(student_index, course.subject.name, q))
        if value.isdigit():
            quarters.append(int(value))
    average = sum(quarters) / len(quarters) if quarters else None
    last_day = journal.plan.calendar.school_days[-1]
    return _row(
        journal, course, journal.plan.period_ids[-1], student_id, period_value(average), last_day
    )


def _row(
    journal: Journal, course: Course, period_id: int, student_id: int, value: str, day: dt.date
) -> Row:
    plan = journal.plan
    return {
        "school_id": plan.school_id,
        "period_id": period_id,
        "student_id": student_id,
        "subject_id": plan.subject_ids[course.subject.name],
        "class_id": course.klass.id,
        "value": value,
        "kind": "final",
        "version": 1,
        "created_at": journal.at(day, 15 * 60 + journal.rng.uniform(0, 180)),
        "created_by": course.teacher.id,
    }


# About one control work in forty was held a school day before the day the schedule
# gives it (the teacher moved it and did not re-plan): the journal's control finds it
# held off schedule, and the scheduled day's test not held.
MOVED_EVERY = 41


def scheduled_tests(journal: Journal) -> list[Row]:
    """The year's test schedule, each entry published on its quarter's first school day."""
    plan = journal.plan
    calendar = plan.calendar
    firsts = [min(d for d in calendar.school_days if d in q) for q in calendar.quarters]
    days = sorted(calendar.school_days)
    taken = {
        (year.course.klass.id, day)
        for year in journal.years.values()
        for k, (day, _slot) in enumerate(year.meetings)
        if year.control_at(k) is not None
    }
    rows = []
    for year in journal.years.values():
        course = year.course
        for k, (held_on, _slot) in enumerate(year.meetings):
            work = year.control_at(k)
            if work is None:
                continue
            day = held_on
            if (course.index * 7 + k) % MOVED_EVERY == 0:
                # The next school day the class has no other test (SanPiN: one a day).
                free = [d for d in days if d > held_on and (course.klass.id, d) not in taken]
                if free:
                    day = free[0]
                    taken.add((course.klass.id, day))
            quarter = calendar.quarter_index(day) or 0
            rows.append(
                {
                    "school_id": plan.school_id,
                    "class_id": course.klass.id,
                    "group_id": course.group.id if course.group else None,
                    "subject_id": plan.subject_ids[course.subject.name],
                    "teacher_id": course.teacher.id,
                    "date": day,
                    "work_type": work,
                    "title": year.topic(k),
                    "created_at": journal.at(firsts[quarter], 14 * 60),
                    "created_by": course.teacher.id,
                }
            )
    return rows
