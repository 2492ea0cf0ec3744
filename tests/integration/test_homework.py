"""Homework through the core services: class, individual, substitute, fallback."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from core.db import Database
from core.errors import Forbidden, RuleViolation
from core.models import Homework, HomeworkStudent
from core.services.homework import change_homework, delete_homework, set_homework
from core.services.lessons import assign_substitute
from tests.builders import World, build_world, uow_at
from tests.integration.outbox_helpers import audit_trail, count, outbox, unchanged

TOMORROW = dt.date(2026, 11, 24)


async def _set(
    db: Database, w: World, text: str, *, who: str = "math", lesson: str = "math7", **kw: object
) -> Homework:
    return await set_homework(
        uow_at(db),
        actor=w.actor(who),
        lesson_id=w.lessons[lesson],
        text=text,
        **kw,  # type: ignore[arg-type]
    )


async def test_class_homework_writes_one_event_with_what_delivery_needs(db: Database) -> None:
    w = await build_world(db)
    hw = await _set(db, w, "  §12, № 3, 5, 7  ", due_date=TOMORROW)

    assert hw.text == "§12, № 3, 5, 7"
    assert hw.entered_at == hw.created_at  # typed in the journal: entered now
    [event] = await outbox(db)
    assert event.kind == "homework_set"
    payload = event.payload
    assert payload["homework_id"] == hw.id
    assert payload["text"] == "§12, № 3, 5, 7" and payload["due_date"] == "2026-11-24"
    assert payload["student_ids"] == [] and payload["source"] == "journal"
    assert payload["lesson"]["class_name"] == "7Б" and payload["lesson"]["subject"] == "Математика"
    trail = await audit_trail(db, "homework", hw.id or 0)
    assert [(a.action, a.actor_id) for a in trail] == [("create", w.staff["math"])]


async def test_individual_homework_is_for_the_named_pupils_only(db: Database) -> None:
    w = await build_world(db)
    pupils = [w.students["vanya"], w.students["petya"], w.students["vanya"]]
    hw = await _set(db, w, "Карточка №4", student_ids=pupils)

    async with db.session() as s:
        rows = (await s.exec(select(HomeworkStudent))).all()
    assert sorted(r.student_id for r in rows) == sorted({w.students["vanya"], w.students["petya"]})
    [event] = await outbox(db)
    assert event.payload["homework_id"] == hw.id
    assert event.payload["student_ids"] == sorted([w.students["petya"], w.students["vanya"]])


async def test_individual_homework_for_a_pupil_outside_the_group_is_refused(
    db: Database,
) -> None:
    w = await build_world(db)
    async with unchanged(db, Homework, HomeworkStudent):
        with pytest.raises(RuleViolation, match="Новиков Иван не учится в 7Б"):
            await _set(
                db,
                w,
                "Workbook p. 12",
                who="english",
                lesson="english7",
                student_ids=[w.students["masha"], w.students["vanya"]],
            )


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
async def test_empty_homework_is_refused(db: Database, text: str) -> None:
    w = await build_world(db)
    async with unchanged(db, Homework):
        with pytest.raises(RuleViolation) as err:
            await _set(db, w, text)
    assert str(err.value) == "Текст не может быть пустым."


async def test_due_date_before_the_lesson_is_refused(db: Database) -> None:
    w = await build_world(db)
    async with unchanged(db, Homework):
        with pytest.raises(RuleViolation) as err:
            await _set(db, w, "§12", due_date=dt.date(2026, 11, 20))
    assert str(err.value) == "Срок сдачи 20.11.2026 раньше самого урока (23.11.2026)."


async def test_only_the_lessons_writer_sets_homework(db: Database) -> None:
    w = await build_world(db)
    async with unchanged(db, Homework):
        with pytest.raises(Forbidden, match="не ведёте «Математика» в 7Б"):
            await _set(db, w, "§12", who="russian")


async def test_grade_one_and_electives_get_homework(db: Database) -> None:
    w = await build_world(db)
    await _set(db, w, "Прописи, с. 5", lesson="math1")
    await _set(db, w, "Собрать датчик", who="robotics", lesson="robotics7")
    assert [e.payload["lesson"]["grade"] for e in await outbox(db)] == [1, 7]


async def test_substitute_signs_the_homework_once(db: Database) -> None:
    w = await build_world(db)
    await assign_substitute(
        uow_at(db),
        actor=w.actor("deputy"),
        lesson_id=w.lessons["russian7"],
        substitute_id=w.staff["substitute"],
    )
    hw = await _set(db, w, "Упр. 145", who="substitute", lesson="russian7")
    assert hw.text == "Упр. 145\nЗамена. Сидорова Е.В."

    edited = await change_homework(
        uow_at(db), actor=w.actor("substitute"), homework_id=hw.id or 0, text=hw.text + " "
    )
    assert edited.text == "Упр. 145\nЗамена. Сидорова Е.В."
    rewritten = await change_homework(
        uow_at(db), actor=w.actor("substitute"), homework_id=hw.id or 0, text="Упр. 146"
    )
    assert rewritten.text == "Упр. 146\nЗамена. Сидорова Е.В."
    texts = [e.payload["text"] for e in await outbox(db)]
    assert texts == ["Упр. 145\nЗамена. Сидорова Е.В.", "Упр. 146\nЗамена. Сидорова Е.В."]


async def test_the_regular_teachers_homework_is_not_signed(db: Database) -> None:
    w = await build_world(db)
    await assign_substitute(
        uow_at(db),
        actor=w.actor("deputy"),
        lesson_id=w.lessons["russian7"],
        substitute_id=w.staff["substitute"],
    )
    hw = await _set(db, w, "Упр. 145", who="russian", lesson="russian7")
    assert hw.text == "Упр. 145"


async def test_changed_and_deleted_homework_keep_their_history(db: Database) -> None:
    w = await build_world(db)
    math = w.actor("math")
    hw = await _set(db, w, "§12", student_ids=[w.students["masha"]])
    same = await change_homework(uow_at(db), actor=math, homework_id=hw.id or 0, text="§12")
    assert same.text == "§12" and same.version == 1  # nothing changed
    changed = await change_homework(
        uow_at(db), actor=math, homework_id=hw.id or 0, text="§13", due_date=TOMORROW
    )
    assert (changed.text, changed.due_date, changed.version) == ("§13", TOMORROW, 2)
    deleted = await delete_homework(uow_at(db), actor=math, homework_id=hw.id or 0)
    assert deleted.deleted_at is not None and deleted.deleted_by == w.staff["math"]

    trail = await audit_trail(db, "homework", hw.id or 0)
    assert [a.action for a in trail] == ["create", "update", "delete"]
    assert trail[1].old is not None and trail[1].old["text"] == "§12"
    assert trail[2].old is not None and trail[2].old["text"] == "§13"
    events = [(e.kind, e.payload.get("old_text"), e.payload["text"]) for e in await outbox(db)]
    assert events == [
        ("homework_set", None, "§12"),
        ("homework_changed", "§12", "§13"),
        ("homework_changed", "§13", ""),
    ]
    last = (await outbox(db))[-1].payload
    assert last["deleted"] is True and last["student_ids"] == [w.students["masha"]]

    async with unchanged(db, Homework):
        with pytest.raises(RuleViolation, match="уже удалена"):
            await change_homework(uow_at(db), actor=math, homework_id=hw.id or 0, text="§14")
        with pytest.raises(RuleViolation, match="уже удалена"):
            await delete_homework(uow_at(db), actor=math, homework_id=hw.id or 0)


async def test_refused_change_leaves_the_homework_as_it_was(db: Database) -> None:
    w = await build_world(db)
    hw = await _set(db, w, "§12")
    async with unchanged(db, Homework):
        with pytest.raises(Forbidden):
            await change_homework(
                uow_at(db), actor=w.actor("russian"), homework_id=hw.id or 0, text="§99"
            )
        with pytest.raises(RuleViolation, match="Текст не может быть пустым"):
            await change_homework(
                uow_at(db), actor=w.actor("math"), homework_id=hw.id or 0, text=" "
            )
    async with db.session() as s:
        kept = await s.get(Homework, hw.id)
    assert kept is not None and (kept.text, kept.version) == ("§12", 1)


async def test_fallback_homework_keeps_its_original_time(db: Database) -> None:
    w = await build_world(db)
    sent_at = dt.datetime(2026, 11, 23, 11, 40, tzinfo=dt.UTC)
    hw = await _set(db, w, "§12", source="fallback", entered_at=sent_at)
    assert hw.source == "fallback" and hw.entered_at == sent_at
    [event] = await outbox(db)
    assert event.payload["source"] == "fallback"


async def test_unknown_source_is_refused(db: Database) -> None:
    w = await build_world(db)
    async with unchanged(db, Homework):
        with pytest.raises(RuleViolation, match="источник домашнего задания «email»"):
            await _set(db, w, "§12", source="email")
    assert await count(db, Homework) == 0
