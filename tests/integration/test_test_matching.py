"""The journal matched against the test schedule: tests held off schedule, tests not held.

The week before the builders' TODAY (Monday 23.11.2026), as planned in September and
as the journal has it:

| day   | schedule                          | journal (lesson's work type)        |
|-------|-----------------------------------|-------------------------------------|
| 17.11 | 7Б math                           | 7Б math: test            → on schedule |
| 18.11 | 7Б Russian                        | —                        → not held    |
| 18.11 |                                   | 10А math: test           → off schedule |
| 18.11 |                                   | 7Б English group 1: dictation → everyday work, not looked for |
| 19.11 |                                   | 7Б English group 1: test → off schedule |
| 20.11 | 7Б English group 1                | 7Б English group 1: written → on schedule |
| 20.11 | 7Б math (the whole class)         | 7Б math: oral            → not held    |
| 23.11 | 7Б Russian (today: not yet due)   | 7Б math today: test      → off schedule |
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.db import Database
from core.errors import Forbidden, RuleViolation
from core.models import Lesson, TeachingAssignment
from core.reading import ReadingUnit
from core.reading.test_matching import OffSchedule, tests_off_schedule
from core.services.lesson_settings import set_lesson_work_type
from core.services.test_schedule import schedule_test
from tests.builders import NOW, TODAY, World, build_world, insert, uow_at

SEPTEMBER = dt.datetime(2026, 9, 10, 7, 0, tzinfo=dt.UTC)
WEEK = (dt.date(2026, 11, 16), TODAY)


async def _plan(
    db: Database, w: World, who: str, subject: str, day: dt.date, group: str | None = None
) -> None:
    await schedule_test(
        uow_at(db, SEPTEMBER),
        actor=w.actor(who),
        class_id=w.classes["7Б"],
        subject_id=w.subjects[subject],
        group_id=w.groups[group] if group else None,
        on=day,
    )


async def _held(
    db: Database,
    w: World,
    who: str,
    klass: str,
    subject: str,
    day: int,
    work_type: str,
    group: str | None = None,
) -> int:
    [lesson_id] = await insert(
        db,
        Lesson(
            school_id=w.school_id,
            class_id=w.classes[klass],
            group_id=w.groups[group] if group else None,
            subject_id=w.subjects[subject],
            teacher_id=w.staff[who],
            date=dt.date(2026, 11, day),
            slot=3,
            work_type=work_type,
            created_at=NOW,
        ),
    )
    return lesson_id


async def checked_week(db: Database) -> World:
    w = await build_world(db)
    english = "7Б англ. 1"
    await _plan(db, w, "math", "Математика", dt.date(2026, 11, 17))
    await _plan(db, w, "russian", "Русский язык", dt.date(2026, 11, 18))
    await _plan(db, w, "english", "Английский язык", dt.date(2026, 11, 20), english)
    await _plan(db, w, "math", "Математика", dt.date(2026, 11, 20))
    await _plan(db, w, "russian", "Русский язык", TODAY)
    await _held(db, w, "math", "7Б", "Математика", 17, "test")
    await _held(db, w, "math", "10А", "Математика", 18, "test")
    await _held(db, w, "english", "7Б", "Английский язык", 18, "dictation", english)
    await _held(db, w, "english", "7Б", "Английский язык", 19, "test", english)
    await _held(db, w, "english", "7Б", "Английский язык", 20, "written", english)
    await _held(db, w, "math", "7Б", "Математика", 20, "oral")
    # Today's math lesson becomes a test as the teacher marks its column so.
    await set_lesson_work_type(
        uow_at(db), actor=w.actor("math"), lesson_id=w.lessons["math7"], work_type="test"
    )
    return w


async def read(db: Database, w: World, who: str) -> OffSchedule:
    return await tests_off_schedule(
        ReadingUnit(db, clock=lambda: NOW), actor=w.actor(who), first=WEEK[0], last=WEEK[1]
    )


def rows(found: OffSchedule) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    def line(e: object) -> tuple[str, ...]:
        return (
            e.date.strftime("%d.%m"),  # type: ignore[attr-defined]
            e.class_name,  # type: ignore[attr-defined]
            e.group or "",  # type: ignore[attr-defined]
            e.subject,  # type: ignore[attr-defined]
            e.teacher,  # type: ignore[attr-defined]
            e.work_type,  # type: ignore[attr-defined]
        )

    return [line(e) for e in found.held_off_schedule], [line(e) for e in found.not_held]


OFF = {
    "10А": ("18.11", "10А", "", "Математика", "Иванова М.П.", "test"),
    "english": ("19.11", "7Б", "7Б англ. 1", "Английский язык", "Смит А.", "test"),
    "today": ("23.11", "7Б", "", "Математика", "Иванова М.П.", "test"),
}
MISSED = {
    "russian": ("18.11", "7Б", "", "Русский язык", "Петров С.И.", "test"),
    "math": ("20.11", "7Б", "", "Математика", "Иванова М.П.", "test"),
}


async def test_the_deputy_reads_the_whole_school(db: Database) -> None:
    w = await checked_week(db)
    for who in ("deputy", "admin"):
        off, missed = rows(await read(db, w, who))
        assert off == [OFF["10А"], OFF["english"], OFF["today"]], who
        assert missed == [MISSED["russian"], MISSED["math"]], who
    found = await read(db, w, "deputy")
    assert all(e.lesson_id and e.test_id is None for e in found.held_off_schedule)
    assert all(e.test_id and e.lesson_id is None for e in found.not_held)


@pytest.mark.parametrize(
    ("who", "off", "missed"),
    [
        # A subject teacher: their own lessons and tests only.
        ("math", ["10А", "today"], ["math"]),
        ("english", ["english"], []),
        # 7Б's class teacher: everything of 7Б, not 10А.
        ("russian", ["english", "today"], ["russian", "math"]),
        ("substitute", [], []),
    ],
)
async def test_teachers_read_their_own_and_class_teachers_their_class(
    db: Database, who: str, off: list[str], missed: list[str]
) -> None:
    w = await checked_week(db)
    found_off, found_missed = rows(await read(db, w, who))
    assert found_off == [OFF[k] for k in off]
    assert found_missed == [MISSED[k] for k in missed]


async def test_a_test_planned_for_the_class_is_held_at_a_group_lesson(db: Database) -> None:
    w = await checked_week(db)
    # The English teacher takes the whole class too, and planned the 19th for all of 7Б:
    # group 1's test that day was on schedule.
    await insert(
        db,
        TeachingAssignment(
            school_id=w.school_id,
            teacher_id=w.staff["english"],
            class_id=w.classes["7Б"],
            subject_id=w.subjects["Английский язык"],
        ),
    )
    await _plan(db, w, "english", "Английский язык", dt.date(2026, 11, 19))
    off, missed = rows(await read(db, w, "deputy"))
    assert off == [OFF["10А"], OFF["today"]]
    assert missed == [MISSED["russian"], MISSED["math"]]


async def test_the_secretary_reads_nothing_and_a_range_runs_forward(db: Database) -> None:
    w = await checked_week(db)
    with pytest.raises(Forbidden):
        await read(db, w, "secretary")
    with pytest.raises(RuleViolation):
        await tests_off_schedule(
            ReadingUnit(db, clock=lambda: NOW),
            actor=w.actor("deputy"),
            first=TODAY,
            last=WEEK[0],
        )
