"""Lessons and substitutions through the core services (the test schedule:
test_test_schedule.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.db import Database
from core.errors import Forbidden, NotFound, RuleViolation
from core.models import Lesson, School, Staff
from core.services.lessons import assign_substitute, record_lesson
from tests.builders import NOW, TODAY, World, build_world, uow_at, update_row
from tests.integration.outbox_helpers import audit_trail, outbox, unchanged


async def _record(db: Database, w: World, who: str, **kwargs: object) -> Lesson:
    args: dict[str, object] = {
        "class_id": w.classes["7Б"],
        "subject_id": w.subjects["Математика"],
        "on": TODAY,
        "slot": 5,
    }
    args.update(kwargs)
    return await record_lesson(uow_at(db), actor=w.actor(who), **args)  # type: ignore[arg-type]


async def test_teacher_records_a_lesson_with_its_topic(db: Database) -> None:
    w = await build_world(db)
    lesson = await _record(db, w, "math", topic="  Линейные уравнения ")

    assert lesson.topic == "Линейные уравнения"
    assert (lesson.date, lesson.slot, lesson.teacher_id) == (TODAY, 5, w.staff["math"])
    trail = await audit_trail(db, "lesson", lesson.id or 0)
    assert [(a.action, a.actor_id) for a in trail] == [("create", w.staff["math"])]
    assert await outbox(db) == []  # families do not hear about topics


async def test_recording_the_same_lesson_again_sets_its_topic_and_keeps_history(
    db: Database,
) -> None:
    w = await build_world(db)
    lesson = await _record(db, w, "math", slot=2, topic="Проценты")
    again = await _record(db, w, "math", slot=2, topic="Проценты")

    assert lesson.id == again.id == w.lessons["math7"]
    trail = await audit_trail(db, "lesson", lesson.id or 0)
    assert [a.action for a in trail] == ["update"]  # the second call changed nothing
    assert trail[0].old is not None and trail[0].old["topic"] == ""
    assert trail[0].new is not None and trail[0].new["topic"] == "Проценты"


async def test_teacher_without_assignment_cannot_record_a_lesson(db: Database) -> None:
    w = await build_world(db)
    async with unchanged(db, Lesson):
        with pytest.raises(Forbidden, match="Вы не ведёте «Математика» в 7Б"):
            await _record(db, w, "russian")
        # A group's teacher does not write the whole class's page.
        with pytest.raises(Forbidden, match="«Английский язык» в 7Б\\."):
            await _record(db, w, "english", subject_id=w.subjects["Английский язык"])


async def test_group_teacher_records_the_groups_lesson(db: Database) -> None:
    w = await build_world(db)
    lesson = await _record(
        db,
        w,
        "english",
        subject_id=w.subjects["Английский язык"],
        group_id=w.groups["7Б англ. 1"],
        slot=5,
    )
    assert lesson.group_id == w.groups["7Б англ. 1"]


@pytest.mark.parametrize(
    ("day", "shown"),
    [(dt.date(2026, 10, 26), "26.10.2026"), (dt.date(2026, 11, 4), "04.11.2026")],
)
async def test_no_lessons_on_holidays_both_ends_included(
    db: Database, day: dt.date, shown: str
) -> None:
    w = await build_world(db)
    async with unchanged(db, Lesson):
        with pytest.raises(RuleViolation) as err:
            await _record(db, w, "math", on=day)
    assert str(err.value) == f"{shown} — осенние каникулы: уроков нет."


async def test_first_day_after_holidays_has_lessons(db: Database) -> None:
    w = await build_world(db)
    lesson = await _record(db, w, "math", on=dt.date(2026, 11, 5))
    assert lesson.date == dt.date(2026, 11, 5)


@pytest.mark.parametrize("day", [dt.date(2026, 8, 31), dt.date(2027, 6, 1)])
async def test_no_lessons_outside_the_academic_year(db: Database, day: dt.date) -> None:
    w = await build_world(db)
    async with unchanged(db, Lesson):
        with pytest.raises(RuleViolation, match="не входит в учебный год 2026/2027"):
            await _record(db, w, "math", on=day)


@pytest.mark.parametrize("slot", [9, 0, -1, True])
async def test_slot_must_be_in_the_bell_schedule(db: Database, slot: object) -> None:
    w = await build_world(db)
    async with unchanged(db, Lesson):
        with pytest.raises(RuleViolation, match="В расписании звонков нет"):
            await _record(db, w, "math", slot=slot)


async def test_any_slot_goes_while_the_school_has_no_bells(db: Database) -> None:
    w = await build_world(db)
    await update_row(db, School, w.school_id, bells=[])
    lesson = await _record(db, w, "math", slot=9)
    assert lesson.slot == 9


async def test_a_slot_holds_one_lesson_for_the_same_pupils(db: Database) -> None:
    w = await build_world(db)
    async with unchanged(db, Lesson):
        with pytest.raises(RuleViolation) as err:
            await _record(db, w, "math", slot=3)
        assert str(err.value) == "У 7Б уже есть урок «Русский язык» 23.11.2026 на 3-м уроке."
        # A group's lesson clashes with the whole class's lesson in that slot...
        with pytest.raises(RuleViolation, match=r"«Математика» 23\.11\.2026 на 2-м"):
            await _record(
                db,
                w,
                "english",
                subject_id=w.subjects["Английский язык"],
                group_id=w.groups["7Б англ. 1"],
                slot=2,
            )
    # ...but not with another group's lesson: subgroups and electives run in parallel.
    parallel = await _record(
        db,
        w,
        "english",
        subject_id=w.subjects["Английский язык"],
        group_id=w.groups["7Б англ. 1"],
        slot=7,
    )
    assert parallel.slot == 7


async def test_another_schools_class_does_not_exist_for_you(db: Database) -> None:
    w = await build_world(db)
    with pytest.raises(NotFound):
        await _record(db, w, "stranger")


async def test_named_substitute_writes_the_absent_teachers_lesson(db: Database) -> None:
    w = await build_world(db)
    with pytest.raises(Forbidden, match="не замещаете этот урок"):
        await _record(db, w, "substitute", slot=2, topic="Проценты")

    lesson = await assign_substitute(
        uow_at(db),
        actor=w.actor("deputy"),
        lesson_id=w.lessons["math7"],
        substitute_id=w.staff["substitute"],
    )
    assert lesson.substitute_id == w.staff["substitute"]
    recorded = await _record(db, w, "substitute", slot=2, topic="Проценты")
    assert recorded.id == w.lessons["math7"] and recorded.topic == "Проценты"

    trail = await audit_trail(db, "lesson", w.lessons["math7"])
    assert [(a.action, a.actor_id) for a in trail] == [
        ("update", w.staff["deputy"]),
        ("update", w.staff["substitute"]),
    ]
    assert trail[0].old is not None and trail[0].old["substitute_id"] is None
    assert await outbox(db) == []


async def test_substitution_can_be_withdrawn(db: Database) -> None:
    w = await build_world(db)
    for substitute in (w.staff["substitute"], None, None):
        await assign_substitute(
            uow_at(db),
            actor=w.actor("admin"),
            lesson_id=w.lessons["math7"],
            substitute_id=substitute,
        )
    trail = await audit_trail(db, "lesson", w.lessons["math7"])
    assert [a.new["substitute_id"] for a in trail if a.new] == [w.staff["substitute"], None]


@pytest.mark.parametrize(
    ("who", "substitute", "error", "message"),
    [
        ("math", "substitute", Forbidden, "только администрации школы"),
        ("stranger", "substitute", NotFound, "урок"),
        ("deputy", "stranger", NotFound, "учитель"),
        ("deputy", "secretary", RuleViolation, "Лебедева Н.О. не учитель"),
        ("deputy", "math", RuleViolation, "Иванова М.П. и так ведёт этот урок"),
    ],
)
async def test_substitution_is_refused_with_a_reason(
    db: Database, who: str, substitute: str, error: type[Exception], message: str
) -> None:
    w = await build_world(db)
    async with unchanged(db, Lesson):
        with pytest.raises(error, match=message):
            await assign_substitute(
                uow_at(db),
                actor=w.actor(who),
                lesson_id=w.lessons["math7"],
                substitute_id=w.staff[substitute],
            )


async def test_locked_teacher_cannot_be_named_substitute(db: Database) -> None:
    w = await build_world(db)
    await update_row(db, Staff, w.staff["substitute"], locked_at=NOW)
    with pytest.raises(RuleViolation, match=r"Учётная запись Сидорова Е\.В\. заблокирована"):
        await assign_substitute(
            uow_at(db),
            actor=w.actor("deputy"),
            lesson_id=w.lessons["math7"],
            substitute_id=w.staff["substitute"],
        )
