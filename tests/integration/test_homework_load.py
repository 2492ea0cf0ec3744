"""Homework volume: the teacher's estimate of each assignment, a class's total a day
against SanPiN's limit for its grade, and the school's overload days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from core.db import Database
from core.errors import Forbidden, NotFound, RuleViolation
from core.models import (
    Enrollment,
    Holiday,
    Homework,
    Lesson,
    School,
    SchoolClass,
    Student,
    TeachingAssignment,
    TimetableEntry,
    utcnow,
)
from core.policy import SchoolPolicy
from core.reading.access import ReadingUnit
from core.reading.control_items import Filter
from core.reading.control_lists import control_overload
from core.reading.control_span import SpanAsked
from core.reading.homework_load import DayLoad, homework_day_load, homework_overload
from core.services.homework import change_homework, set_homework
from core.services.lessons import assign_substitute
from tests.builders import NOW, TODAY, World, build_world, insert, uow_at, update_row
from tests.integration.outbox_helpers import audit_trail, outbox, unchanged

TUESDAY = TODAY + dt.timedelta(days=1)
WEDNESDAY = TODAY + dt.timedelta(days=2)


async def _set(db: Database, w: World, lesson: str, minutes: int | None, **kw: Any) -> Homework:
    who = {"math7": "math", "russian7": "russian", "english7": "english"}.get(lesson)
    who = who or {"robotics7": "robotics", "math1": "math"}.get(lesson, "math")
    return await set_homework(
        uow_at(db),
        actor=w.actor(who),
        lesson_id=w.lessons[lesson],
        text=kw.pop("text", f"Задание ({lesson})"),
        minutes=minutes,
        **kw,
    )


async def _load(db: Database, w: World, homework: Homework, who: str = "math") -> DayLoad:
    return await homework_day_load(
        ReadingUnit(db), actor=w.actor(who), homework_id=homework.id or 0
    )


async def _overload(db: Database, w: World, start: dt.date, end: dt.date) -> list[DayLoad]:
    return await homework_overload(ReadingUnit(db), w.actor("deputy"), start, end)


async def test_the_estimate_is_kept_and_audited_and_changing_it_alone_tells_nobody(
    db: Database,
) -> None:
    w = await build_world(db)
    hw = await _set(db, w, "math7", 30, due_date=TUESDAY)
    assert hw.minutes == 30
    await change_homework(uow_at(db), actor=w.actor("math"), homework_id=hw.id or 0, minutes=45)
    await change_homework(
        uow_at(db), actor=w.actor("math"), homework_id=hw.id or 0, clear_minutes=True
    )
    trail = await audit_trail(db, "homework", hw.id or 0)
    assert [(a.action, (a.new or {}).get("minutes")) for a in trail] == [
        ("create", 30),
        ("update", 45),
        ("update", None),
    ]
    assert [(a.old or {}).get("minutes") for a in trail[1:]] == [30, 45]
    # Families heard of the homework once: a new estimate is not a new task.
    assert [e.kind for e in await outbox(db)] == ["homework_set"]


@pytest.mark.parametrize("minutes", [0, -5, 601, 10**12, True])
async def test_an_estimate_outside_1_to_600_minutes_is_refused(db: Database, minutes: Any) -> None:
    w = await build_world(db)
    async with unchanged(db, Homework):
        with pytest.raises(RuleViolation) as err:
            await _set(db, w, "math7", minutes)
    assert err.value.code == "bad_homework_minutes"
    assert str(err.value) == (
        f"Время на домашнее задание указывается в минутах, от 1 до 600 (а не «{minutes}»)."
    )
    hw = await _set(db, w, "math7", None)
    with pytest.raises(RuleViolation, match="от 1 до 600"):
        await change_homework(
            uow_at(db), actor=w.actor("math"), homework_id=hw.id or 0, minutes=minutes
        )


async def test_the_days_total_is_the_most_loaded_pupils_across_subjects_and_groups(
    db: Database,
) -> None:
    """7Б: Пётр is in English group 1 and the robotics elective, Мария in group 1 only,
    Иван in neither."""
    w = await build_world(db)
    await _set(db, w, "math7", 40, due_date=TUESDAY)
    await _set(db, w, "russian7", 50, due_date=TUESDAY)
    await _set(db, w, "english7", 30, due_date=TUESDAY)
    await _set(db, w, "russian7", None, text="Выучить правило", due_date=TUESDAY)
    robotics = await _set(db, w, "robotics7", 20, due_date=TUESDAY)
    await _set(db, w, "math7", 90, due_date=WEDNESDAY)  # another day

    load = await _load(db, w, robotics)
    assert (load.class_name, load.day, load.total, load.limit) == ("7Б", TUESDAY, 140, 150)
    assert not load.over and load.pupils_over == 0
    assert [(a.subject, a.group, a.minutes) for a in load.assignments] == [
        ("Английский язык", "7Б англ. 1", 30),
        ("Математика", None, 40),
        ("Робототехника", "7Б робототехника", 20),
        ("Русский язык", None, 50),
        ("Русский язык", None, None),
    ]
    # Individual homework counts for the pupils named: Иван now has 40 + 50 + 70.
    extra = await _set(db, w, "math7", 70, due_date=TUESDAY, student_ids=[w.students["vanya"]])
    load = await _load(db, w, extra)
    assert (load.total, load.over, load.pupils_over) == (160, True, 1)
    assert [a.individual for a in load.assignments if a.subject == "Математика"] == [False, True]
    assert "Английский язык" not in {a.subject for a in load.assignments}


async def test_the_limit_is_the_grades_and_the_school_may_set_its_own(db: Database) -> None:
    w = await build_world(db)
    first = await _set(db, w, "math1", 70, due_date=TUESDAY)
    seventh = await _set(db, w, "math7", 140, due_date=TUESDAY)
    load = await _load(db, w, first)
    assert (load.grade, load.total, load.limit, load.over) == (1, 70, 60, True)
    load = await _load(db, w, seventh)
    assert (load.grade, load.limit, load.over) == (7, 150, False)
    policy = SchoolPolicy(homework_minutes_grade_1=90, homework_minutes_grades_6_8=120)
    await update_row(db, School, w.school_id, policy=policy.model_dump(mode="json"))
    assert (await _load(db, w, first)).limit == 90
    load = await _load(db, w, seventh)
    assert (load.limit, load.over) == (120, True)


async def _timetable(db: Database, w: World, *weekdays: int) -> None:
    await insert(
        db,
        *(
            TimetableEntry(
                school_id=w.school_id,
                class_id=w.classes["7Б"],
                subject_id=w.subjects["Математика"],
                teacher_id=w.staff["math"],
                weekday=day,
                slot=2,
            )
            for day in weekdays
        ),
    )


async def test_without_a_due_date_homework_is_for_the_pages_next_lesson(db: Database) -> None:
    w = await build_world(db)
    hw = await _set(db, w, "math7", 30)
    assert (await _load(db, w, hw)).day == TODAY  # no later lesson at all: its own day
    await _timetable(db, w, 0, 2)  # Monday and Wednesday
    assert (await _load(db, w, hw)).day == WEDNESDAY
    await insert(
        db,
        Holiday(
            school_id=w.school_id,
            year_id=w.year_id,
            name="день здоровья",
            starts_on=WEDNESDAY,
            ends_on=WEDNESDAY,
        ),
    )
    assert (await _load(db, w, hw)).day == TODAY + dt.timedelta(days=7)  # the next Monday
    # A lesson in the journal that the timetable lacks comes first.
    await insert(db, _lesson(w, TUESDAY))
    load = await _load(db, w, hw)
    assert (load.day, load.total) == (TUESDAY, 30)


def _lesson(w: World, day: dt.date, klass: str = "7Б", subject: str = "Математика") -> Lesson:
    return Lesson(
        school_id=w.school_id,
        class_id=w.classes[klass],
        subject_id=w.subjects[subject],
        teacher_id=w.staff["math"],
        date=day,
        slot=2,
        created_at=utcnow(),
    )


async def test_the_days_load_is_for_the_lessons_writer_and_readers_of_the_class(
    db: Database,
) -> None:
    w = await build_world(db)
    hw = await _set(db, w, "math7", 30, due_date=TUESDAY)
    assert (await _load(db, w, hw, "russian")).total == 30  # the class teacher of 7Б
    assert (await _load(db, w, hw, "robotics")).total == 30  # teaches the class's elective
    with pytest.raises(Forbidden):
        await _load(db, w, hw, "secretary")
    with pytest.raises(Forbidden):
        await _load(db, w, hw, "substitute")
    await assign_substitute(
        uow_at(db),
        actor=w.actor("deputy"),
        lesson_id=w.lessons["math7"],
        substitute_id=w.staff["substitute"],
    )
    assert (await _load(db, w, hw, "substitute")).total == 30  # writes the lesson now
    with pytest.raises(NotFound):
        await _load(db, w, hw, "stranger")


async def test_overload_days_of_the_school_for_the_deputy(db: Database) -> None:
    w = await build_world(db)
    await _set(db, w, "math7", 100, due_date=TUESDAY)
    await _set(db, w, "russian7", 60, due_date=TUESDAY)  # 160 > 150
    await _set(db, w, "math7", 60, due_date=WEDNESDAY)
    await _set(db, w, "russian7", 60, due_date=WEDNESDAY)  # 120: within
    await _set(db, w, "math1", 61, due_date=WEDNESDAY)  # grade 1: 61 > 60
    found = await _overload(db, w, TODAY, WEDNESDAY)
    assert [(x.day, x.class_name, x.total, x.limit) for x in found] == [
        (TUESDAY, "7Б", 160, 150),
        (WEDNESDAY, "1А", 61, 60),
    ]
    assert [a.subject for a in found[0].assignments] == ["Математика", "Русский язык"]
    assert await _overload(db, w, WEDNESDAY, WEDNESDAY + dt.timedelta(days=6)) == found[1:]
    assert await _overload(db, w, TODAY, TODAY) == []
    for who in ("math", "russian", "secretary"):
        with pytest.raises(Forbidden):
            await homework_overload(ReadingUnit(db), w.actor(who), TODAY, WEDNESDAY)
    admin = await homework_overload(ReadingUnit(db), w.actor("admin"), TODAY, WEDNESDAY)
    assert admin == found


async def test_whose_homework_makes_an_overload_day_and_who_reads_it(db: Database) -> None:
    """Tuesday in 7Б: mathematics for all (100 minutes), English for group 1 — Пётр and
    Мария — (60, given by a substitute), a card for Иван (40): Пётр and Мария are over
    150, Иван is not, so the card's teacher has no part in the overload."""
    w = await build_world(db)
    await assign_substitute(
        uow_at(db),
        actor=w.actor("deputy"),
        lesson_id=w.lessons["english7"],
        substitute_id=w.staff["substitute"],
    )
    await _set(db, w, "math7", 100, due_date=TUESDAY)
    await set_homework(
        uow_at(db),
        actor=w.actor("substitute"),
        lesson_id=w.lessons["english7"],
        text="p. 40",
        minutes=60,
        due_date=TUESDAY,
    )
    await _set(db, w, "russian7", 40, due_date=TUESDAY, student_ids=[w.students["vanya"]])
    [day] = await _overload(db, w, TODAY, WEDNESDAY)
    assert (day.total, day.pupils_over) == (160, 2)
    staff = {v: k for k, v in w.staff.items()}
    assert [(a.subject, staff[a.teacher_id]) for a in day.overloading] == [
        ("Английский язык", "substitute"),
        ("Математика", "math"),
    ]
    assert {a.group_id for a in day.overloading} == {w.groups["7Б англ. 1"], None}

    async def days_of(who: str, **where: int) -> list[dt.date]:
        found = await control_overload(
            ReadingUnit(db, clock=lambda: NOW),
            actor=w.actor(who),
            asked=SpanAsked(start=TODAY, end=WEDNESDAY),
            where=Filter(**where),
        )
        return [d.day for d in found.items]

    # A teacher reads the days their homework is part of; the deputy, anyone's.
    assert await days_of("math") == await days_of("substitute") == [TUESDAY]
    assert await days_of("russian") == await days_of("english") == []
    assert await days_of("deputy") == [TUESDAY]
    assert await days_of("deputy", teacher_id=w.staff["russian"]) == []
    english = {"class_id": w.classes["7Б"], "subject_id": w.subjects["Английский язык"]}
    assert await days_of("deputy", **english) == []  # the whole class's page has none
    assert await days_of("deputy", **english, group_id=w.groups["7Б англ. 1"]) == [TUESDAY]
    with pytest.raises(Forbidden):
        await days_of("russian", teacher_id=w.staff["math"])
    with pytest.raises(Forbidden):
        await days_of("secretary")


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)


