"""`zvonok simulate`: the demo school's teachers at work, through the real services.

There is no teacher's screen yet on a fresh laptop, so this is how a newcomer sees
messages flow: marks and an absence are entered as the lessons' own teachers would,
the worker delivers them after the grace window, and `zvonok messages` shows them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import typer
from sqlmodel import col, select

from core import formats
from core.actors import StaffActor
from core.cli.common import LANGUAGE, console, fail, settings_or_exit, t
from core.db import Database
from core.delivery.holds import expected_hold
from core.delivery.reasons import QUIET_HOURS, Reason
from core.errors import ZvonokError
from core.models import AttendanceStatus, Enrollment, Lesson, School, SchoolClass
from core.models.base import utcnow
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


@dataclass(frozen=True)
class Simulated:
    """What `simulate` entered, and what holds the messages about it."""

    marks: int
    absences: int
    grace: int  # the school's grace window, seconds
    hold: Reason  # grace window, or quiet hours (core.delivery.holds.expected_hold)
    quiet: tuple[dt.time, dt.time]  # the school's quiet hours


async def simulate(
    db: Database, *, marks: int, seed: int, clock: Callable[[], dt.datetime] = utcnow
) -> Simulated:
    """Post `marks` marks and one absence, as the lessons' teachers would."""
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
                    UnitOfWork(db, clock=clock),
                    actor=writer,
                    lesson_id=lesson.id or 0,
                    student_id=student,
                    status=AttendanceStatus.absent,
                )
                absences += 1
                continue
            await post_mark(
                UnitOfWork(db, clock=clock),
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
    assert school is not None
    policy = policy_of(school)
    hold = expected_hold(clock(), policy, school.timezone)
    quiet = (policy.quiet_hours_start, policy.quiet_hours_end)
    return Simulated(posted, absences, policy.grace_window_seconds, hold, quiet)


def when_sent(result: Simulated) -> str:
    """When the parents hear of it, and why not sooner."""
    if result.hold.code == QUIET_HOURS:
        start, end = (formats.time_of_day(moment, LANGUAGE) for moment in result.quiet)
        return t._(
            "It is quiet hours at the school (%(start)s–%(end)s): the messages wait until "
            "%(until)s and go out then. Until then `zvonok messages` lists them as held, "
            "with the reason.",
            start=start,
            end=end,
            until=formats.time_of_day(dt.time.fromisoformat(result.hold.params["until"]), LANGUAGE),
        )
    return t.ngettext(
        "The parents get their messages after the grace window (%(num)d second, until "
        "%(until)s): see `zvonok messages`.",
        "The parents get their messages after the grace window (%(num)d seconds, until "
        "%(until)s): see `zvonok messages`.",
        result.grace,
        until=formats.time_of_day(dt.time.fromisoformat(result.hold.params["until"]), LANGUAGE),
    )


def simulate_command(
    marks: Annotated[int, typer.Option(min=1, max=200, help=t._("How many marks to post."))] = 5,
    seed: Annotated[int, typer.Option(help=t._("The random seed for choosing students."))] = 1,
) -> None:
    """Post marks and an absence through the real services."""
    settings = settings_or_exit()
    db = Database(settings.database_url_resolved)

    async def go() -> Simulated:
        try:
            return await simulate(db, marks=marks, seed=seed)
        finally:
            await db.dispose()

    result = asyncio.run(go())
    posted_text = t.ngettext("Posted %(num)d mark", "Posted %(num)d marks", result.marks)
    absences_text = t.ngettext("%(num)d absence", "%(num)d absences", result.absences)
    console.print(
        t._(
            "%(marks)s and %(absences)s. %(when)s",
            marks=posted_text,
            absences=absences_text,
            when=when_sent(result),
        )
    )
