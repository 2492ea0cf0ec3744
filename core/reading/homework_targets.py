"""Which homework is for which day, and whom it reaches: what `core.reading.homework_load`
adds up, read in a fixed number of queries whatever the school's size.

The day a homework is for: its due date; else the day of its page's next lesson after
the day it was set (the earlier of the journal's and the timetable's, holidays
skipped: the rule of `core.services.next_lesson`); else the day it was set. Class
homework reaches everyone enrolled in the class on the day it was set, a group's the
group's members, individual homework the pupils named.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement
from sqlalchemy import select as select_columns
from sqlmodel import and_, col, func, or_, select

from core.models import (
    AcademicYear,
    Enrollment,
    Group,
    GroupMembership,
    Holiday,
    Homework,
    HomeworkStudent,
    Lesson,
    School,
    SchoolClass,
    Subject,
    TimetableEntry,
)
from core.reading.journal import Span
from core.rows import not_deleted
from core.uow import UnitOfWork

# How far back a homework's lesson may lie for it to be for a day in the span read
# (the longest break, the winter holidays, is two weeks; core.reading.diary reads as far).
LOOKBACK = dt.timedelta(days=60)
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Assignment:
    """One homework as the day's load lists it."""

    homework_id: int
    lesson_id: int
    subject: str
    group: str | None  # the group's name for a group's lesson
    set_on: dt.date  # the day of the lesson it was set at
    text: str
    minutes: int | None  # the teacher's estimate, if any
    individual: bool  # for named pupils only
    # Who gave it (the lesson's substitute when one was named, else its teacher) and its
    # page: the journal control counts an overload day for them.
    teacher_id: int = 0
    subject_id: int = 0
    group_id: int | None = None


@dataclass(frozen=True)
class Item:
    """A homework, its lesson's class and group, and the day it is for."""

    assignment: Assignment
    class_id: int
    group_id: int | None
    day: dt.date  # the day it is for


Page = tuple[int, int | None, int]  # class, group, subject


@dataclass
class Facts:
    """What one read loads, once, for the whole span."""

    school: School
    classes: dict[int, SchoolClass]
    year_ends: dict[int, dt.date]  # class id -> its academic year's last day
    days_off: set[dt.date]
    timetable: dict[Page, set[int]]  # page -> its weekdays in the timetable
    subjects: dict[int, str] = field(default_factory=dict)
    groups: dict[int, str] = field(default_factory=dict)
    in_class: dict[int, dict[int, list[Span]]] = field(default_factory=dict)  # class -> pupils
    in_group: dict[int, dict[int, list[Span]]] = field(default_factory=dict)  # group -> pupils
    named: dict[int, set[int]] = field(default_factory=dict)  # homework -> pupils
    # (class, group, day) -> its pupils that day, as found
    reached: dict[tuple[int, int | None, dt.date], set[int]] = field(default_factory=dict)


async def load_facts(
    uow: UnitOfWork, school: School, class_ids: list[int] | None, start: dt.date, end: dt.date
) -> Facts:
    """The school's (or these classes') set-up and pupils for homework set from
    LOOKBACK before `start` to `end`: eight queries."""
    facts = await _setup(uow, school, class_ids, start, end)
    await _membership(uow, facts, start, end, class_ids)
    return facts


async def next_day(uow: UnitOfWork, facts: Facts, lesson: Lesson) -> dt.date:
    """The day homework set at `lesson` without a due date is for."""
    journal_next = await uow.session.exec(
        select(func.min(Lesson.date)).where(
            Lesson.class_id == lesson.class_id,
            Lesson.subject_id == lesson.subject_id,
            _same_group(Lesson, lesson.group_id),
            Lesson.date > lesson.date,
            not_deleted(Lesson),
        )
    )
    page = (lesson.class_id, lesson.group_id, lesson.subject_id)
    return _day_for(facts, page, lesson.date, journal_next.one())


def reached(facts: Facts, item: Item) -> set[int]:
    """The pupils a homework is for: those named, else the class's (or the group's)
    on the day it was set."""
    named = facts.named.get(item.assignment.homework_id)
    if named:
        return named
    key = (item.class_id, item.group_id, item.assignment.set_on)
    found = facts.reached.get(key)
    if found is None:
        on = item.assignment.set_on
        members = facts.in_class.get(item.class_id, {})
        found = {p for p, spans in members.items() if any(s.covers(on) for s in spans)}
        if item.group_id is not None:
            grouped = facts.in_group.get(item.group_id, {})
            found = {p for p in found if any(s.covers(on) for s in grouped.get(p, ()))}
        facts.reached[key] = found
    return found


def _same_group(model: type[Lesson], group_id: int | None) -> ColumnElement[bool]:
    return col(model.group_id).is_(None) if group_id is None else col(model.group_id) == group_id


