"""The journal against the test schedule: tests held off schedule, and tests not held.

A lesson is "a test" when its work type (the journal column's, `Lesson.work_type`) is
one of `core.test_limits.TEST_KINDS`. It was held on schedule when the schedule has a
live test of its class and subject on its day, for the same group or where either of
the two is the whole class (a test planned for 7Б is held at its group lessons, a
group's test at a lesson of the whole class). A lesson held for a control work
(`CONTROL_WORK`, «контрольная работа») with no such test was **held off schedule**;
other written work, far more frequent, is not looked for. A scheduled test whose day
has passed (before the school's today) with no lesson of any of the kinds was **not
held**.

`tests_off_schedule` is for the deputy director's control (seed 001 §2, seed 002
§2.5.3): the deputy director and administrators read the whole school; a teacher their
own tests and lessons, and, as a class teacher, everything of their class; nobody else.
A fixed handful of queries, whatever the size of the school.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.errors import Forbidden
from core.models import (
    Lesson,
    Role,
    ScheduledTest,
    School,
    SchoolClass,
    Staff,
    TeachingAssignment,
)
from core.permissions import has_role, load_staff
from core.reading.journal import group_names, subject_names
from core.reading.test_schedule import check_range
from core.rows import not_deleted
from core.test_limits import CONTROL_WORK, TEST_KINDS
from core.uow import UnitOfWork

Key = tuple[int, int, dt.date]  # class, subject, day


@dataclass(frozen=True)
class OffScheduleEntry:
    """A test held off schedule (`lesson_id`), or a scheduled test not held (`test_id`)."""

    date: dt.date
    class_id: int
    class_name: str
    group_id: int | None
    group: str | None
    subject_id: int
    subject: str
    teacher_id: int  # the page's teacher (whose schedule it is)
    teacher: str  # «Иванова М.П.»
    work_type: str
    lesson_id: int | None
    test_id: int | None


@dataclass(frozen=True)
class OffSchedule:
    first: dt.date
    last: dt.date
    today: dt.date
    held_off_schedule: tuple[OffScheduleEntry, ...]  # lessons up to today, by date
    not_held: tuple[OffScheduleEntry, ...]  # tests before today, by date


@dataclass(frozen=True)
class _Viewer:
    staff: Staff
    whole_school: bool
    led: frozenset[int]  # the classes they lead

    def sees(self, class_id: int, teacher_id: int) -> bool:
        return self.whole_school or teacher_id == self.staff.id or class_id in self.led


async def tests_off_schedule(
    uow: UnitOfWork, *, actor: StaffActor, first: dt.date, last: dt.date
) -> OffSchedule:
    """Tests held off schedule and scheduled tests not held from `first` to `last` (at
    most `MAX_RANGE_DAYS` days), each with class, group, subject, teacher and day, as
    far as the viewer may read them. Reads only: pass a reading unit of work."""
    check_range(first, last)
    async with uow:
        viewer = await _viewer(uow, actor)
        school = await uow.session.get(School, viewer.staff.school_id)
        assert school is not None
        today = school_today(school, uow.now())
        return await off_schedule_in(
            uow,
            school_id=viewer.staff.school_id,
            today=today,
            first=first,
            last=last,
            class_ids=await _class_scope(uow, viewer),
            sees=viewer.sees,
        )


async def off_schedule_in(
    uow: UnitOfWork,
    *,
    school_id: int,
    today: dt.date,
    first: dt.date,
    last: dt.date,
    class_ids: set[int] | None = None,
    sees: Callable[[int, int], bool] = lambda class_id, teacher_id: True,
    names: EntryNames | None = None,
) -> OffSchedule:
    """`tests_off_schedule` inside an open unit of work, for a caller that has checked
    the range and who reads it: the school's (or these classes') entries `sees` lets
    through (class, teacher), named from `names` when the caller has them (else read).
    Two queries, and four for the names."""
    lessons = await _test_lessons(uow, school_id, first, min(last, today), class_ids)
    tests = await _tests(uow, school_id, first, last, class_ids)
    planned = _by_key([(t.class_id, t.subject_id, t.date, t.group_id) for t in tests])
    held = _by_key([(x.class_id, x.subject_id, x.date, x.group_id) for x in lessons])
    off = [
        x
        for x in lessons
        if x.work_type == CONTROL_WORK
        and sees(x.class_id, x.teacher_id)
        and not _matches(planned, x)
    ]
    missed = [
        t
        for t in tests
        if t.date < today and sees(t.class_id, t.teacher_id) and not _matches(held, t)
    ]
    if names is None:
        names = await EntryNames.load(uow, [*off, *missed])
    return OffSchedule(
        first=first,
        last=last,
        today=today,
        held_off_schedule=tuple(names.entry(x, lesson_id=x.id) for x in off),
        not_held=tuple(names.entry(t, test_id=t.id) for t in missed),
    )


# A function named test* that a test module imports would be collected as a test.
tests_off_schedule.__test__ = False  # type: ignore[attr-defined]


async def _viewer(uow: UnitOfWork, actor: StaffActor) -> _Viewer:
    staff = await load_staff(uow, actor)
    if has_role(staff, Role.deputy, Role.admin):
        return _Viewer(staff, True, frozenset())
    if not has_role(staff, Role.teacher):
        raise Forbidden(reason="admin_only")
    query = select(SchoolClass.id).where(SchoolClass.class_teacher_id == staff.id)
    led = frozenset(i or 0 for i in (await uow.session.exec(query)).all())
    return _Viewer(staff, False, led)


async def _class_scope(uow: UnitOfWork, viewer: _Viewer) -> set[int] | None:
    """The classes to read (None: the whole school): a teacher's are those they teach
    or lead, so a lesson of theirs is matched against every test of its class."""
    if viewer.whole_school:
        return None
    query = select(TeachingAssignment.class_id).where(
        TeachingAssignment.teacher_id == viewer.staff.id
    )
    return set((await uow.session.exec(query)).all()) | set(viewer.led)


async def _test_lessons(
    uow: UnitOfWork, school_id: int, first: dt.date, last: dt.date, class_ids: set[int] | None
) -> list[Lesson]:
    query = select(Lesson).where(
        Lesson.school_id == school_id,
        Lesson.date >= first,
        Lesson.date <= last,
        col(Lesson.work_type).in_(TEST_KINDS),
        not_deleted(Lesson),
    )
    if class_ids is not None:
        query = query.where(col(Lesson.class_id).in_(class_ids))
    return list((await uow.session.exec(query.order_by(col(Lesson.date), col(Lesson.slot)))).all())


async def _tests(
    uow: UnitOfWork, school_id: int, first: dt.date, last: dt.date, class_ids: set[int] | None
) -> list[ScheduledTest]:
    query = select(ScheduledTest).where(
        ScheduledTest.school_id == school_id,
        ScheduledTest.date >= first,
        ScheduledTest.date <= last,
        not_deleted(ScheduledTest),
    )
    if class_ids is not None:
        query = query.where(col(ScheduledTest.class_id).in_(class_ids))
    return list((await uow.session.exec(query.order_by(col(ScheduledTest.date)))).all())


def _by_key(items: list[tuple[int, int, dt.date, int | None]]) -> dict[Key, set[int | None]]:
    """(class, subject, day) -> the groups (None: the whole class) with an entry."""
    found: dict[Key, set[int | None]] = defaultdict(set)
    for class_id, subject_id, day, group_id in items:
        found[(class_id, subject_id, day)].add(group_id)
    return found


def _matches(other_side: dict[Key, set[int | None]], row: Lesson | ScheduledTest) -> bool:
    groups = other_side.get((row.class_id, row.subject_id, row.date), set())
    if row.group_id is None:
        return bool(groups)
    return None in groups or row.group_id in groups


@dataclass(frozen=True)
class EntryNames:
    """The names an entry shows, by id."""

    classes: dict[int, str]
    groups: dict[int, str]
    subjects: dict[int, str]
    staff: dict[int, str]

    @classmethod
    async def load(cls, uow: UnitOfWork, rows: list[Lesson | ScheduledTest]) -> EntryNames:
        class_ids = sorted({r.class_id for r in rows})
        classes = await uow.session.exec(
            select(SchoolClass).where(col(SchoolClass.id).in_(class_ids))
        )
        teacher_ids = sorted({r.teacher_id for r in rows})
        staff = await uow.session.exec(select(Staff).where(col(Staff.id).in_(teacher_ids)))
        return cls(
            classes={c.id or 0: c.name for c in classes.all()},
            groups=await group_names(uow, {r.group_id for r in rows if r.group_id is not None}),
            subjects=await subject_names(uow, {r.subject_id for r in rows}),
            staff={s.id or 0: s.short_name for s in staff.all()},
        )

    def entry(
        self,
        row: Lesson | ScheduledTest,
        *,
        lesson_id: int | None = None,
        test_id: int | None = None,
    ) -> OffScheduleEntry:
        return OffScheduleEntry(
            date=row.date,
            class_id=row.class_id,
            class_name=self.classes.get(row.class_id, "?"),
            group_id=row.group_id,
            group=self.groups.get(row.group_id) if row.group_id else None,
            subject_id=row.subject_id,
            subject=self.subjects.get(row.subject_id, "?"),
            teacher_id=row.teacher_id,
            teacher=self.staff.get(row.teacher_id, "?"),
            work_type=row.work_type or "",
            lesson_id=lesson_id,
            test_id=test_id,
        )
