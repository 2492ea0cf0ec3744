"""The control of the journal for a school and a span of days, in a fixed number of queries.

`journal_control` gathers what the rules of `core.control.rules` need — the lessons
of the span with the first time their topic, roll call, homework and each pupil's mark
came, the pupils present at each lesson of written work, the period marks, the
timetable, the monthly messages — with one query per table whatever the school's
size (and, for the fill rate, two grouped counts per period that meets the span:
lessons held and marks per pupil, so a period's marks outside the span are never
loaded), and applies the rules in memory. The deputy's dashboard, the control report
and the staff reminders read it; each decides what to show.

Who reads what: the deputy director and the administrator read the whole school; a
teacher reads only what is theirs to fill (their lessons, those they substitute, their
classes' period marks, the classes they lead for the monthly message).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlmodel import col, select

from core.actors import StaffActor
from core.calendar import school_today
from core.control.rules import (
    Due,
    Kind,
    LessonFacts,
    MarksDue,
    State,
    expects_marks,
    fill_minimum,
    fill_minimum_so_far,
    final_due,
    homework_owed,
    lesson_dues,
    mark_due,
    marks_due,
    preliminary_due,
)
from core.errors import Forbidden
from core.models import (
    AcademicYear,
    Announcement,
    Attendance,
    Enrollment,
    Group,
    GroupMembership,
    Holiday,
    Homework,
    Lesson,
    Mark,
    Period,
    PeriodMark,
    Role,
    School,
    SchoolClass,
    Staff,
    Student,
    Subject,
    TeachingAssignment,
    TimetableEntry,
)
from core.models.journal import AttendanceStatus
from core.permissions import has_role, load_staff
from core.policy import SchoolPolicy, policy_of
from core.rows import not_deleted
from core.uow import UnitOfWork

# Absent pupils owe no mark for the written work of that lesson; a pupil who came late did it.
AWAY = (AttendanceStatus.absent.value, AttendanceStatus.ill.value)


@dataclass(frozen=True)
class Place:
    """A class, or a group of it, and a subject: one page of the journal."""

    class_id: int
    group_id: int | None
    subject_id: int


@dataclass(frozen=True)
class LessonCheck:
    """One lesson: what it owes, by when, and when it came."""

    lesson_id: int
    date: dt.date
    slot: int
    place: Place
    teacher_id: int  # whose it is to fill: the substitute's when there is one
    owner_id: int  # the teacher of the timetable
    dues: dict[Kind, Due]
    marks: MarksDue | None  # for written work: a mark per present pupil
    late_marks: int  # marks of this lesson entered after their deadline (any work)

    def state(self, kind: Kind, now: dt.datetime) -> State:
        if kind == Kind.marks:
            if self.marks is not None:
                return self.marks.state(now)
            return State.late if self.late_marks else State.on_time
        due = self.dues.get(kind)
        return State.not_owed if due is None else due.state(now)


@dataclass(frozen=True)
class PeriodMarksCheck:
    """The preliminary or final marks a teacher owes a class (or group) in a subject."""

    period_id: int
    kind: Kind  # Kind.preliminary or Kind.final
    place: Place
    teacher_id: int
    due_at: dt.datetime
    expected: int
    late: int
    missing: tuple[int, ...]  # pupils without the mark

    def state(self, now: dt.datetime) -> State:
        if self.missing:
            return State.missing if now > self.due_at else State.upcoming
        return State.late if self.late else State.on_time


@dataclass(frozen=True)
class FillCheck:
    """A pupil with fewer marks in a subject this period than the school's minimum."""

    period_id: int
    student_id: int
    place: Place
    teacher_id: int
    marks: int
    minimum: int  # due by now: the period's minimum, pro rata while it runs
    period_minimum: int  # the whole period's


@dataclass(frozen=True)
class CurriculumCheck:
    """Lessons held against the timetable, for one teacher, class (group) and subject."""

    teacher_id: int
    place: Place
    timetabled: int
    held: int
    not_held: tuple[dt.date, ...]  # days the timetable had more lessons than the journal
    substituted: int  # of the held lessons, how many a substitute gave


