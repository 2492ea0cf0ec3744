"""`zvonok simulate`: the demo school's teachers at work, through the real services.

There is no teacher's screen yet on a fresh laptop, so this is how a newcomer sees
messages flow: marks and an absence are entered as the lessons' own teachers would,
the worker delivers them after the grace window, and `zvonok messages` shows them.
"""

from __future__ import annotations

import asyncio
import random
from typing import Annotated

import typer
from sqlmodel import col, select

from core.actors import StaffActor
from core.cli.common import LANGUAGE, console, fail, settings_or_exit, t
from core.db import Database
from core.errors import ZvonokError
from core.models import Enrollment, Lesson, School, SchoolClass
from core.policy import policy_of
from core.rows import not_deleted
from core.services.attendance import mark_attendance
from core.services.marks import post_mark
from core.uow import UnitOfWork

HELP = t._("Post a few marks and an absence as the demo school's teachers.")
WORK_TYPES = ("oral", "written", "test", "homework")


async def _latest_lessons(db: Database) -> list[tuple[Lesson, SchoolClass]]:
    """Whole-class lessons of the latest day that has any, in grades that get marks."""
    async with db.session() as session:
        query = (
            select(Lesson, SchoolClass)
            .join(SchoolClass, col(SchoolClass.id) == Lesson.class_id)
            .where(col(SchoolClass.grade) >= 2, col(Lesson.group_id).is_(None))
            .where(not_deleted(Lesson))
            .order_by(col(Lesson.date).desc(), col(Lesson.id))
            .limit(60)
        )
        rows = list((await session.exec(query)).all())
    latest = rows[0][0].date if rows else None
    return [(lesson, klass) for lesson, klass in rows if lesson.date == latest]


async def _students(db: Database, lesson: Lesson) -> list[int]:
    async with db.session() as session:
        query = select(Enrollment.student_id).where(
            Enrollment.class_id == lesson.class_id,
            Enrollment.since <= lesson.date,
            (col(Enrollment.until).is_(None)) | (col(Enrollment.until) >= lesson.date),
        )
        return sorted((await session.exec(query)).all())


async def simulate(db: Database, *, marks: int, seed: int) -> tuple[int, int, int]:
    """Post `marks` marks and one absence; returns (marks, absences, grace seconds)."""
    lessons = await _latest_lessons(db)
    if not lessons:
        fail(t._("the database has no lessons: run `zvonok demo` first"))
    rng = random.Random(seed)
    posted = absences = 0
    for _ in range(marks * 3):  # a drawn student may already have left: try others
        if posted >= marks:
            break
        lesson, _klass = rng.choice(lessons)
        students = await _students(db, lesson)
        if not students:
            continue
        writer = StaffActor(lesson.substitute_id or lesson.teacher_id, lesson.school_id)
        student = rng.choice(students)
        try:
            if absences == 0:
                await mark_attendance(
                    UnitOfWork(db),
                    actor=writer,
                    lesson_id=lesson.id or 0,
                    student_id=student,
                    status="н",
                )
                absences += 1
                continue
            await post_mark(
                UnitOfWork(db),
                actor=writer,
                lesson_id=lesson.id or 0,
                student_id=student,
                value=rng.choices((5, 4, 3, 2), weights=(30, 40, 25, 5))[0],
                work_type=rng.choice(WORK_TYPES),
            )
            posted += 1
        except ZvonokError as error:
            console.print(t._("skipped: %(reason)s", reason=error.message(LANGUAGE)))
    async with db.session() as session:
        school = await session.get(School, lessons[0][0].school_id)
    grace = policy_of(school).grace_window_seconds if school else 0
    return posted, absences, grace


def simulate_command(
    marks: Annotated[int, typer.Option(min=1, max=200, help=t._("How many marks to post."))] = 5,
    seed: Annotated[int, typer.Option(help=t._("The random seed for choosing students."))] = 1,
) -> None:
    """Post marks and an absence through the real services."""
    settings = settings_or_exit()
    db = Database(settings.database_url_resolved)

    async def go() -> tuple[int, int, int]:
        try:
            return await simulate(db, marks=marks, seed=seed)
        finally:
            await db.dispose()

    posted, absences, grace = asyncio.run(go())
    posted_text = t.ngettext("Posted %(num)d mark", "Posted %(num)d marks", posted)
    absences_text = t.ngettext("%(num)d absence", "%(num)d absences", absences)
    console.print(
        t.ngettext(
            "%(marks)s and %(absences)s. The parents get their messages after the grace "
            "window (%(num)d second): see `zvonok messages`.",
            "%(marks)s and %(absences)s. The parents get their messages after the grace "
            "window (%(num)d seconds): see `zvonok messages`.",
            grace,
            marks=posted_text,
            absences=absences_text,
        )
    )
