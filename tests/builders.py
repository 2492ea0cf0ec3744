"""A small, fully known school for tests, written straight to the database.

Set-up data is inserted directly (it is the precondition of a test, not the thing
under test); everything a test checks goes through the core services.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import SQLModel

from core.actors import StaffActor
from core.db import Database
from core.models import (
    AcademicYear,
    Enrollment,
    Group,
    GroupMembership,
    Guardian,
    Holiday,
    Lesson,
    Period,
    Role,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
    Subject,
    TeachingAssignment,
    utcnow,
)
from core.uow import UnitOfWork
from tests.world_template import built_once

TODAY = dt.date(2026, 11, 23)  # a Monday in the second quarter
BELLS = [
    {"slot": n + 1, "start": f"{8 + (n * 55 + 30) // 60:02d}:{(n * 55 + 30) % 60:02d}"}
    for n in range(8)
]


@dataclass
class World:
    school_id: int = 0
    other_school_id: int = 0
    year_id: int = 0
    periods: dict[str, int] = field(default_factory=dict)
    subjects: dict[str, int] = field(default_factory=dict)
    staff: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    groups: dict[str, int] = field(default_factory=dict)
    students: dict[str, int] = field(default_factory=dict)
    guardians: dict[str, int] = field(default_factory=dict)
    lessons: dict[str, int] = field(default_factory=dict)

    def actor(self, who: str) -> StaffActor:
        school = self.other_school_id if who == "stranger" else self.school_id
        return StaffActor(staff_id=self.staff[who], school_id=school)


async def build_world(db: Database) -> World:
    """Школа №1: classes 1А, 7Б and 10А, their teachers, students, guardians, lessons.

    On an empty SQLite database, a copy of the first one this process built
    (tests/world_template.py): the same rows, ids and `World`.
    """
    return await built_once(db, _build_world)


async def _build_world(db: Database) -> World:
    w = World()
    now = utcnow()
    async with db.session() as s:
        school = School(name="Школа №1", timezone="Europe/Moscow", bells=BELLS, created_at=now)
        other = School(name="Школа №2", timezone="Asia/Yekaterinburg", created_at=now)
        s.add_all([school, other])
        await s.flush()
        w.school_id, w.other_school_id = school.id or 0, other.id or 0
        sid = w.school_id

        year = AcademicYear(
            school_id=sid,
            name="2026/2027",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2027, 5, 31),
        )
        s.add(year)
        await s.flush()
        w.year_id = year.id or 0
        for name, start, end in [
            ("1 четверть", (2026, 9, 1), (2026, 10, 25)),
            ("2 четверть", (2026, 11, 5), (2026, 12, 28)),
            ("3 четверть", (2027, 1, 12), (2027, 3, 21)),
            ("4 четверть", (2027, 3, 31), (2027, 5, 31)),
        ]:
            p = Period(
                school_id=sid,
                year_id=w.year_id,
                name=name,
                starts_on=dt.date(*start),
                ends_on=dt.date(*end),
            )
            s.add(p)
            await s.flush()
            w.periods[name] = p.id or 0
        s.add(
            Holiday(
                school_id=sid,
                year_id=w.year_id,
                name="осенние каникулы",
                starts_on=dt.date(2026, 10, 26),
                ends_on=dt.date(2026, 11, 4),
            )
        )

        for name in ("Математика", "Русский язык", "Английский язык", "Робототехника"):
            subj = Subject(school_id=sid, name=name)
            s.add(subj)
            await s.flush()
            w.subjects[name] = subj.id or 0

        people = {
            "math": ("Иванова", "Мария", "Петровна", [Role.teacher]),
            "russian": ("Петров", "Сергей", "Ильич", [Role.teacher]),
            "english": ("Смит", "Анна", "", [Role.teacher]),
            "robotics": ("Кузнецов", "Олег", "Романович", [Role.teacher]),
            "substitute": ("Сидорова", "Елена", "Викторовна", [Role.teacher]),
            "deputy": ("Орлова", "Татьяна", "Борисовна", [Role.deputy]),
            "admin": ("Белов", "Игорь", "Андреевич", [Role.admin]),
            "secretary": ("Лебедева", "Нина", "Олеговна", [Role.secretary]),
        }
        for key, (last, first, middle, roles) in people.items():
            st = Staff(
                school_id=sid,
                login=f"{key}@1",
                last_name=last,
                first_name=first,
                middle_name=middle,
                roles=[r.value for r in roles],
                created_at=now,
            )
            s.add(st)
            await s.flush()
            w.staff[key] = st.id or 0
        stranger = Staff(
            school_id=w.other_school_id,
            login="stranger@2",
            last_name="Чужой",
            first_name="Пётр",
            roles=[Role.teacher.value, Role.admin.value, Role.deputy.value],
            created_at=now,
        )
        s.add(stranger)
        await s.flush()
        w.staff["stranger"] = stranger.id or 0

        for grade, letter, teacher in ((1, "А", None), (7, "Б", "russian"), (10, "А", None)):
            c = SchoolClass(
                school_id=sid,
                year_id=w.year_id,
                grade=grade,
                letter=letter,
                class_teacher_id=w.staff[teacher] if teacher else None,
            )
            s.add(c)
            await s.flush()
            w.classes[c.name] = c.id or 0
        for name, kind in (("7Б англ. 1", "subgroup"), ("7Б робототехника", "elective")):
            g = Group(school_id=sid, class_id=w.classes["7Б"], name=name, kind=kind)
            s.add(g)
            await s.flush()
            w.groups[name] = g.id or 0

        assignments = [
            ("math", "7Б", None, "Математика"),
            ("math", "1А", None, "Математика"),
            ("math", "10А", None, "Математика"),
            ("russian", "7Б", None, "Русский язык"),
            ("english", "7Б", "7Б англ. 1", "Английский язык"),
            ("robotics", "7Б", "7Б робототехника", "Робототехника"),
        ]
        for teacher, klass, group, subject in assignments:
            s.add(
                TeachingAssignment(
                    school_id=sid,
                    teacher_id=w.staff[teacher],
                    class_id=w.classes[klass],
                    group_id=w.groups[group] if group else None,
                    subject_id=w.subjects[subject],
                )
            )

        roster = [
            ("petya", "7Б", "Соколов", "Пётр", ["7Б англ. 1", "7Б робототехника"]),
            ("masha", "7Б", "Соколова", "Мария", ["7Б англ. 1"]),
            ("vanya", "7Б", "Новиков", "Иван", []),
            ("dasha", "1А", "Соколова", "Дарья", []),
            ("lena", "10А", "Морозова", "Елена", []),
        ]
        start = dt.date(2026, 9, 1)
        for key, klass, last, first, groups in roster:
            st_row = Student(school_id=sid, last_name=last, first_name=first, created_at=now)
            s.add(st_row)
            await s.flush()
            w.students[key] = st_row.id or 0
            s.add(
                Enrollment(
                    school_id=sid,
                    student_id=w.students[key],
                    class_id=w.classes[klass],
                    since=start,
                )
            )
            for g in groups:
                s.add(
                    GroupMembership(
                        school_id=sid, group_id=w.groups[g], student_id=w.students[key], since=start
                    )
                )

        # One mother of three (petya, masha, dasha), one father of vanya, lena's mother.
        for key, last, first, phone, email, kids in [
            (
                "sokolova",
                "Соколова",
                "Анна",
                "+79160000001",
                "sokolova@example.ru",
                ["petya", "masha", "dasha"],
            ),
            ("novikov", "Новиков", "Павел", "+79160000002", "novikov@example.ru", ["vanya"]),
            ("morozova", "Морозова", "Ольга", "+79160000003", None, ["lena"]),
        ]:
            g_row = Guardian(
                school_id=sid,
                last_name=last,
                first_name=first,
                phone=phone,
                email=email,
                consent_given_at=now,
                consent_source="paper",
                created_at=now,
            )
            s.add(g_row)
            await s.flush()
            w.guardians[key] = g_row.id or 0
            for kid in kids:
                s.add(
                    StudentGuardian(
                        school_id=sid, student_id=w.students[kid], guardian_id=w.guardians[key]
                    )
                )

        lessons = [
            ("math7", "7Б", None, "Математика", "math", 2),
            ("russian7", "7Б", None, "Русский язык", "russian", 3),
            ("english7", "7Б", "7Б англ. 1", "Английский язык", "english", 4),
            ("robotics7", "7Б", "7Б робототехника", "Робототехника", "robotics", 7),
            ("math1", "1А", None, "Математика", "math", 1),
        ]
        for key, klass, group, subject, teacher, slot in lessons:
            lesson = Lesson(
                school_id=sid,
                class_id=w.classes[klass],
                group_id=w.groups[group] if group else None,
                subject_id=w.subjects[subject],
                teacher_id=w.staff[teacher],
                date=TODAY,
                slot=slot,
                created_at=now,
            )
            s.add(lesson)
            await s.flush()
            w.lessons[key] = lesson.id or 0
        await s.commit()
    return w


# 10:00 in Moscow on TODAY: services that need "today" see the test's day, whatever
# the machine's clock says.
NOW = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)


_TICKS = itertools.count(1)


def uow_at(db: Database, when: dt.datetime | None = None) -> UnitOfWork:
    """A unit of work whose clock stands still at `when`.

    By default NOW, one microsecond later for each new unit of work, so that the
    outbox keeps the order in which a test made its changes.
    """
    instant = when or NOW + dt.timedelta(microseconds=next(_TICKS))
    return UnitOfWork(db, clock=lambda: instant)


async def insert(db: Database, *rows: SQLModel) -> list[int]:
    """Extra set-up rows for one test (another year, a period...); their ids in order."""
    async with db.session() as s:
        s.add_all(rows)
        await s.flush()
        ids = [int(getattr(row, "id", 0) or 0) for row in rows]
        await s.commit()
    return ids


async def update_row(db: Database, model: type[SQLModel], row_id: int, **values: Any) -> None:
    """Change set-up data in place (a pupil who left, a locked account, no bells...).

    It reads the row, then writes it: with the write lock taken up front (SQLite's
    BEGIN IMMEDIATE), as core's units of work do, so a running worker writing the same
    file makes it wait instead of failing with "database is locked"."""
    async with await db.writing_session() as s:
        row = await s.get(model, row_id)
        assert row is not None, f"{model.__name__} {row_id} not found"
        for name, value in values.items():
            setattr(row, name, value)
        s.add(row)
        await s.commit()