@dataclass(frozen=True)
class MonthlyCheck:
    """A class teacher's monthly messages to parents (seed 004), month by month."""

    class_id: int
    teacher_id: int
    sent: dict[tuple[int, int], int]  # (year, month) → messages
    missing: tuple[tuple[int, int], ...]  # months owed a message and without one


@dataclass(frozen=True)
class Names:
    classes: dict[int, str] = field(default_factory=dict)
    groups: dict[int, str] = field(default_factory=dict)
    subjects: dict[int, str] = field(default_factory=dict)
    staff: dict[int, str] = field(default_factory=dict)
    students: dict[int, str] = field(default_factory=dict)

    def place(self, place: Place) -> str:
        """«7Б», or «7Б (7Б англ. 1)» for a group."""
        klass = self.classes.get(place.class_id, "")
        return f"{klass} ({self.groups[place.group_id]})" if place.group_id else klass


@dataclass(frozen=True)
class JournalControl:
    school_id: int
    start: dt.date
    end: dt.date
    today: dt.date
    now: dt.datetime
    zone: ZoneInfo
    policy: SchoolPolicy
    whole_school: bool  # False: only what the reader has to fill
    lessons: tuple[LessonCheck, ...]
    period_marks: tuple[PeriodMarksCheck, ...]
    fill: tuple[FillCheck, ...]
    curriculum: tuple[CurriculumCheck, ...]
    substitutions: tuple[LessonCheck, ...]
    monthly: tuple[MonthlyCheck, ...]
    names: Names


async def journal_control(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    start: dt.date,
    end: dt.date,
    teacher_id: int | None = None,
    fill_periods: Collection[int] | None = None,
) -> JournalControl:
    """The control of the journal from `start` to `end` (both included, up to today).

    The deputy director and the administrator read the school, or one teacher's part
    with `teacher_id`; a teacher reads their own part only. The fill rate is worked
    out for every period meeting the span, or only for those of `fill_periods` (the
    dashboard shows a quarter's, not the year's too). Reads only: pass a reading unit
    of work.
    """
    async with uow:
        staff = await load_staff(uow, actor)
        overseer = has_role(staff, Role.deputy, Role.admin)
        if not overseer:
            if not has_role(staff, Role.teacher):
                raise Forbidden("control_readers_only")
            if teacher_id is not None and teacher_id != staff.id:
                raise Forbidden("control_own_part_only")
            teacher_id = staff.id
        school = await uow.session.get(School, staff.school_id)
        assert school is not None
        reader = _Reader(uow, school, start, end, teacher_id)
        return await reader.read(
            whole_school=overseer and teacher_id is None, fill_periods=fill_periods
        )