async def test_the_overload_read_takes_the_same_queries_whatever_the_schools_size(
    db: Database,
) -> None:
    w = await build_world(db)
    await _set(db, w, "math7", 100, due_date=TUESDAY)
    await _set(db, w, "russian7", 60, due_date=TUESDAY)
    with counted(db) as small:
        before = await _overload(db, w, TODAY, WEDNESDAY)
    # Nine more classes of pupils, each with a week of lessons and homework.
    for n in range(9):
        [klass] = await insert(
            db, SchoolClass(school_id=w.school_id, year_id=w.year_id, grade=8, letter=f"Ж{n}")
        )
        pupils = await insert(
            db,
            *(
                Student(
                    school_id=w.school_id, last_name=f"У{n}{i}", first_name="Я", created_at=utcnow()
                )
                for i in range(20)
            ),
        )
        await insert(
            db,
            *(
                Enrollment(school_id=w.school_id, student_id=p, class_id=klass, since=TODAY)
                for p in pupils
            ),
            TeachingAssignment(
                school_id=w.school_id,
                teacher_id=w.staff["math"],
                class_id=klass,
                subject_id=w.subjects["Математика"],
            ),
        )
        w.classes[f"8Ж{n}"] = klass
        for day in range(3):
            lesson = _lesson(w, TODAY + dt.timedelta(days=day), f"8Ж{n}")
            [w.lessons["extra"]] = await insert(db, lesson)
            await _set(db, w, "extra", 80 + 40 * n, due_date=TUESDAY + dt.timedelta(days=day))
    with counted(db) as large:
        after = await _overload(db, w, TODAY, WEDNESDAY + dt.timedelta(days=1))
    assert len(after) > len(before) + 5
    assert len(large) == len(small) <= 15, large  # fourteen, and SQLite's BEGIN
    async with db.session() as s:
        assert len((await s.exec(select(Homework))).all()) == 29