def _day_for(facts: Facts, page: Page, set_on: dt.date, journal_next: dt.date | None) -> dt.date:
    """The earlier of the journal's next lesson and the timetable's, else `set_on`."""
    planned = _timetable_next(facts, page, set_on)
    found = [day for day in (journal_next, planned) if day is not None]
    return min(found) if found else set_on


def _timetable_next(facts: Facts, page: Page, after: dt.date) -> dt.date | None:
    """The first school day after `after` (to the end of the class's year) on which
    the timetable has the page."""
    weekdays = facts.timetable.get(page)
    if not weekdays:
        return None
    day, last = after + ONE_DAY, facts.year_ends.get(page[0], after)
    while day <= last:
        if day.weekday() in weekdays and day not in facts.days_off:
            return day
        day += ONE_DAY
    return None


def _homework_where(
    school_id: int, start: dt.date, end: dt.date, class_ids: list[int] | None
) -> list[ColumnElement[bool]]:
    """Live homework at live lessons that may be for a day from `start` to `end`."""
    where: list[ColumnElement[bool]] = [
        col(Lesson.school_id) == school_id,
        not_deleted(Homework),
        not_deleted(Lesson),
        col(Lesson.date) >= start - LOOKBACK,
        col(Lesson.date) <= end,
        or_(
            col(Homework.due_date).is_(None),
            and_(col(Homework.due_date) >= start, col(Homework.due_date) <= end),
        ),
    ]
    if class_ids is not None:
        where.append(col(Lesson.class_id).in_(class_ids))
    return where


async def items_between(
    uow: UnitOfWork, facts: Facts, start: dt.date, end: dt.date, class_ids: list[int] | None
) -> list[Item]:
    """The homework for a day from `start` to `end`, with the day it is for."""
    query = (
        select_columns(
            col(Homework.id),
            col(Homework.text),
            col(Homework.minutes),
            col(Homework.due_date),
            col(Lesson.id),
            col(Lesson.class_id),
            col(Lesson.group_id),
            col(Lesson.subject_id),
            col(Lesson.date),
            func.coalesce(col(Lesson.substitute_id), col(Lesson.teacher_id)),
        )
        .join(Lesson, col(Lesson.id) == Homework.lesson_id)
        .where(*_homework_where(facts.school.id or 0, start, end, class_ids))
        .order_by(col(Homework.id))
    )
    connection = await uow.session.connection()  # plain rows: no entities to build
    found = (await connection.execute(query)).all()
    journal = await _JournalDays.read(uow, facts, start, end, class_ids)
    items = []
    for row in found:
        homework_id, text, minutes, due = row[0] or 0, row[1], row[2], row[3]
        lesson_id, klass, group, subject, set_on = row[4] or 0, row[5], row[6], row[7], row[8]
        teacher = row[9]
        page = (klass, group, subject)
        day = due or _day_for(facts, page, set_on, journal.after(page, set_on))
        if not start <= day <= end or klass not in facts.classes:
            continue
        assignment = Assignment(
            homework_id=homework_id,
            lesson_id=lesson_id,
            subject=facts.subjects.get(subject, "?"),
            group=facts.groups.get(group) if group else None,
            set_on=set_on,
            text=text,
            minutes=minutes,
            individual=bool(facts.named.get(homework_id)),
            teacher_id=teacher,
            subject_id=subject,
            group_id=group,
        )
        items.append(Item(assignment, klass, group, day))
    return items


@dataclass
class _JournalDays:
    """The days of each page's lessons in the journal up to `end`, and which pages have
    lessons after it: enough to tell each homework's next lesson when it is on or before
    `end` (and only that it is later otherwise). Two queries, no correlated subquery
    (the lesson table has no index for one per homework)."""

    end: dt.date
    days: dict[Page, list[dt.date]]
    later: set[Page]

    @classmethod
    async def read(
        cls,
        uow: UnitOfWork,
        facts: Facts,
        start: dt.date,
        end: dt.date,
        class_ids: list[int] | None,
    ) -> _JournalDays:
        columns = (col(Lesson.class_id), col(Lesson.group_id), col(Lesson.subject_id))
        where = [col(Lesson.school_id) == (facts.school.id or 0), not_deleted(Lesson)]
        if class_ids is not None:
            where.append(col(Lesson.class_id).in_(class_ids))
        span = select(*columns, col(Lesson.date)).where(
            *where, col(Lesson.date) >= start - LOOKBACK, col(Lesson.date) <= end
        )
        days: dict[Page, set[dt.date]] = defaultdict(set)
        for klass, group, subject, day in (await uow.session.exec(span.distinct())).all():
            days[klass, group, subject].add(day)
        after = select(*columns).where(*where, col(Lesson.date) > end).distinct()
        later = {(k, g, s) for k, g, s in (await uow.session.exec(after)).all()}
        return cls(end, {page: sorted(found) for page, found in days.items()}, later)

    def after(self, page: Page, day: dt.date) -> dt.date | None:
        """The page's next lesson day after `day`; the day after `end` stands for any
        later one."""
        found = self.days.get(page, [])
        index = bisect.bisect_right(found, day)
        if index < len(found):
            return found[index]
        return self.end + ONE_DAY if page in self.later else None


