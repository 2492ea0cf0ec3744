"""The demo school's previous academic year, closed by the administrator at the end of June.

The same pupils one grade lower in classes of the same letters (this year's first
graders were not at school yet; last year's leavers are gone), with a journal made
by the same generators as this year's (`core.demo.journal`, `core.demo.periods`):
lessons with topics, attendance, marks, homework, quarter and year marks.

To keep `zvonok demo` quick, last year's journal holds each class's mathematics
(«Математика», from grade 7 «Алгебра» and «Геометрия») only, taught at this year's
bells by this year's teachers of the subject: a whole year of every subject would
load three times this year's autumn. Its timetable is not written (the control of
this year reads the timetable), only its teaching assignments, which let the
teachers read last year's journal.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from core.demo.bulk import insert_ids, insert_rows
from core.demo.calendar import TIMEZONE, build_calendar
from core.demo.curriculum import SubjectSpec
from core.demo.journal import Journal
from core.demo.periods import period_marks, scheduled_tests
from core.demo.plan import ClassPlan, Course, Placement, SchoolPlan
from core.models import (
    AcademicYear,
    Attendance,
    Enrollment,
    Holiday,
    Homework,
    Lesson,
    Mark,
    Period,
    PeriodMark,
    Remark,
    Role,
    ScheduledTest,
    SchoolClass,
    TeachingAssignment,
)

SPECIALTY = "math"  # the subjects last year's journal holds


def previous_plan(plan: SchoolPlan) -> SchoolPlan:
    """This year's school a year earlier: classes one grade lower, their mathematics."""
    calendar = build_calendar(dt.date(plan.calendar.starts_on.year, 6, 30))
    classes = {
        k.index: ClassPlan(
            k.index, k.grade - 1, k.letter, k.size, list(k.students), k.class_teacher
        )
        for k in plan.classes
        if k.grade >= 2
    }
    courses: dict[tuple[int, str], Course] = {}
    timetable: list[Placement] = []
    for p in plan.timetable:
        course = p.course
        klass = classes.get(course.klass.index)
        if klass is None or course.group is not None or course.subject.specialty != SPECIALTY:
            continue
        subject = _subject_in(plan.subjects, course.subject, klass.grade)
        if subject is None:
            continue
        key = (klass.index, subject.name)
        if key not in courses:
            courses[key] = Course(course.index, klass, subject, course.teacher)
        timetable.append(Placement(courses[key], p.weekday, p.slot))
    kept = list(classes.values())
    return SchoolPlan(
        calendar=calendar,
        classes=kept,
        staff=plan.staff,
        students=[s for k in kept for s in k.students],
        guardians=plan.guardians,
        subjects=plan.subjects,
        courses=list(courses.values()),
        timetable=timetable,
        subject_ids=plan.subject_ids,
        school_id=plan.school_id,
    )


def _subject_in(subjects: list[SubjectSpec], now: SubjectSpec, grade: int) -> SubjectSpec | None:
    """This year's subject as the class had it a grade lower: algebra and geometry in
    grade 7 were mathematics in grade 6."""
    if now.hours_in(grade) > 0:
        return now
    return next(
        (s for s in subjects if s.specialty == now.specialty and s.hours_in(grade) > 0), None
    )


async def write_previous_year(conn: AsyncConnection, plan: SchoolPlan, seed: int) -> int:
    """Write last year's classes and journal, closed at the end of June; its lessons."""
    last = previous_plan(plan)
    calendar = last.calendar
    admin = next(s for s in plan.staff if Role.admin.value in s.roles)
    closed_at = dt.datetime.combine(
        calendar.ends_on.replace(month=6, day=30), dt.time(16, 0), tzinfo=ZoneInfo(TIMEZONE)
    )
    await _year(conn, last, closed_at, admin.id)
    await _classes(conn, last, dt.date(calendar.ends_on.year, 8, 31))
    journal = Journal(last, seed + 1, calendar.ends_on)
    lessons = 0
    for week in _weeks(journal.days):
        drafts = [d for day in week for d in journal.lessons_on(day)]
        rows = [journal.lesson_row(d) for d in drafts]
        for draft, new_id in zip(drafts, await insert_ids(conn, Lesson, rows), strict=True):
            draft.id = new_id
        entries = journal.entries(drafts)
        for model, batch in (
            (Attendance, entries.attendance),
            (Mark, entries.marks),
            (Homework, entries.homework),
            (Remark, entries.remarks),
        ):
            await insert_rows(conn, model, batch)
        lessons += len(drafts)
    await insert_rows(conn, ScheduledTest, scheduled_tests(journal))
    await insert_rows(conn, PeriodMark, period_marks(journal, closed_at.date()))
    return lessons


def _weeks(days: list[dt.date]) -> list[list[dt.date]]:
    """The days in batches of a week: fewer, bigger inserts."""
    weeks: dict[tuple[int, int], list[dt.date]] = {}
    for day in days:
        weeks.setdefault(day.isocalendar()[:2], []).append(day)
    return list(weeks.values())


async def _year(
    conn: AsyncConnection, last: SchoolPlan, closed_at: dt.datetime, admin_id: int
) -> None:
    calendar, school = last.calendar, last.school_id
    year = {
        "school_id": school,
        "name": calendar.name,
        "starts_on": calendar.starts_on,
        "ends_on": calendar.ends_on,
        "closed_at": closed_at,
        "closed_by": admin_id,
    }
    (last.year_id,) = await insert_ids(conn, AcademicYear, [year])
    spans = [(q.name, "quarter", q.starts_on, q.ends_on) for q in calendar.quarters]
    spans.append(("Год", "year", calendar.starts_on, calendar.ends_on))
    last.period_ids = await insert_ids(
        conn,
        Period,
        [
            {
                "school_id": school,
                "year_id": last.year_id,
                "name": n,
                "kind": k,
                "starts_on": s,
                "ends_on": e,
            }
            for n, k, s, e in spans
        ],
    )
    holidays = [
        {
            "school_id": school,
            "year_id": last.year_id,
            "name": h.name,
            "starts_on": h.starts_on,
            "ends_on": h.ends_on,
        }
        for h in calendar.holidays
    ]
    await insert_rows(conn, Holiday, holidays)


async def _classes(conn: AsyncConnection, last: SchoolPlan, until: dt.date) -> None:
    """Last year's classes, their pupils until the end of August, their teachers."""
    school = last.school_id
    rows = [
        {
            "school_id": school,
            "year_id": last.year_id,
            "grade": k.grade,
            "letter": k.letter,
            "class_teacher_id": k.class_teacher.id if k.class_teacher else None,
        }
        for k in last.classes
    ]
    for klass, new_id in zip(last.classes, await insert_ids(conn, SchoolClass, rows), strict=True):
        klass.id = new_id
    since = last.calendar.starts_on
    enrolled = [
        {"school_id": school, "student_id": s.id, "class_id": k.id, "since": since, "until": until}
        for k in last.classes
        for s in k.students
    ]
    await insert_rows(conn, Enrollment, enrolled)
    assignments = [
        {
            "school_id": school,
            "teacher_id": c.teacher.id,
            "class_id": c.klass.id,
            "group_id": None,
            "subject_id": last.subject_ids[c.subject.name],
        }
        for c in last.courses
    ]
    await insert_rows(conn, TeachingAssignment, assignments)
