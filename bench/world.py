"""A benchmark school: N students, one guardian each with a distinct Telegram chat or MAX
dialog (`messenger`: all on Telegram, all on MAX, or every other family on each).

Set-up rows go in with bulk inserts (seconds for thousands of families); everything
measured goes through the real core services (`post_mark`, `post_announcement`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel, select

import core.models  # noqa: F401  (every table must be known to create_all)
from core.actors import StaffActor
from core.db import Database
from core.demo.bulk import Row, insert_ids, insert_rows
from core.models import (
    AcademicYear,
    Delivery,
    Enrollment,
    Guardian,
    Lesson,
    Notification,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
    Subject,
    TeachingAssignment,
    utcnow,
)
from core.services.announcements import post_announcement
from core.services.marks import post_mark
from core.uow import UnitOfWork

TIMEZONE = "Europe/Moscow"
CHAT_BASE = 700_000_000  # guardian i on Telegram has chat CHAT_BASE + i
MAX_USER_BASE = 800_000_000  # guardian i on MAX has user id MAX_USER_BASE + i
BenchMessenger = Literal["telegram", "max", "both"]
MESSENGERS: tuple[BenchMessenger, ...] = ("telegram", "max", "both")
LETTERS = "АБВГДЕЖИКЛМНПРСТУФХЦЧШЭЮЯ"
# Messages go out at once: no grace window, and no quiet hours (start == end).
INSTANT_POLICY: dict[str, Any] = {
    "grace_window_seconds": 0,
    "quiet_hours_start": "00:00",
    "quiet_hours_end": "00:00",
}


@dataclass
class BenchWorld:
    """Ids of the benchmark school; index i is one family: student, guardian, lesson.

    `chats` are the Telegram families' chats and `max_users` the MAX families' user ids,
    each in family order: with every family on Telegram (the default), `chats[i]` is
    family i's chat.
    """

    school_id: int = 0
    teacher_id: int = 0
    deputy_id: int = 0
    students: list[int] = field(default_factory=list)
    guardians: list[int] = field(default_factory=list)
    chats: list[int] = field(default_factory=list)
    max_users: list[int] = field(default_factory=list)
    lessons: list[int] = field(default_factory=list)  # the lesson of student i's class today

    def actor(self, staff_id: int) -> StaffActor:
        return StaffActor(staff_id=staff_id, school_id=self.school_id)


def on_max(messenger: BenchMessenger, index: int) -> bool:
    """Whether family `index` is on MAX: all, none, or every odd one ("both")."""
    return messenger == "max" or (messenger == "both" and index % 2 == 1)


def offered(messenger: BenchMessenger) -> list[str]:
    """The school's `messengers` setting for families on `messenger`."""
    return {"telegram": ["telegram"], "max": ["max"], "both": ["telegram", "max"]}[messenger]


def school_today() -> dt.date:
    return dt.datetime.now(ZoneInfo(TIMEZONE)).date()


async def create_database(
    url: str,
    *,
    families: int,
    per_class: int = 30,
    policy: dict[str, Any] | None = None,
    messenger: BenchMessenger = "telegram",
) -> tuple[Database, BenchWorld]:
    """Tables in the empty database at `url`, and a school of `families` families on
    `messenger` (the school offers the messengers its families are on)."""
    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    policy = {"messengers": offered(messenger)} | (policy or INSTANT_POLICY)
    async with db.engine.begin() as conn:
        world = await _fill(conn, families, per_class, policy, messenger)
    return db, world


