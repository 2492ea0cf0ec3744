"""`load_demo`: write the demo school into a database, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from core import formats
from core.db import Database
from core.demo.audit_log import record_history
from core.demo.bulk import insert_ids, insert_rows, table_of
from core.demo.calendar import TIMEZONE
from core.demo.history import write_history
from core.demo.journal import Journal, JournalRows
from core.demo.notices import Notices
from core.demo.periods import period_marks, scheduled_tests
from core.demo.plan import SchoolPlan, StaffPlan
from core.demo.previous_year import write_previous_year
from core.demo.school import demo_password, plan_school, rng_for
from core.demo.staffing import assign_logins
from core.demo.writer import DEMO_SCHOOL_NAME, StructureWriter
from core.errors import ZvonokError
from core.i18n import DEFAULT_LANGUAGE, Texts, texts
from core.models import (
    Announcement,
    Attendance,
    AttendanceStatus,
    Homework,
    Lesson,
    Mark,
    PeriodMark,
    Remark,
    Role,
    ScheduledTest,
    School,
    Staff,
)
from core.security import hash_password

Progress = Callable[[str, int, int], None]
_SET_UP_STEPS = 5
_LOCK_KEY = 0x5A564F4E  # "ZVON": the demo loader's advisory lock


class DemoAlreadyLoaded(ZvonokError):
    """The database already holds the demo school; loading it again would duplicate it."""

    key = "demo_already_loaded"


@dataclass(frozen=True)
class DemoSummary:
    school_id: int
    classes: int
    students: int
    guardians: int
    staff: int
    lessons: int
    marks: int
    absences: int  # «н» and «б»
    homework: int
    lates: int = 0  # «оп»
    remarks: int = 0
    announcements: int = 0
    period_marks: int = 0
    messages: int = 0  # the announcements' notifications, as the workers left them
    # (role, login, password, full name): one account of each role; the role in the
    # language `load_demo` was given.
    logins: list[tuple[str, str, str, str]] = field(default_factory=list)


async def load_demo(
    db: Database,
    *,
    seed: int = 2026,
    today: dt.date,
    progress: Progress | None = None,
    scale: float = 1.0,
    language: str = DEFAULT_LANGUAGE,
) -> DemoSummary:
    """Build the demo school for the academic year holding `today`, up to `today`.

    The same `seed`, `today` and `scale` give the same rows (on an empty database,
    the same ids too), except the staff's password: a new random one at every load,
    the same for every demo account, shown in the summary's `logins`. Journal rows are written directly, without outbox events:
    families must not be messaged about a term of invented marks. Past announcements
    come with the delivery rows the workers would have left (core/demo/history.py),
    all settled: nothing is queued. `scale` shrinks
    the school (0.1: one class a grade, about 60 students) for quick tests. The
    progress steps and the logins' roles are named in `language` (the CLI's).
    Raises `DemoAlreadyLoaded` when the database has the demo school already.
    """
    if not 0 < scale <= 2:
        raise ValueError("scale must be in (0, 2]")
    if isinstance(today, dt.datetime):
        raise TypeError("today must be a date (the school's calendar day), not a datetime")
    session = await db.writing_session()
    try:
        conn = await session.connection()
        await _refuse_second_copy(conn)
        plan = plan_school(seed, today, scale)
        password = demo_password()
        taken = set((await conn.execute(select(table_of(Staff).c.login))).scalars())
        assign_logins(plan.staff, taken)
        loading = _Load(conn, plan, seed, today, progress, texts("core", language))
        summary = await loading.run(password)
        await session.commit()
    finally:
        await session.close()
    return summary


async def _refuse_second_copy(conn: AsyncConnection) -> None:
    if conn.dialect.name == "postgresql":
        # Two loads at once must not both find no demo school (SQLite's BEGIN
        # IMMEDIATE already serializes them); the lock lasts until commit.
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    schools = table_of(School)
    found = await conn.scalar(
        select(func.count()).select_from(schools).where(schools.c.name == DEMO_SCHOOL_NAME)
    )
    if found:
        raise DemoAlreadyLoaded(name=DEMO_SCHOOL_NAME)


class _Load:
    def __init__(
        self,
        conn: AsyncConnection,
        plan: SchoolPlan,
        seed: int,
        today: dt.date,
        progress: Progress | None,
        words: Texts,
    ) -> None:
        self.t = words
        self.conn = conn
        self.plan = plan
        self.today = today
        self.seed = seed
        self.journal = Journal(plan, seed, today)
        self.writer = StructureWriter(conn, plan, rng_for(seed, "writer"))
        self.progress = progress
        self.total = _SET_UP_STEPS + len(self.journal.days) + 2
        self.done = 0
        self.counts = dict.fromkeys(
            ("lessons", "marks", "absences", "lates", "homework", "remarks"), 0
        )

    def report(self, label: str, steps: int = 1) -> None:
        self.done += steps
        if self.progress is not None:
            self.progress(label, self.done, self.total)

    async def run(self, password: str) -> DemoSummary:
        await self.writer.school_and_year()
        t = self.t
        self.report(t._("The school and the academic year"))
        await self.writer.staff(hash_password(password))  # hashed once for every account
        self.report(t._("Staff"))
        await self.writer.classes()
        await self.writer.students()
        await self.writer.groups()
        self.report(t._("Classes and students"))
        await self.writer.guardians()
        self.report(t._("Parents"))
        await self.writer.timetable()
        await insert_rows(self.conn, ScheduledTest, scheduled_tests(self.journal))
        self.report(t._("The timetable and the schedule of tests"))
        announcements = await self._journal()
        finals = period_marks(self.journal, self.today)
        await insert_rows(self.conn, PeriodMark, finals)
        await insert_ids(self.conn, Announcement, announcements)
        messages = await write_history(
            self.conn,
            school_id=self.plan.school_id,
            timezone=TIMEZONE,
            announcements=announcements,
            class_names={k.id: k.name for k in self.plan.classes},
            rng=rng_for(self.seed, "history"),
        )
        self.report(self.t._("Period marks and announcements"))
        await write_previous_year(self.conn, self.plan, self.seed)
        self.report(self.t._("Last year's journal, closed"))
        # Last: every row of both years gets its history, sealed in time order.
        await record_history(self.conn, self.plan.school_id)
        return self._summary(len(announcements), len(finals), messages, password)

    async def _journal(self) -> list[dict[str, object]]:
        notices = Notices(self.journal)
        announcements: list[dict[str, object]] = []
        for week in _weeks(self.journal.days):
            drafts = [d for day in week for d in self.journal.lessons_on(day)]
            rows = [self.journal.lesson_row(d) for d in drafts]
            for draft, new_id in zip(
                drafts, await insert_ids(self.conn, Lesson, rows), strict=True
            ):
                draft.id = new_id
            entries = self.journal.entries(drafts)
            for model, batch in (
                (Attendance, entries.attendance),
                (Mark, entries.marks),
                (Homework, entries.homework),
                (Remark, entries.remarks),
            ):
                await insert_rows(self.conn, model, batch)
            for day in week:
                announcements += notices.after(day, self.today)
            self._count(len(drafts), entries)
            month = formats.date_skeleton(week[-1], "yMMMM", self.t.language)
            self.report(self.t._("The journal: %(month)s", month=month), len(week))
        return announcements

    def _count(self, lessons: int, entries: JournalRows) -> None:
        late = sum(1 for row in entries.attendance if row["status"] == AttendanceStatus.late)
        self.counts["lessons"] += lessons
        self.counts["marks"] += len(entries.marks)
        self.counts["absences"] += len(entries.attendance) - late
        self.counts["lates"] += late
        self.counts["homework"] += len(entries.homework)
        self.counts["remarks"] += len(entries.remarks)

    def _summary(
        self, announcements: int, finals: int, messages: int, password: str
    ) -> DemoSummary:
        plan = self.plan
        return DemoSummary(
            school_id=plan.school_id,
            classes=len(plan.classes),
            students=len(plan.students),
            guardians=len(plan.guardians),
            staff=len(plan.staff),
            announcements=announcements,
            period_marks=finals,
            messages=messages,
            logins=demo_logins(plan, password, self.t),
            **self.counts,
        )


def _weeks(days: list[dt.date]) -> list[list[dt.date]]:
    weeks: dict[tuple[int, int], list[dt.date]] = {}
    for day in days:
        iso = day.isocalendar()
        weeks.setdefault((iso.year, iso.week), []).append(day)
    return list(weeks.values())


def demo_logins(plan: SchoolPlan, password: str, t: Texts) -> list[tuple[str, str, str, str]]:
    """One account of each role, to try the journal with."""

    def line(label: str, member: StaffPlan) -> tuple[str, str, str, str]:
        return (label, member.login, password, member.person.full_name)

    def with_role(role: Role) -> StaffPlan:
        return next(s for s in plan.staff if role.value in s.roles)

    form_teachers = [k for k in plan.classes if k.grade >= 5 and k.class_teacher] or plan.classes
    klass = form_teachers[0]
    assert klass.class_teacher is not None
    heads = {k.class_teacher.index for k in plan.classes if k.class_teacher}
    others = [t for t in plan.teachers if t.index not in heads and t.specialty != "primary"]
    subject_teacher = next((t for t in others if t.specialty == "math"), others[0])
    subjects = dict.fromkeys(
        c.subject.name.lower() for c in plan.courses if c.teacher is subject_teacher
    )
    return [
        line(t.pgettext("demo login", "Administrator"), with_role(Role.admin)),
        line(t.pgettext("demo login", "Deputy director"), with_role(Role.deputy)),
        line(t.pgettext("demo login", "Secretary"), with_role(Role.secretary)),
        line(
            t.pgettext("demo login", "Class teacher of %(klass)s", klass=klass.name),
            klass.class_teacher,
        ),
        line(
            t.pgettext(
                "demo login", "Subject teacher (%(subjects)s)", subjects=", ".join(subjects)
            ),
            subject_teacher,
        ),
    ]