class _Reader:
    def __init__(
        self,
        uow: UnitOfWork,
        school: School,
        start: dt.date,
        end: dt.date,
        teacher_id: int | None,
    ) -> None:
        self.uow = uow
        self.school = school
        self.school_id = school.id or 0
        self.policy = policy_of(school)
        self.zone = ZoneInfo(school.timezone)
        self.now = uow.now()
        self.today = school_today(school, self.now)
        self.start, self.end = start, min(end, self.today)
        self.teacher_id = teacher_id

    async def read(
        self, *, whole_school: bool, fill_periods: Collection[int] | None
    ) -> JournalControl:
        years = await self._years()
        periods = await self._periods()
        holidays = await self._holidays()
        classes = await self._classes(years)
        self.subjects = await self._subjects()
        # The span's own rows for its lessons' checks; the fill rate of the periods that
        # meet the span is counted by the database (`_fill_counts`), so a period's
        # marks outside the span are never loaded.
        lessons = [
            row for row in await self._lessons(self.start, self.end) if row.class_id in classes
        ]
        homework = await self._first_homework(self.start, self.end)
        attendance = await self._attendance(self.start, self.end)
        marks = await self._marks(self.start, self.end)
        pupils = await self._pupils()
        bells = _bell_ends(self.school)
        ends = _class_day_ends(lessons, bells)
        by_lesson: dict[int, list[_MarkRow]] = defaultdict(list)
        for mark in marks:
            by_lesson[mark.lesson_id].append(mark)
        rules = _Memo(self.policy, self.zone, pupils)
        checks = [
            self._lesson_check(row, classes, ends, homework, attendance, by_lesson, rules)
            for row in lessons
        ]
        mine = [c for c in checks if self.teacher_id in (None, c.teacher_id)]
        assignments = await self._assignments()
        timetable = await self._timetable()
        period_marks = await self._period_marks(periods)
        period_checks = self._period_checks(
            periods, holidays, assignments, classes, pupils, period_marks
        )
        filled = [p for p in periods if fill_periods is None or p.id in fill_periods]
        counts = [await self._fill_counts(period, classes) for period in filled]
        fill = self._fill(filled, assignments, classes, pupils, counts, timetable)
        curriculum = self._curriculum(timetable, holidays, checks, classes)
        monthly = await self._monthly(classes)
        names = await self._names(
            classes, checks, [*(c.missing for c in period_checks), [f.student_id for f in fill]]
        )
        return JournalControl(
            school_id=self.school_id,
            start=self.start,
            end=self.end,
            today=self.today,
            now=self.now,
            zone=self.zone,
            policy=self.policy,
            whole_school=whole_school,
            lessons=tuple(mine),
            period_marks=tuple(period_checks),
            fill=tuple(fill),
            curriculum=tuple(curriculum),
            substitutions=tuple(c for c in mine if c.teacher_id != c.owner_id),
            monthly=tuple(monthly),
            names=names,
        )

    # The queries: one per table.

    async def _subjects(self) -> dict[int, _SubjectRules]:
        """What each subject's lessons owe: homework, marks (Subject.homework, .graded)."""
        query = select_columns(col(Subject.id), col(Subject.homework), col(Subject.graded))
        connection = await self.uow.session.connection()
        rows = await connection.execute(query.where(col(Subject.school_id) == self.school_id))
        return {sid or 0: _SubjectRules(homework, graded) for sid, homework, graded in rows.all()}

    def _graded(self, subject_id: int) -> bool:
        rules = self.subjects.get(subject_id)
        return rules is None or rules.graded

    async def _periods(self) -> list[Period]:
        query = select(Period).where(
            Period.school_id == self.school_id,
            Period.starts_on <= self.end,
            Period.ends_on >= self.start,
        )
        return list((await self.uow.session.exec(query.order_by(col(Period.starts_on)))).all())

    async def _holidays(self) -> list[Holiday]:
        query = select(Holiday).where(Holiday.school_id == self.school_id)
        return list((await self.uow.session.exec(query.order_by(col(Holiday.starts_on)))).all())

    async def _years(self) -> list[int]:
        query = select(AcademicYear.id).where(
            AcademicYear.school_id == self.school_id,
            AcademicYear.starts_on <= self.end,
            AcademicYear.ends_on >= self.start,
        )
        return [year or 0 for year in await self.uow.session.exec(query)]

    async def _classes(self, years: Sequence[int]) -> dict[int, _Class]:
        """The classes of the academic years the span meets, with their groups."""
        rows = await self.uow.session.exec(
            select(SchoolClass, Group)
            .join(Group, col(Group.class_id) == col(SchoolClass.id), isouter=True)
            .where(SchoolClass.school_id == self.school_id, col(SchoolClass.year_id).in_(years))
        )
        classes: dict[int, _Class] = {}
        for klass, group in rows.all():
            entry = classes.setdefault(klass.id or 0, _Class(klass))
            if group is not None:
                entry.groups[group.id or 0] = group
        return classes

    async def _lessons(self, first: dt.date, last: dt.date) -> list[_LessonRow]:
        # Plain columns: ORM objects for a term of a school's lessons cost more than
        # the query (bench/control_dashboard.py).
        query = select_columns(
            col(Lesson.id),
            col(Lesson.class_id),
            col(Lesson.group_id),
            col(Lesson.subject_id),
            col(Lesson.teacher_id),
            col(Lesson.substitute_id),
            col(Lesson.date),
            col(Lesson.slot),
            col(Lesson.work_type),
            col(Lesson.topic_at),
            col(Lesson.roll_called_at),
        ).where(
            col(Lesson.school_id) == self.school_id,
            col(Lesson.date) >= first,
            col(Lesson.date) <= last,
            not_deleted(Lesson),
        )
        connection = await self.uow.session.connection()
        rows = await connection.execute(query.order_by(col(Lesson.date)))
        return [_LessonRow(*row) for row in rows.all()]

    async def _first_homework(self, first: dt.date, last: dt.date) -> dict[int, dt.datetime]:
        came = func.min(func.coalesce(Homework.entered_at, Homework.created_at))
        query = (
            select(Homework.lesson_id, came)
            .join(Lesson, col(Lesson.id) == col(Homework.lesson_id))
            .where(
                Lesson.school_id == self.school_id,
                Lesson.date >= first,
                Lesson.date <= last,
                not_deleted(Homework),
            )
            .group_by(col(Homework.lesson_id))
        )
        return {lesson_id: _aware(at) for lesson_id, at in (await self.uow.session.exec(query))}

    async def _attendance(self, first: dt.date, last: dt.date) -> _Attendance:
        query = (
            select(
                col(Attendance.lesson_id),
                col(Attendance.student_id),
                col(Attendance.status),
                col(Attendance.created_at),
            )
            .join(Lesson, col(Lesson.id) == col(Attendance.lesson_id))
            .where(
                Lesson.school_id == self.school_id,
                Lesson.date >= first,
                Lesson.date <= last,
                not_deleted(Attendance),
            )
        )
        found = _Attendance()
        for lesson_id, student_id, status, created in await self.uow.session.exec(query):
            at = _aware(created)
            known = found.first.get(lesson_id)
            found.first[lesson_id] = at if known is None else min(known, at)
            if status in AWAY:
                found.away[lesson_id].add(student_id)
        return found

    async def _marks(self, first: dt.date, last: dt.date) -> list[_MarkRow]:
        query = (
            select_columns(
                col(Mark.lesson_id), col(Mark.student_id), col(Mark.work_type), col(Mark.created_at)
            )
            .join(Lesson, col(Lesson.id) == col(Mark.lesson_id))
            .where(
                col(Lesson.school_id) == self.school_id,
                col(Lesson.date) >= first,
                col(Lesson.date) <= last,
                not_deleted(Mark),
                not_deleted(Lesson),
            )
        )
        connection = await self.uow.session.connection()
        rows = await connection.execute(query)
        return [
            _MarkRow(lesson_id, student_id, work_type, _aware(created))
            for lesson_id, student_id, work_type, created in rows.all()
        ]

    async def _pupils(self) -> _Pupils:
        enrolled = await self.uow.session.exec(
            select(
                col(Enrollment.class_id),
                col(Enrollment.student_id),
                col(Enrollment.since),
                col(Enrollment.until),
            ).where(Enrollment.school_id == self.school_id)
        )
        grouped = await self.uow.session.exec(
            select(
                col(GroupMembership.group_id),
                col(GroupMembership.student_id),
                col(GroupMembership.since),
                col(GroupMembership.until),
            ).where(GroupMembership.school_id == self.school_id)
        )
        pupils = _Pupils()
        for class_id, student_id, since, until in enrolled:
            pupils.classes[class_id].append((student_id, since, until))
        for group_id, student_id, since, until in grouped:
            pupils.groups[group_id].append((student_id, since, until))
        return pupils

    async def _assignments(self) -> list[TeachingAssignment]:
        query = select(TeachingAssignment).where(TeachingAssignment.school_id == self.school_id)
        return list((await self.uow.session.exec(query)).all())

    async def _timetable(self) -> list[TimetableEntry]:
        query = select(TimetableEntry).where(TimetableEntry.school_id == self.school_id)
        return list((await self.uow.session.exec(query)).all())

    async def _period_marks(self, periods: Sequence[Period]) -> dict[_Given, dt.datetime]:
        """When each period mark (period, kind, subject, pupil) was given, as plain columns."""
        if not periods:
            return {}
        query = select_columns(
            col(PeriodMark.period_id),
            col(PeriodMark.kind),
            col(PeriodMark.subject_id),
            col(PeriodMark.student_id),
            col(PeriodMark.created_at),
        ).where(
            col(PeriodMark.school_id) == self.school_id,
            col(PeriodMark.period_id).in_([p.id for p in periods]),
            not_deleted(PeriodMark),
        )
        connection = await self.uow.session.connection()
        rows = await connection.execute(query)
        return {
            (period_id, kind, subject_id, student_id): _aware(created)
            for period_id, kind, subject_id, student_id, created in rows.all()
        }

    async def _monthly(self, classes: dict[int, _Class]) -> list[MonthlyCheck]:
        led = {
            class_id: c.row.class_teacher_id
            for class_id, c in classes.items()
            if c.row.class_teacher_id is not None
            and self.teacher_id in (None, c.row.class_teacher_id)
        }
        if not led:
            return []
        months = _months(self.start, self.end)
        since = dt.datetime.combine(self.start.replace(day=1), dt.time(0), tzinfo=self.zone)
        query = select(Announcement.class_id, Announcement.created_at).where(
            Announcement.school_id == self.school_id,
            col(Announcement.monthly).is_(True),
            col(Announcement.class_id).in_(list(led)),
            col(Announcement.created_at) >= since,
            not_deleted(Announcement),
        )
        sent: dict[int, dict[tuple[int, int], int]] = defaultdict(dict)
        for class_id, created in await self.uow.session.exec(query):
            day = _aware(created).astimezone(self.zone).date()
            key = (day.year, day.month)
            sent[class_id or 0][key] = sent[class_id or 0].get(key, 0) + 1
        owed = [m for m in months if self._month_owed(m)]
        return [
            MonthlyCheck(
                class_id=class_id,
                teacher_id=teacher,
                sent=dict(sent[class_id]),
                missing=tuple(m for m in owed if m not in sent[class_id]),
            )
            for class_id, teacher in sorted(led.items())
        ]

    def _month_owed(self, month: tuple[int, int]) -> bool:
        """A month is owed its message once it is over, or from the reminder day on."""
        this = (self.today.year, self.today.month)
        if month < this:
            return True
        return month == this and self.today.day >= self.policy.monthly_message_reminder_day

    async def _names(
        self,
        classes: dict[int, _Class],
        checks: Iterable[LessonCheck],
        pupil_lists: Iterable[Iterable[int]],
    ) -> Names:
        subjects = await self.uow.session.exec(
            select(Subject.id, Subject.name).where(Subject.school_id == self.school_id)
        )
        staff = await self.uow.session.exec(select(Staff).where(Staff.school_id == self.school_id))
        wanted = {pupil for pupils in pupil_lists for pupil in pupils}
        students: dict[int, str] = {}
        if wanted:
            rows = await self.uow.session.exec(
                select(Student).where(col(Student.id).in_(sorted(wanted)))
            )
            students = {row.id or 0: row.full_name for row in rows.all()}
        return Names(
            classes={cid: c.row.name for cid, c in classes.items()},
            groups={gid: g.name for c in classes.values() for gid, g in c.groups.items()},
            subjects={sid or 0: name for sid, name in subjects},
            staff={row.id or 0: row.short_name for row in staff.all()},
            students=students,
        )

    # The rules, applied in memory.

    def _lesson_check(
        self,
        lesson: _LessonRow,
        classes: dict[int, _Class],
        ends: dict[tuple[int, dt.date], dt.time],
        homework: dict[int, dt.datetime],
        attendance: _Attendance,
        marks: dict[int, list[_MarkRow]],
        rules: _Memo,
    ) -> LessonCheck:
        lesson_id = lesson.id or 0
        klass = classes[lesson.class_id]
        group = klass.groups.get(lesson.group_id or 0)
        elective = group is not None and group.kind == "elective"
        roll = [at for at in (_opt(lesson.roll_called_at), attendance.first.get(lesson_id)) if at]
        subject = self.subjects.get(lesson.subject_id, _SubjectRules(True, True))
        facts = LessonFacts(
            date=lesson.date,
            grade=klass.row.grade,
            elective=elective,
            work_type=lesson.work_type,
            class_last_lesson_end=ends.get((lesson.class_id, lesson.date)),
            topic_at=_opt(lesson.topic_at),
            roll_called_at=min(roll) if roll else None,
            homework_at=homework.get(lesson_id),
            homework_owed=homework_owed(
                self.policy, grade=klass.row.grade, subject_has_homework=subject.homework
            ),
            graded=subject.graded,
        )
        own = marks.get(lesson_id, [])
        marked: dict[int, dt.datetime] = {}
        for mark in own:
            known = marked.get(mark.student_id)
            marked[mark.student_id] = mark.at if known is None else min(known, mark.at)
        present = frozenset(
            rules.pupils_on(lesson.class_id, lesson.group_id, lesson.date)
            - attendance.away.get(lesson_id, set())
        )
        late = 0
        if expects_marks(
            self.policy, grade=klass.row.grade, elective=elective, graded=subject.graded
        ):
            late = sum(
                1
                for m in own
                if m.at
                > rules.mark_due(grade=klass.row.grade, work_type=m.work_type, day=lesson.date)
            )
        return LessonCheck(
            lesson_id=lesson_id,
            date=lesson.date,
            slot=lesson.slot,
            place=Place(lesson.class_id, lesson.group_id, lesson.subject_id),
            teacher_id=lesson.substitute_id or lesson.teacher_id,
            owner_id=lesson.teacher_id,
            dues=lesson_dues(self.policy, self.zone, facts),
            marks=marks_due(self.policy, self.zone, facts, present=present, marked=marked),
            late_marks=late,
        )

    def _graded_pages(
        self,
        period: Period,
        assignments: Sequence[TeachingAssignment],
        classes: dict[int, _Class],
    ) -> Iterator[tuple[TeachingAssignment, Place]]:
        """The reader's teaching assignments of the period's year that owe marks (not
        grade 1, not an attendance-only elective, not a subject without marks), each
        with its page."""
        for job in assignments:
            klass = classes.get(job.class_id)
            if klass is None or klass.row.year_id != period.year_id:
                continue
            if self.teacher_id not in (None, job.teacher_id):
                continue
            group = klass.groups.get(job.group_id or 0)
            elective = group is not None and group.kind == "elective"
            graded = self._graded(job.subject_id)
            if expects_marks(self.policy, grade=klass.row.grade, elective=elective, graded=graded):
                yield job, Place(job.class_id, job.group_id, job.subject_id)

    def _period_checks(
        self,
        periods: Sequence[Period],
        holidays: Sequence[Holiday],
        assignments: Sequence[TeachingAssignment],
        classes: dict[int, _Class],
        pupils: _Pupils,
        given: dict[_Given, dt.datetime],
    ) -> list[PeriodMarksCheck]:
        checks: list[PeriodMarksCheck] = []
        for period in periods:
            after = next((h.starts_on for h in holidays if h.starts_on > period.ends_on), None)
            dues = {
                Kind.preliminary: preliminary_due(
                    self.policy, self.zone, period_ends=period.ends_on, holidays_start=after
                ),
                Kind.final: final_due(self.zone, period_ends=period.ends_on),
            }
            for job, place in self._graded_pages(period, assignments, classes):
                on = min(period.ends_on, self.today)
                owing = sorted(pupils.on(job.class_id, job.group_id, on))
                pid, subject = period.id or 0, job.subject_id
                for kind, due in dues.items():
                    came = [given.get((pid, kind.value, subject, p)) for p in owing]
                    checks.append(
                        PeriodMarksCheck(
                            period_id=period.id or 0,
                            kind=kind,
                            place=place,
                            teacher_id=job.teacher_id,
                            due_at=due,
                            expected=len(owing),
                            late=sum(1 for at in came if at is not None and at > due),
                            missing=tuple(
                                p for p, at in zip(owing, came, strict=True) if at is None
                            ),
                        )
                    )
        return checks

    async def _fill_counts(self, period: Period, classes: dict[int, _Class]) -> _FillCounts:
        """A period's lessons held and each pupil's marks, per class (group) and subject,
        counted by the database: two grouped queries, whatever the school's size."""
        found = _FillCounts()
        if not classes:
            return found
        where = (
            col(Lesson.school_id) == self.school_id,
            col(Lesson.date) >= period.starts_on,
            col(Lesson.date) <= min(period.ends_on, self.today),
            not_deleted(Lesson),
            col(Lesson.class_id).in_(sorted(classes)),
        )
        place = (col(Lesson.class_id), col(Lesson.group_id), col(Lesson.subject_id))
        connection = await self.uow.session.connection()
        held = await connection.execute(
            select_columns(*place, func.count()).where(*where).group_by(*place)
        )
        for class_id, group_id, subject_id, count in held.all():
            found.held[Place(class_id, group_id, subject_id)] = count
        marked = await connection.execute(
            select_columns(*place, col(Mark.student_id), func.count())
            .join(Lesson, col(Lesson.id) == col(Mark.lesson_id))
            .where(*where, not_deleted(Mark))
            .group_by(*place, col(Mark.student_id))
        )
        for class_id, group_id, subject_id, student_id, count in marked.all():
            found.marks[(Place(class_id, group_id, subject_id), student_id)] = count
        return found

    def _fill(
        self,
        periods: Sequence[Period],
        assignments: Sequence[TeachingAssignment],
        classes: dict[int, _Class],
        pupils: _Pupils,
        counts: Sequence[_FillCounts],
        timetable: Sequence[TimetableEntry],
    ) -> list[FillCheck]:
        weekly: dict[Place, int] = defaultdict(int)
        for entry in timetable:
            weekly[Place(entry.class_id, entry.group_id, entry.subject_id)] += 1
        found: list[FillCheck] = []
        for period, counted in zip(periods, counts, strict=True):
            pid = period.id or 0
            weeks = max(1, ((min(period.ends_on, self.today) - period.starts_on).days + 1) // 7)
            for job, place in self._graded_pages(period, assignments, classes):
                a_week = weekly.get(place) or -(-counted.held.get(place, 0) // weeks)
                whole = fill_minimum(self.policy, lessons_a_week=a_week)
                minimum = fill_minimum_so_far(
                    whole, starts=period.starts_on, ends=period.ends_on, today=self.today
                )
                on = min(period.ends_on, self.today)
                for pupil in sorted(pupils.on(job.class_id, job.group_id, on)):
                    count = counted.marks.get((place, pupil), 0)
                    if count < minimum:
                        found.append(
                            FillCheck(pid, pupil, place, job.teacher_id, count, minimum, whole)
                        )
        return found

    def _curriculum(
        self,
        timetable: Sequence[TimetableEntry],
        holidays: Sequence[Holiday],
        lessons: Sequence[LessonCheck],
        classes: dict[int, _Class],
    ) -> list[CurriculumCheck]:
        days = [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]
        school_days = [
            day for day in days if not any(h.starts_on <= day <= h.ends_on for h in holidays)
        ]
        by_weekday: dict[int, list[dt.date]] = defaultdict(list)
        for day in school_days:
            by_weekday[day.weekday()].append(day)
        planned: dict[tuple[int, Place], dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
        for entry in timetable:
            if entry.class_id not in classes:
                continue
            if self.teacher_id not in (None, entry.teacher_id):
                continue
            place = Place(entry.class_id, entry.group_id, entry.subject_id)
            for day in by_weekday.get(entry.weekday, ()):
                planned[(entry.teacher_id, place)][day] += 1
        # Held per teacher of the timetable (the lesson's owner, whoever gave it), so two
        # teachers of one class and subject are each credited with their own lessons.
        held: dict[tuple[int, Place], dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
        substituted: dict[tuple[int, Place], int] = defaultdict(int)
        owners: set[tuple[int, Place]] = set()
        for check in lessons:
            held[(check.owner_id, check.place)][check.date] += 1
            owners.add((check.owner_id, check.place))
            if check.teacher_id != check.owner_id:
                substituted[(check.owner_id, check.place)] += 1
        rows: list[CurriculumCheck] = []
        for key in sorted(
            set(planned) | owners, key=lambda k: (k[0], k[1].class_id, k[1].subject_id)
        ):
            teacher, place = key
            if self.teacher_id not in (None, teacher):
                continue
            plan = planned.get(key, {})
            done = held.get(key, {})
            rows.append(
                CurriculumCheck(
                    teacher_id=teacher,
                    place=place,
                    timetabled=sum(plan.values()),
                    held=sum(done.values()),
                    not_held=tuple(sorted(d for d, n in plan.items() if done.get(d, 0) < n)),
                    substituted=substituted.get(key, 0),
                )
            )
        return rows


@dataclass(frozen=True, slots=True)
class _SubjectRules:
    homework: bool
    graded: bool


@dataclass(frozen=True, slots=True)
class _LessonRow:
    """The columns of a lesson the control reads."""

    id: int | None
    class_id: int
    group_id: int | None
    subject_id: int
    teacher_id: int
    substitute_id: int | None
    date: dt.date
    slot: int
    work_type: str | None
    topic_at: dt.datetime | None
    roll_called_at: dt.datetime | None


@dataclass
class _FillCounts:
    """One period: lessons held per page, and marks per page and pupil."""

    held: dict[Place, int] = field(default_factory=dict)
    marks: dict[tuple[Place, int], int] = field(default_factory=dict)


class _Memo:
    """What many lessons of a school share, worked out once: the pupils of a class
    (group) on a day, a mark's deadline for a grade, work and day."""

    def __init__(self, policy: SchoolPolicy, zone: ZoneInfo, pupils: _Pupils) -> None:
        self.policy, self.zone, self.pupils = policy, zone, pupils
        self._on: dict[tuple[int, int | None, dt.date], set[int]] = {}
        self._due: dict[tuple[int, str, dt.date], dt.datetime] = {}

    def pupils_on(self, class_id: int, group_id: int | None, day: dt.date) -> set[int]:
        key = (class_id, group_id, day)
        found = self._on.get(key)
        if found is None:
            found = self._on[key] = self.pupils.on(class_id, group_id, day)
        return found

    def mark_due(self, *, grade: int, work_type: str, day: dt.date) -> dt.datetime:
        """`core.control.rules.mark_due` (a mark entered after it is late)."""
        key = (grade, work_type, day)
        found = self._due.get(key)
        if found is None:
            found = self._due[key] = mark_due(
                self.policy, self.zone, grade=grade, work_type=work_type, day=day
            )
        return found


@dataclass
class _Class:
    row: SchoolClass
    groups: dict[int, Group] = field(default_factory=dict)


@dataclass(frozen=True)
class _MarkRow:
    lesson_id: int
    student_id: int
    work_type: str
    at: dt.datetime


@dataclass
class _Attendance:
    first: dict[int, dt.datetime] = field(default_factory=dict)  # lesson → first entry
    away: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))


Span = tuple[int, dt.date, dt.date | None]
_Given = tuple[int, str, int, int]  # a period mark: period, kind, subject, pupil


@dataclass
class _Pupils:
    classes: dict[int, list[Span]] = field(default_factory=lambda: defaultdict(list))
    groups: dict[int, list[Span]] = field(default_factory=lambda: defaultdict(list))

    def on(self, class_id: int, group_id: int | None, day: dt.date) -> set[int]:
        """The pupils of the class (and group) on `day`."""
        members = _during(self.classes.get(class_id, []), day)
        if group_id is not None:
            members &= _during(self.groups.get(group_id, []), day)
        return members


def _during(spans: Iterable[Span], day: dt.date) -> set[int]:
    return {
        pupil for pupil, since, until in spans if since <= day and (until is None or until >= day)
    }


def _bell_ends(school: School) -> dict[int, dt.time]:
    ends: dict[int, dt.time] = {}
    for bell in school.bells:
        try:
            hours, minutes = str(bell.get("end", "")).split(":")[:2]
            ends[int(bell["slot"])] = dt.time(int(hours), int(minutes))
        except (KeyError, ValueError):
            continue
    return ends


def _class_day_ends(
    lessons: Iterable[_LessonRow], bells: dict[int, dt.time]
) -> dict[tuple[int, dt.date], dt.time]:
    """When each class's last lesson of a day ends, by the bells (its latest slot)."""
    last: dict[tuple[int, dt.date], int] = {}
    for lesson in lessons:
        key = (lesson.class_id, lesson.date)
        last[key] = max(last.get(key, lesson.slot), lesson.slot)
    return {key: bells[slot] for key, slot in last.items() if slot in bells}


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    months: list[tuple[int, int]] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _opt(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else _aware(moment)
