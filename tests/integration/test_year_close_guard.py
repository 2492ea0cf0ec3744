"""A closed period is read-only: every journal write dated in it is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import pytest

from core.db import Database
from core.errors import RuleViolation
from core.models import (
    Attendance,
    Homework,
    Lesson,
    Mark,
    PeriodMark,
    Remark,
    ScheduledTest,
)
from core.services import (
    attendance,
    homework,
    journal_grid,
    lesson_settings,
    lessons,
    marks,
    period_marks,
    remarks,
    roll_call,
    test_schedule,
)
from tests.builders import uow_at
from tests.integration.outbox_helpers import unchanged
from tests.integration.year_close_helpers import IN_Q1, Q1, ClosedQuarter, closed_quarter

WRITES = (Attendance, Homework, Lesson, Mark, PeriodMark, Remark, ScheduledTest)
Write = Callable[[Database, ClosedQuarter], Awaitable[object]]


def _math(c: ClosedQuarter) -> dict[str, object]:
    return {"actor": c.w.actor("math")}


PATHS: dict[str, Write] = {
    "post mark": lambda db, c: marks.post_mark(
        uow_at(db), **_math(c), lesson_id=c.lesson_id, student_id=c.w.students["masha"], value=5
    ),
    "change mark": lambda db, c: marks.change_mark(
        uow_at(db), **_math(c), mark_id=c.mark_id, value=5
    ),
    "delete mark": lambda db, c: marks.delete_mark(uow_at(db), **_math(c), mark_id=c.mark_id),
    "attendance": lambda db, c: attendance.mark_attendance(
        uow_at(db),
        **_math(c),
        lesson_id=c.lesson_id,
        student_id=c.w.students["petya"],
        status="absent",
    ),
    "roll call": lambda db, c: roll_call.record_roll_call(
        uow_at(db), **_math(c), lesson_id=c.lesson_id
    ),
    "topic": lambda db, c: lesson_settings.set_lesson_topic(
        uow_at(db), **_math(c), lesson_id=c.lesson_id, topic="Десятичные дроби"
    ),
    "work type": lambda db, c: lesson_settings.set_lesson_work_type(
        uow_at(db), **_math(c), lesson_id=c.lesson_id, work_type="test"
    ),
    "new lesson": lambda db, c: lessons.record_lesson(
        uow_at(db),
        **_math(c),
        class_id=c.w.classes["7Б"],
        subject_id=c.w.subjects["Математика"],
        on=IN_Q1,
        slot=5,
        topic="Повторение",
    ),
    "substitute": lambda db, c: lessons.assign_substitute(
        uow_at(db),
        actor=c.w.actor("deputy"),
        lesson_id=c.lesson_id,
        substitute_id=c.w.staff["substitute"],
    ),
    "set homework": lambda db, c: homework.set_homework(
        uow_at(db), **_math(c), lesson_id=c.lesson_id, text="№ 15"
    ),
    "change homework": lambda db, c: homework.change_homework(
        uow_at(db), **_math(c), homework_id=c.homework_id, text="№ 16"
    ),
    "delete homework": lambda db, c: homework.delete_homework(
        uow_at(db), **_math(c), homework_id=c.homework_id
    ),
    "homework entered in the bot's fallback": lambda db, c: homework.set_homework_for_next_lesson(
        uow_at(db),
        **_math(c),
        class_id=c.w.classes["7Б"],
        subject_id=c.w.subjects["Математика"],
        text="№ 17",
        entered_at=dt.datetime(2026, 10, 20, 5, 0, tzinfo=dt.UTC),
        fallback_key="fallback-1",
    ),
    "remark": lambda db, c: remarks.post_remark(
        uow_at(db),
        **_math(c),
        lesson_id=c.lesson_id,
        student_id=c.w.students["petya"],
        kind="remark",
        text="Не работал на уроке",
    ),
    "period mark": lambda db, c: period_marks.set_period_mark(
        uow_at(db),
        **_math(c),
        period_id=c.w.periods[Q1],
        student_id=c.w.students["petya"],
        subject_id=c.w.subjects["Математика"],
        value="5",
    ),
    "grid cell": lambda db, c: journal_grid.save_cell(
        uow_at(db), **_math(c), lesson_id=c.lesson_id, student_id=c.w.students["masha"], text="5"
    ),
    "grid period cell": lambda db, c: journal_grid.save_period_cell(
        uow_at(db),
        **_math(c),
        period_id=c.w.periods[Q1],
        student_id=c.w.students["petya"],
        subject_id=c.w.subjects["Математика"],
        text="5",
    ),
    "plan a test": lambda db, c: test_schedule.schedule_test(
        uow_at(db),
        **_math(c),
        class_id=c.w.classes["7Б"],
        subject_id=c.w.subjects["Математика"],
        on=IN_Q1,
        title="Контрольная",
    ),
    "cancel a test": lambda db, c: test_schedule.cancel_test(
        uow_at(db), **_math(c), test_id=c.test_id
    ),
}


@pytest.mark.parametrize("path", sorted(PATHS))
async def test_every_journal_write_in_a_closed_period_is_refused(db: Database, path: str) -> None:
    closed = await closed_quarter(db)
    async with unchanged(db, *WRITES):
        with pytest.raises(RuleViolation) as refused:
            await PATHS[path](db, closed)
    assert refused.value.code == "journal_closed_period", refused.value
    assert "1 четверть" in str(refused.value) and "read-only" in refused.value.message("en")


async def test_the_same_writes_pass_while_the_period_is_open(db: Database) -> None:
    """The refusals above are the closing's: before it, the teacher writes the lesson."""
    opened = await closed_quarter(db, close=False)
    for path in ("post mark", "topic", "set homework", "period mark", "roll call"):
        await PATHS[path](db, opened)


async def test_the_current_quarter_stays_writable(db: Database) -> None:
    closed = await closed_quarter(db)
    mark = await marks.post_mark(
        uow_at(db),
        actor=closed.w.actor("math"),
        lesson_id=closed.w.lessons["math7"],
        student_id=closed.w.students["petya"],
        value=5,
    )
    assert mark.value == 5