async def _membership(
    uow: UnitOfWork, facts: Facts, start: dt.date, end: dt.date, class_ids: list[int] | None
) -> None:
    """Who is in which class and group over the span, and who individual homework names."""
    school_id = facts.school.id or 0
    since = start - LOOKBACK
    # Plain columns, not entities: a school's enrolments and group memberships are
    # thousands of rows.
    enrolments = select_columns(
        col(Enrollment.class_id),
        col(Enrollment.student_id),
        col(Enrollment.since),
        col(Enrollment.until),
    ).where(
        col(Enrollment.school_id) == school_id,
        col(Enrollment.since) <= end,
        or_(col(Enrollment.until).is_(None), col(Enrollment.until) >= since),
    )
    memberships = (
        select_columns(
            col(GroupMembership.group_id),
            col(GroupMembership.student_id),
            col(GroupMembership.since),
            col(GroupMembership.until),
        )
        .join(Group, col(Group.id) == GroupMembership.group_id)
        .where(
            col(Group.school_id) == school_id,
            col(GroupMembership.since) <= end,
            or_(col(GroupMembership.until).is_(None), col(GroupMembership.until) >= since),
        )
    )
    if class_ids is not None:
        enrolments = enrolments.where(col(Enrollment.class_id).in_(class_ids))
        memberships = memberships.where(col(Group.class_id).in_(class_ids))
    connection = await uow.session.connection()
    for class_id, student_id, first, last in (await connection.execute(enrolments)).all():
        spans = facts.in_class.setdefault(class_id, {}).setdefault(student_id, [])
        spans.append(Span(class_id, first, last))
    for group_id, student_id, first, last in (await connection.execute(memberships)).all():
        spans = facts.in_group.setdefault(group_id, {}).setdefault(student_id, [])
        spans.append(Span(group_id, first, last))
    named = (
        select_columns(col(HomeworkStudent.homework_id), col(HomeworkStudent.student_id))
        .join(Homework, col(Homework.id) == HomeworkStudent.homework_id)
        .join(Lesson, col(Lesson.id) == Homework.lesson_id)
        .where(*_homework_where(school_id, start, end, class_ids))
    )
    for homework_id, student_id in (await connection.execute(named)).all():
        facts.named.setdefault(homework_id, set()).add(student_id)


async def _setup(
    uow: UnitOfWork, school: School, class_ids: list[int] | None, start: dt.date, end: dt.date
) -> Facts:
    school_id = school.id or 0
    classes = select(SchoolClass).where(SchoolClass.school_id == school_id)
    if class_ids is not None:
        classes = classes.where(col(SchoolClass.id).in_(class_ids))
    found = {k.id or 0: k for k in (await uow.session.exec(classes)).all()}
    years = await uow.session.exec(select(AcademicYear).where(AcademicYear.school_id == school_id))
    ends = {y.id: y.ends_on for y in years.all()}
    holidays = await uow.session.exec(
        select(Holiday).where(
            Holiday.school_id == school_id,
            Holiday.ends_on >= start - LOOKBACK,
            Holiday.starts_on <= end + LOOKBACK,
        )
    )
    entries = select(TimetableEntry).where(TimetableEntry.school_id == school_id)
    groups = select(Group).where(Group.school_id == school_id)
    if class_ids is not None:
        entries = entries.where(col(TimetableEntry.class_id).in_(class_ids))
        groups = groups.where(col(Group.class_id).in_(class_ids))
    timetable: dict[Page, set[int]] = defaultdict(set)
    for entry in (await uow.session.exec(entries)).all():
        timetable[entry.class_id, entry.group_id, entry.subject_id].add(entry.weekday)
    subjects = await uow.session.exec(select(Subject).where(Subject.school_id == school_id))
    days_off: set[dt.date] = set()
    for holiday in holidays.all():
        day = holiday.starts_on
        while day <= holiday.ends_on:
            days_off.add(day)
            day += ONE_DAY
    return Facts(
        school=school,
        classes=found,
        year_ends={k: ends.get(c.year_id, end) for k, c in found.items()},
        days_off=days_off,
        timetable=dict(timetable),
        subjects={s.id or 0: s.name for s in subjects.all()},
        groups={g.id or 0: g.name for g in (await uow.session.exec(groups)).all()},
    )
