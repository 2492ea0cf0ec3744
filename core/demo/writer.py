"""Writes the planned school's set-up: year, people, classes, groups, timetable."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

from core.demo.bulk import Row, insert_ids, insert_rows
from core.demo.calendar import TIMEZONE, bells
from core.demo.plan import SchoolPlan
from core.models import (
    AcademicYear,
    Enrollment,
    Group,
    GroupMembership,
    Guardian,
    Holiday,
    Period,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
    Subject,
    TeachingAssignment,
    TimetableEntry,
)
from core.policy import SchoolPolicy

DEMO_SCHOOL_NAME = "МБОУ «Средняя школа № 17 (демо)»"


class StructureWriter:
    def __init__(self, conn: AsyncConnection, plan: SchoolPlan, rng: random.Random) -> None:
        self.conn = conn
        self.plan = plan
        self.rng = rng
        # The school was set up in the last week of August.
        year = plan.calendar.starts_on.year
        self.set_up_at = dt.datetime(year, 8, 25, 10, 0, tzinfo=ZoneInfo(TIMEZONE))

    async def _ids(self, model: type[SQLModel], rows: list[Row]) -> list[int]:
        """Insert rows of this school; their new ids, in order."""
        return await insert_ids(
            self.conn, model, [{"school_id": self.plan.school_id, **r} for r in rows]
        )

    async def _rows(self, model: type[SQLModel], rows: list[Row]) -> None:
        await insert_rows(self.conn, model, [{"school_id": self.plan.school_id, **r} for r in rows])

    async def school_and_year(self) -> None:
        plan, calendar = self.plan, self.plan.calendar
        school = {
            "name": DEMO_SCHOOL_NAME,
            "timezone": TIMEZONE,
            "bells": bells(),
            # The demo school offers both messengers: a newcomer meets both bots.
            "policy": SchoolPolicy(messengers=["max", "telegram"]).model_dump(mode="json"),
            "created_at": self.set_up_at,
        }
        (plan.school_id,) = await insert_ids(self.conn, School, [school])
        year = {"name": calendar.name, "starts_on": calendar.starts_on, "ends_on": calendar.ends_on}
        (plan.year_id,) = await self._ids(AcademicYear, [year])
        spans = [(q.name, "quarter", q.starts_on, q.ends_on) for q in calendar.quarters]
        spans.append(("Год", "year", calendar.starts_on, calendar.ends_on))
        plan.period_ids = await self._ids(
            Period,
            [
                {"year_id": plan.year_id, "name": n, "kind": k, "starts_on": s, "ends_on": e}
                for n, k, s, e in spans
            ],
        )
        await self._rows(
            Holiday,
            [
                {
                    "year_id": plan.year_id,
                    "name": h.name,
                    "starts_on": h.starts_on,
                    "ends_on": h.ends_on,
                }
                for h in calendar.holidays
            ],
        )
        # What each subject owes the journal's control: no homework where the demo sets
        # none (PE, music, art, technology, ОБЗР, ОРКСЭ, the electives), no marks where
        # it gives none (ОРКСЭ, the electives).
        subjects = [
            {
                "name": s.name,
                "short_name": s.short_name,
                "homework": s.homework is not None,
                "graded": s.marked,
            }
            for s in plan.subjects
        ]
        ids = await self._ids(Subject, subjects)
        plan.subject_ids = {s.name: i for s, i in zip(plan.subjects, ids, strict=True)}

    async def staff(self, password_hash: str) -> None:
        rows = [
            {
                "login": member.login,
                "last_name": member.person.last_name,
                "first_name": member.person.first_name,
                "middle_name": member.person.middle_name,
                "roles": list(member.roles),
                # Reminders to staff go by email without a linked chat: in `zvonok run`
                # they reach the mail stand-in (RFC 2606's reserved domain).
                "email": f"{member.login}@school17.example",
                "password_hash": password_hash,
                "created_at": self.set_up_at,
            }
            for member in self.plan.staff
        ]
        for member, new_id in zip(self.plan.staff, await self._ids(Staff, rows), strict=True):
            member.id = new_id

    async def classes(self) -> None:
        plan = self.plan
        rows = [
            {
                "year_id": plan.year_id,
                "grade": k.grade,
                "letter": k.letter,
                "class_teacher_id": k.class_teacher.id if k.class_teacher else None,
            }
            for k in plan.classes
        ]
        for klass, new_id in zip(plan.classes, await self._ids(SchoolClass, rows), strict=True):
            klass.id = new_id

    async def students(self) -> None:
        plan = self.plan
        rows = [
            {
                "last_name": s.person.last_name,
                "first_name": s.person.first_name,
                "middle_name": s.person.middle_name,
                "birth_date": s.birth_date,
                "created_at": self.set_up_at,
            }
            for s in plan.students
        ]
        for student, new_id in zip(plan.students, await self._ids(Student, rows), strict=True):
            student.id = new_id
        since = plan.calendar.starts_on
        await self._rows(
            Enrollment,
            [
                {"student_id": s.id, "class_id": k.id, "since": since}
                for k in plan.classes
                for s in k.students
            ],
        )

    async def groups(self) -> None:
        groups = [(k, g) for k in self.plan.classes for g in [*k.subgroups, k.elective] if g]
        rows = [{"class_id": k.id, "name": g.name, "kind": g.kind} for k, g in groups]
        for (_, group), new_id in zip(groups, await self._ids(Group, rows), strict=True):
            group.id = new_id
        since = self.plan.calendar.starts_on
        await self._rows(
            GroupMembership,
            [
                {"group_id": g.id, "student_id": s.id, "since": since}
                for _, g in groups
                for s in g.members
            ],
        )

    async def guardians(self) -> None:
        plan = self.plan
        rows = [
            {
                "last_name": g.person.last_name,
                "first_name": g.person.first_name,
                "middle_name": g.person.middle_name,
                "phone": g.phone,
                "email": g.email,
                "language": g.language,
                "consent_given_at": self._consent_at() if g.consent else None,
                "consent_source": "paper" if g.consent else None,
                "created_at": self.set_up_at,
            }
            for g in plan.guardians
        ]
        for guardian, new_id in zip(plan.guardians, await self._ids(Guardian, rows), strict=True):
            guardian.id = new_id
        await self._rows(
            StudentGuardian,
            [
                {"student_id": child.id, "guardian_id": g.id, "relation": g.relation}
                for g in plan.guardians
                for child in g.children
            ],
        )

    def _consent_at(self) -> dt.datetime:
        """Paper consent forms are signed at the parents' meetings of the last week of
        August, before the first school day's messages."""
        day = self.rng.randrange(6)
        return self.set_up_at + dt.timedelta(days=day, minutes=self.rng.randrange(480))

    async def timetable(self) -> None:
        plan = self.plan
        await self._rows(
            TeachingAssignment,
            [
                {
                    "teacher_id": c.teacher.id,
                    "class_id": c.klass.id,
                    "group_id": c.group.id if c.group else None,
                    "subject_id": plan.subject_ids[c.subject.name],
                }
                for c in plan.courses
            ],
        )
        await self._rows(
            TimetableEntry,
            [
                {
                    "class_id": p.course.klass.id,
                    "group_id": p.course.group.id if p.course.group else None,
                    "subject_id": plan.subject_ids[p.course.subject.name],
                    "teacher_id": p.course.teacher.id,
                    "weekday": p.weekday,
                    "slot": p.slot,
                    "room": p.course.teacher.room,
                }
                for p in plan.timetable
            ],
        )
