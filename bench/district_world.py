"""A benchmark district: `schools` schools of `families / schools` families each, every
school with its own Telegram and MAX bot (`core.bot_registry`), by bulk inserts.

In each school, family i is on Telegram (even i) or MAX (odd i), except every 25th
family, which has only an email address, and every 50th from the second, only a phone
(SMS). Each family's chat was linked through its school's bot. Classes of 30; each
school has `teachers` teachers of mathematics (class k is teacher k mod `teachers`'s),
with the password `bench.web_stack.PASSWORD`, a deputy director, and one lesson today
for every class. The policy sends at once (no grace window, no quiet hours) and allows
every family an SMS.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

import core.models  # noqa: F401  (every table must be known to create_all)
from bench.web_stack import PASSWORD
from bench.world import CHAT_BASE, INSTANT_POLICY, MAX_USER_BASE, TIMEZONE, school_today
from core.db import Database
from core.demo.bulk import Row, insert_ids, insert_rows
from core.models import (
    AcademicYear,
    Enrollment,
    Guardian,
    Lesson,
    Period,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
    Subject,
    TeachingAssignment,
    utcnow,
)
from core.security import hash_password

PER_CLASS = 30


@dataclass
class DistrictSchool:
    """One school's ids, and its bots' keys, tokens and usernames."""

    number: int
    school_id: int = 0
    deputy_id: int = 0
    subject_id: int = 0
    teachers: list[int] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    classes: list[int] = field(default_factory=list)
    students: list[list[int]] = field(default_factory=list)  # by class
    lessons: list[int] = field(default_factory=list)  # today's lesson, by class
    chats: list[int] = field(default_factory=list)  # its Telegram families
    max_users: list[int] = field(default_factory=list)  # its MAX families
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"s{self.number:02d}"

    @property
    def telegram_token(self) -> str:
        return f"{900_000 + self.number}:district-school-{self.number}"

    @property
    def max_token(self) -> str:
        return f"district-max-school-{self.number}"

    @property
    def username(self) -> str:
        return f"school{self.number:02d}_zvonok_bot"

    @property
    def families(self) -> int:
        return len(self.chats) + len(self.max_users) + len(self.emails) + len(self.phones)


def channel_of(index: int) -> str:
    """Family `index`'s one channel (see the module's doc)."""
    if index % 25 == 0:
        return "email"
    if index % 50 == 1:
        return "sms"
    return "telegram" if index % 2 == 0 else "max"


async def create_district(
    url: str, *, schools: int, families: int, teachers: int
) -> tuple[Database, list[DistrictSchool]]:
    """Tables in the empty database at `url` and the district (see the module's doc)."""
    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    secret = hash_password(PASSWORD)  # once: argon2 is slow on purpose
    built = []
    per_school = families // schools
    for number in range(1, schools + 1):
        async with db.engine.begin() as conn:
            school = DistrictSchool(number)
            await _fill(conn, school, per_school, teachers, secret, (number - 1) * per_school)
            built.append(school)
    return db, built


async def _fill(
    conn: AsyncConnection, s: DistrictSchool, families: int, teachers: int, secret: str, first: int
) -> None:
    now, today = utcnow(), school_today()
    policy = INSTANT_POLICY | {"messengers": ["telegram", "max"], "sms_daily_budget": 100_000}
    row = {"name": f"Школа № {s.number}", "timezone": TIMEZONE, "policy": policy}
    s.school_id = (await insert_ids(conn, School, [row | {"created_at": now}]))[0]
    sid = {"school_id": s.school_id}
    start, end = today - dt.timedelta(days=60), today + dt.timedelta(days=200)
    year = {"name": "2026/2027", "starts_on": start, "ends_on": end, **sid}
    year_id = (await insert_ids(conn, AcademicYear, [year]))[0]
    period = {"year_id": year_id, "name": "четверть", "starts_on": start, "ends_on": end, **sid}
    await insert_ids(conn, Period, [period])
    s.subject_id = (await insert_ids(conn, Subject, [{"name": "Математика", **sid}]))[0]
    staff: list[Row] = [
        {"login": f"t{t}.s{s.number}@bench", "last_name": f"Учитель{t}", "roles": ["teacher"]}
        for t in range(teachers)
    ]
    staff.append({"login": f"deputy.s{s.number}@bench", "last_name": "Завуч", "roles": ["deputy"]})
    for person in staff:
        person |= {"first_name": "Анна", "password_hash": secret, "created_at": now, **sid}
    *s.teachers, s.deputy_id = await insert_ids(conn, Staff, staff)
    s.logins = [str(person["login"]) for person in staff[:teachers]]
    count = -(-families // PER_CLASS)
    classes: list[Row] = [
        {"year_id": year_id, "grade": 2 + k % 10, "letter": f"К{k // 10}", **sid}
        for k in range(count)
    ]
    s.classes = await insert_ids(conn, SchoolClass, classes)
    teacher_of = [s.teachers[k % teachers] for k in range(count)]
    assignments: list[Row] = [
        {"teacher_id": t, "class_id": c, "subject_id": s.subject_id, **sid}
        for t, c in zip(teacher_of, s.classes, strict=True)
    ]
    await insert_rows(conn, TeachingAssignment, assignments)
    lessons: list[Row] = [
        {"class_id": c, "subject_id": s.subject_id, "teacher_id": t, "date": today, "slot": 1}
        | {"created_at": now, **sid}
        for t, c in zip(teacher_of, s.classes, strict=True)
    ]
    s.lessons = await insert_ids(conn, Lesson, lessons)
    await _families(conn, s, families, first, now)


async def _families(
    conn: AsyncConnection, s: DistrictSchool, families: int, first: int, now: dt.datetime
) -> None:
    sid = {"school_id": s.school_id, "created_at": now}
    pupils: list[Row] = [
        {"last_name": "Ученик", "first_name": f"Номер {i}", **sid} for i in range(families)
    ]
    students = await insert_ids(conn, Student, pupils)
    s.students = [students[k : k + PER_CLASS] for k in range(0, families, PER_CLASS)]
    parents: list[Row] = []
    for i in range(families):
        g = first + i  # unique in the district
        contact: Row = {"telegram_chat_id": None, "max_user_id": None, "telegram_bot": None}
        contact |= {"max_bot": None, "email": None, "phone": None}
        channel = channel_of(i)
        if channel == "telegram":
            contact |= {"telegram_chat_id": CHAT_BASE + g, "telegram_bot": s.key}
            s.chats.append(CHAT_BASE + g)
        elif channel == "max":
            contact |= {"max_user_id": MAX_USER_BASE + g, "max_bot": s.key}
            s.max_users.append(MAX_USER_BASE + g)
        elif channel == "email":
            contact["email"] = f"parent{g}@family.example"
            s.emails.append(str(contact["email"]))
        else:
            contact["phone"] = f"+7916{g:07d}"
            s.phones.append(str(contact["phone"]))
        parents.append(
            {"last_name": "Родитель", "first_name": f"Номер {i}", **contact}
            | {"consent_given_at": now, "consent_source": "paper", **sid}
        )
    guardians = await insert_ids(conn, Guardian, parents)
    since = school_today() - dt.timedelta(days=30)
    enrol: list[Row] = [
        {"school_id": s.school_id, "student_id": st, "class_id": s.classes[k // PER_CLASS]}
        | {"since": since}
        for k, st in enumerate(students)
    ]
    await insert_rows(conn, Enrollment, enrol)
    links: list[Row] = [
        {"school_id": s.school_id, "student_id": st, "guardian_id": g}
        for st, g in zip(students, guardians, strict=True)
    ]
    await insert_rows(conn, StudentGuardian, links)


def bots_file(path: Path, schools: list[DistrictSchool]) -> Path:
    """The district's bots file: each school's Telegram and MAX bot."""
    entries = []
    for s in schools:
        for messenger, token in (("telegram", s.telegram_token), ("max", s.max_token)):
            entries.append(
                f'[[{messenger}]]\nkey = "{s.key}"\ntoken = "{token}"\n'
                f'username = "{s.username}"\nschools = [{s.school_id}]\n'
            )
    path.write_text("\n".join(entries), encoding="utf-8")
    return path
