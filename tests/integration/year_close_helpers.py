"""A school whose first quarter holds a lesson with entries, then closed by the admin."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.db import Database
from core.models import Attendance, Homework, Lesson, Mark, PeriodMark, ScheduledTest, utcnow
from core.services.year_close import close_period
from tests.builders import World, build_world, insert, uow_at

Q1 = "1 четверть"
IN_Q1 = dt.date(2026, 10, 20)  # a Tuesday of the first quarter


@dataclass(frozen=True)
class ClosedQuarter:
    w: World
    lesson_id: int
    mark_id: int
    homework_id: int
    test_id: int


async def closed_quarter(
    db: Database, *, close: bool = True, world: World | None = None
) -> ClosedQuarter:
    """7Б's mathematics lesson of 20 October with a mark, attendance, homework, a test
    and a quarter mark, all written before the admin closes the first quarter."""
    w = world or await build_world(db)
    now = utcnow()
    math = w.staff["math"]
    [lesson_id] = await insert(
        db,
        Lesson(
            school_id=w.school_id,
            class_id=w.classes["7Б"],
            subject_id=w.subjects["Математика"],
            teacher_id=math,
            date=IN_Q1,
            slot=2,
            topic="Дроби",
            created_at=now,
            created_by=math,
        ),
    )
    petya = w.students["petya"]
    common = {"school_id": w.school_id, "created_at": now, "created_by": math}
    ids = await insert(
        db,
        Mark(lesson_id=lesson_id, student_id=petya, value=4, work_type="oral", **common),
        Homework(lesson_id=lesson_id, text="№ 12, 14", **common),
        ScheduledTest(
            class_id=w.classes["7Б"],
            subject_id=w.subjects["Математика"],
            teacher_id=math,
            date=IN_Q1,
            **common,
        ),
        PeriodMark(
            period_id=w.periods[Q1],
            student_id=petya,
            subject_id=w.subjects["Математика"],
            class_id=w.classes["7Б"],
            value="4",
            **common,
        ),
        Attendance(lesson_id=lesson_id, student_id=w.students["vanya"], status="ill", **common),
    )
    if close:
        await close_period(uow_at(db), actor=w.actor("admin"), period_id=w.periods[Q1])
    return ClosedQuarter(w, lesson_id, ids[0], ids[1], ids[2])
