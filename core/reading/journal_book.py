"""Reading a class's journal book for a year or a period (core.reading.journal_book_content).

Everything is read set-based, in a fixed number of queries whatever the size of the
class and the year: the statement's own handful (the students, the period marks),
then the lessons, the assignments, the groups and their members, the subjects, the
marks, the attendance, the homework, the period marks' ids, the audit entries with a
written reason, and the staff's names.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from core.models import (
    ATTENDANCE_LETTERS,
    AcademicYear,
    Attendance,
    AttendanceStatus,
    Group,
    GroupMembership,
    Homework,
    Lesson,
    Mark,
    Period,
    School,
    SchoolClass,
    Staff,
    Subject,
    TeachingAssignment,
)
from core.policy import policy_of
from core.reading.journal_book_content import (
    BookLesson,
    BookLine,
    BookPage,
    JournalBook,
    JournalBookContent,
)
from core.reading.journal_book_corrections import ClassRows, StaffNames, read_corrections
from core.reading.statement import Statement, StatementRow, statement_of
from core.uow import UnitOfWork

PageKey = tuple[int, int | None]  # subject, group


@dataclass(frozen=True)
class _Journal:
    """The class's rows of the book's span, as read."""

    lessons: list[Lesson]  # live ones, by date and slot
    marks: list[Mark]
    attendance: list[Attendance]
    homework: list[Homework]
    rows: ClassRows  # every id the corrections may name, withdrawn rows too


async def journal_book_of(
    uow: UnitOfWork, klass: SchoolClass, *, period_id: int | None = None
) -> JournalBook:
    """The journal book of `klass` for its year, or for `period_id`, inside an open unit
    of work; the caller has checked who reads it."""
    school = await uow.session.get(School, klass.school_id)
    year = await uow.session.get(AcademicYear, klass.year_id)
    assert school is not None and year is not None
    period = await uow.session.get(Period, period_id) if period_id is not None else None
    starts_on = period.starts_on if period else year.starts_on
    ends_on = period.ends_on if period else year.ends_on
    statement = await statement_of(uow, klass, period_id=period_id)
    journal = await _read_journal(uow, klass, starts_on, ends_on)
    pages = await _pages(uow, klass, school, journal, statement)
    names = await _staff_names(uow, klass)
    corrections = await read_corrections(
        uow, school, journal.rows, since=starts_on, names=names, statement=statement
    )
    teacher = names.full.get(klass.class_teacher_id or 0, "")
    content = JournalBookContent(
        school=school.name,
        class_name=klass.name,
        year=year.name,
        period=statement.content.periods[0] if period and statement.content.periods else None,
        starts_on=starts_on,
        ends_on=ends_on,
        class_teacher=teacher,
        periods=statement.content.periods,
        pages=tuple(page(names.short) for page in pages),
        summary=statement.content,
        corrections=corrections,
    )
    generated = uow.now().astimezone(ZoneInfo(school.timezone))
    return JournalBook(klass.id or 0, content, generated, school.timezone)


async def _read_journal(
    uow: UnitOfWork, klass: SchoolClass, starts_on: dt.date, ends_on: dt.date
) -> _Journal:
    query = select(Lesson).where(
        Lesson.class_id == klass.id, col(Lesson.date) >= starts_on, col(Lesson.date) <= ends_on
    )
    every = list((await uow.session.exec(query)).all())
    ids = [lesson.id or 0 for lesson in every]
    marks = list((await uow.session.exec(select(Mark).where(col(Mark.lesson_id).in_(ids)))).all())
    absent = select(Attendance).where(col(Attendance.lesson_id).in_(ids))
    attendance = list((await uow.session.exec(absent)).all())
    homework_query = select(Homework).where(col(Homework.lesson_id).in_(ids))
    homework = list((await uow.session.exec(homework_query)).all())
    live = sorted((x for x in every if x.deleted_at is None), key=lambda x: (x.date, x.slot))
    rows = ClassRows(
        lessons={x.id or 0: x for x in every},
        marks={x.id or 0: x for x in marks},
        attendance={x.id or 0: x for x in attendance},
        homework={x.id or 0: x for x in homework},
    )
    return _Journal(
        live,
        [x for x in marks if x.deleted_at is None],
        [x for x in attendance if x.deleted_at is None],
        [x for x in homework if x.deleted_at is None],
        rows,
    )


async def _staff_names(uow: UnitOfWork, klass: SchoolClass) -> StaffNames:
    """The school's staff by id, in one query: the book names teachers, the class
    teacher and whoever made a correction."""
    staff = (await uow.session.exec(select(Staff).where(Staff.school_id == klass.school_id))).all()
    return StaffNames(
        short={row.id or 0: row.short_name for row in staff},
        full={
            row.id or 0: " ".join(p for p in (row.last_name, row.first_name, row.middle_name) if p)
            for row in staff
        },
    )


class _PageDraft:
    """A page being filled: its lessons and teachers (names come last)."""

    def __init__(self, subject: Subject, group: Group | None, graded: bool) -> None:
        self.subject, self.group, self.graded = subject, group, graded
        self.teacher_ids: list[int] = []
        self.lessons: list[BookLesson] = []
        self.lines: list[BookLine] = []

    def __call__(self, names: dict[int, str]) -> BookPage:
        teachers = ", ".join(dict.fromkeys(names.get(i, "") for i in self.teacher_ids))
        return BookPage(
            subject=self.subject.name,
            group=self.group.name if self.group else None,
            teachers=teachers,
            graded=self.graded,
            lessons=tuple(self.lessons),
            lines=tuple(self.lines),
        )


async def _pages(
    uow: UnitOfWork, klass: SchoolClass, school: School, journal: _Journal, statement: Statement
) -> list[_PageDraft]:
    """A page per subject (and group) taught or assigned, in the order of the subjects."""
    keys = await _page_keys(uow, klass, journal)
    subject_ids = {subject for subject, _ in keys}
    subjects = {
        s.id or 0: s
        for s in (await uow.session.exec(select(Subject).where(col(Subject.id).in_(subject_ids))))
    }
    groups = {
        g.id or 0: g
        for g in await uow.session.exec(select(Group).where(Group.class_id == klass.id))
    }
    members = await _members(uow, list(groups))
    attendance_only = policy_of(school).electives_attendance_only
    drafts = []
    for (subject_id, group_id), teacher_ids in keys.items():
        subject, group = subjects[subject_id], groups.get(group_id or 0)
        elective = group is not None and group.kind == "elective"
        graded = subject.graded and statement.content.marks_given
        draft = _PageDraft(subject, group, graded and not (elective and attendance_only))
        draft.teacher_ids = teacher_ids
        lessons = [
            x for x in journal.lessons if (x.subject_id, x.group_id) == (subject_id, group_id)
        ]
        inside = members.get(group_id or 0, set())
        pupils = [r for r in statement.content.rows if group is None or r.student_id in inside]
        _fill(draft, lessons, pupils, journal, statement)
        drafts.append(draft)
    drafts.sort(key=lambda d: (d.subject.name.lower(), d.group.name if d.group else ""))
    return drafts


async def _page_keys(
    uow: UnitOfWork, klass: SchoolClass, journal: _Journal
) -> dict[PageKey, list[int]]:
    """(subject, group) of every assignment and lesson, with the teachers who taught it."""
    assigned = select(TeachingAssignment).where(TeachingAssignment.class_id == klass.id)
    keys: dict[PageKey, list[int]] = defaultdict(list)
    for a in (await uow.session.exec(assigned)).all():
        keys[(a.subject_id, a.group_id)].append(a.teacher_id)
    for lesson in journal.lessons:
        keys[(lesson.subject_id, lesson.group_id)].append(lesson.substitute_id or lesson.teacher_id)
    return keys


async def _members(uow: UnitOfWork, group_ids: list[int]) -> dict[int, set[int]]:
    query = select(GroupMembership).where(col(GroupMembership.group_id).in_(group_ids))
    found: dict[int, set[int]] = defaultdict(set)
    for row in (await uow.session.exec(query)).all():
        found[row.group_id].add(row.student_id)
    return found


def _fill(
    draft: _PageDraft,
    lessons: list[Lesson],
    pupils: list[StatementRow],
    journal: _Journal,
    statement: Statement,
) -> None:
    ids = {x.id for x in lessons}
    homework: dict[int, list[str]] = defaultdict(list)
    for row in sorted(journal.homework, key=lambda h: h.id or 0):
        if row.lesson_id in ids:
            homework[row.lesson_id].append(row.text)
    draft.lessons = [
        BookLesson(x.date, x.slot, x.topic, "; ".join(homework.get(x.id or 0, []))) for x in lessons
    ]
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for a in journal.attendance:
        if a.lesson_id in ids:
            cells[(a.lesson_id, a.student_id)].insert(
                0, ATTENDANCE_LETTERS[AttendanceStatus(a.status)]
            )
    for m in sorted(journal.marks, key=lambda m: m.id or 0):
        if m.lesson_id in ids:
            cells[(m.lesson_id, m.student_id)].append(str(m.value))
    subjects = statement.content.subjects
    index = subjects.index(draft.subject.name) if draft.subject.name in subjects else None
    for pupil in pupils:
        marks = pupil.cells[index] if index is not None else ()
        draft.lines.append(
            BookLine(
                full_name=pupil.full_name,
                left_on=pupil.left_on,
                cells=tuple(_cell(cells.get((x.id or 0, pupil.student_id), [])) for x in lessons),
                periods=tuple(
                    "" if c is None else c.value + ("*" if c.preliminary else "") for c in marks
                ),
            )
        )


def _cell(parts: list[str]) -> str:
    """«н», «5», «5/4», «оп 4»: the attendance letter, then the marks."""
    letters = [p for p in parts if not p.isdigit()]
    marks = [p for p in parts if p.isdigit()]
    return " ".join([*letters, "/".join(marks)] if marks else letters)