async def _fill(
    conn: AsyncConnection,
    families: int,
    per_class: int,
    policy: dict[str, Any],
    messenger: BenchMessenger,
) -> BenchWorld:
    now, today = utcnow(), school_today()
    w = BenchWorld()
    school = {"name": "Школа бенчмарка", "timezone": TIMEZONE, "policy": policy, "created_at": now}
    w.school_id = (await insert_ids(conn, School, [school]))[0]
    sid = {"school_id": w.school_id}
    year = {"name": "bench", "starts_on": today - dt.timedelta(days=60)}
    year |= {"ends_on": today + dt.timedelta(days=200), **sid}
    year_id = (await insert_ids(conn, AcademicYear, [year]))[0]
    subject_id = (await insert_ids(conn, Subject, [{"name": "Математика", **sid}]))[0]
    staff = [
        {"login": f"{key}@bench", "last_name": name, "first_name": "Анна", "roles": [key]}
        | {"created_at": now, **sid}
        for key, name in (("teacher", "Учителева"), ("deputy", "Завучева"))
    ]
    w.teacher_id, w.deputy_id = await insert_ids(conn, Staff, staff)
    classes = await _classes(conn, w, year_id, -(-families // per_class))
    assignments = [
        {"teacher_id": w.teacher_id, "class_id": c, "subject_id": subject_id, **sid}
        for c in classes
    ]
    await insert_rows(conn, TeachingAssignment, assignments)
    lessons = [
        {"class_id": c, "subject_id": subject_id, "teacher_id": w.teacher_id, "date": today}
        | {"slot": 1, "created_at": now, **sid}
        for c in classes
    ]
    lesson_ids = await insert_ids(conn, Lesson, lessons)
    class_of = [c for c in classes for _ in range(per_class)]
    await _families(conn, w, families, class_of, now, messenger)
    w.lessons = [lesson_ids[i // per_class] for i in range(families)]
    return w


async def _classes(conn: AsyncConnection, w: BenchWorld, year_id: int, count: int) -> list[int]:
    """Grades 2 to 11 (grade 1 gets no marks), then the next letter."""
    letters = (f"{a}{b}".strip() for b in ("", *"123456789") for a in LETTERS)
    pairs = itertools.product(letters, range(2, 12))
    rows = [
        {"school_id": w.school_id, "year_id": year_id, "grade": grade, "letter": letter}
        for letter, grade in itertools.islice(pairs, count)
    ]
    return await insert_ids(conn, SchoolClass, rows)


async def _families(
    conn: AsyncConnection,
    w: BenchWorld,
    families: int,
    class_of: list[int],
    now: dt.datetime,
    messenger: BenchMessenger,
) -> None:
    """`class_of[i]`: the class of family i's student, enrolled since term began."""
    since = school_today() - dt.timedelta(days=30)
    sid = {"school_id": w.school_id, "created_at": now}
    students: list[Row] = [
        {"last_name": "Ученик", "first_name": f"Номер {i}", **sid} for i in range(families)
    ]
    w.students = await insert_ids(conn, Student, students)
    guardians: list[Row] = []
    for i in range(families):
        # Every row has both keys: a bulk insert takes one set of columns.
        if on_max(messenger, i):
            w.max_users.append(MAX_USER_BASE + i)
            contact: Row = {"telegram_chat_id": None, "max_user_id": MAX_USER_BASE + i}
        else:
            w.chats.append(CHAT_BASE + i)
            contact = {"telegram_chat_id": CHAT_BASE + i, "max_user_id": None}
        guardians.append(
            {"last_name": "Родитель", "first_name": f"Номер {i}", **contact}
            | {"consent_given_at": now, "consent_source": "paper", **sid}
        )
    w.guardians = await insert_ids(conn, Guardian, guardians)
    enrollments: list[Row] = [
        {"school_id": w.school_id, "student_id": s, "class_id": class_of[i], "since": since}
        for i, s in enumerate(w.students)
    ]
    await insert_rows(conn, Enrollment, enrollments)
    links: list[Row] = [
        {"school_id": w.school_id, "student_id": s, "guardian_id": g}
        for s, g in zip(w.students, w.guardians, strict=True)
    ]
    await insert_rows(conn, StudentGuardian, links)


async def post_mark_to(db: Database, world: BenchWorld, index: int, value: int = 5) -> int:
    """A mark for family `index`'s student, through the real service; the mark's id."""
    mark = await post_mark(
        UnitOfWork(db),
        actor=world.actor(world.teacher_id),
        lesson_id=world.lessons[index],
        student_id=world.students[index],
        value=value,
        work_type="oral",
    )
    return mark.id or 0


async def announce_to_school(db: Database, world: BenchWorld, *, urgent: bool = True) -> int:
    """A school-wide announcement by the deputy director; the announcement's id."""
    announcement = await post_announcement(
        UnitOfWork(db),
        actor=world.actor(world.deputy_id),
        class_id=None,
        title="Завтра занятия отменяются",
        body="В связи с аварией на теплотрассе 24 ноября занятий не будет.",
        urgent=urgent,
    )
    return announcement.id or 0


async def outcomes(db: Database) -> dict[str, dict[str, int]]:
    """How many notifications and deliveries are in each status."""
    found: dict[str, dict[str, int]] = {}
    async with db.session() as session:
        for name, model in (("notifications", Notification), ("deliveries", Delivery)):
            query = select(model.status, func.count()).group_by(model.status)
            found[name] = {status: count for status, count in (await session.exec(query)).all()}
    return found
