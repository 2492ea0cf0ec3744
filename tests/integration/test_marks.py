"""Marks through the core service, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from core.db import Database
from core.errors import Forbidden, NotFound, RuleViolation
from core.models import AuditEntry, Mark, OutboxEvent
from core.services.marks import change_mark, delete_mark, post_mark
from core.uow import UnitOfWork
from tests.builders import build_world
from tests.integration.outbox_helpers import audit_trail, outbox, snapshot_counts


async def test_posted_mark_writes_one_outbox_event_with_what_delivery_needs(db: Database) -> None:
    w = await build_world(db)
    mark = await post_mark(
        UnitOfWork(db),
        actor=w.actor("math"),
        lesson_id=w.lessons["math7"],
        student_id=w.students["petya"],
        value=5,
        work_type="test",
    )
    events = await outbox(db)
    assert [e.kind for e in events] == ["mark_posted"]
    payload = events[0].payload
    assert payload["mark_id"] == mark.id
    assert payload["student_id"] == w.students["petya"]
    assert payload["value"] == 5 and payload["work_type"] == "test"
    assert payload["lesson"]["class_name"] == "7Б" and payload["lesson"]["grade"] == 7
    assert payload["lesson"]["subject"] == "Математика"
    assert payload["lesson"]["date"] == "2026-11-23"
    assert mark.weight == 2.0  # a test weighs double by default


@pytest.mark.parametrize("value", [1, 6, 7, 0, True, "5"])
async def test_mark_outside_2_to_5_is_refused_and_nothing_written(
    db: Database, value: object
) -> None:
    w = await build_world(db)
    with pytest.raises(RuleViolation, match="от 2 до 5"):
        await post_mark(
            UnitOfWork(db),
            actor=w.actor("math"),
            lesson_id=w.lessons["math7"],
            student_id=w.students["petya"],
            value=value,  # type: ignore[arg-type]
        )
    assert await snapshot_counts(db, Mark, OutboxEvent, AuditEntry) == {
        "Mark": 0,
        "OutboxEvent": 0,
        "AuditEntry": 0,
    }


async def test_grade_one_gets_no_marks(db: Database) -> None:
    w = await build_world(db)
    with pytest.raises(RuleViolation) as err:
        await post_mark(
            UnitOfWork(db),
            actor=w.actor("math"),
            lesson_id=w.lessons["math1"],
            student_id=w.students["dasha"],
            value=5,
        )
    assert "1 классе отметки не выставляются" in str(err.value)
    assert await snapshot_counts(db, Mark, OutboxEvent) == {"Mark": 0, "OutboxEvent": 0}


async def test_elective_group_gets_attendance_only(db: Database) -> None:
    w = await build_world(db)
    with pytest.raises(RuleViolation, match="элективный курс"):
        await post_mark(
            UnitOfWork(db),
            actor=w.actor("robotics"),
            lesson_id=w.lessons["robotics7"],
            student_id=w.students["petya"],
            value=4,
        )


async def test_teacher_cannot_mark_another_teachers_lesson(db: Database) -> None:
    w = await build_world(db)
    # The class teacher of 7Б reads every subject of the class but edits only their own.
    with pytest.raises(Forbidden, match="Математика"):
        await post_mark(
            UnitOfWork(db),
            actor=w.actor("russian"),
            lesson_id=w.lessons["math7"],
            student_id=w.students["petya"],
            value=4,
        )
    assert await snapshot_counts(db, Mark, OutboxEvent) == {"Mark": 0, "OutboxEvent": 0}


async def test_another_schools_lesson_does_not_exist_for_you(db: Database) -> None:
    w = await build_world(db)
    with pytest.raises((Forbidden, NotFound)):
        await post_mark(
            UnitOfWork(db),
            actor=w.actor("stranger"),
            lesson_id=w.lessons["math7"],
            student_id=w.students["petya"],
            value=4,
        )


async def test_student_outside_the_lesson_group_is_refused(db: Database) -> None:
    w = await build_world(db)
    with pytest.raises(RuleViolation, match=r"Новиков Иван не учится в 7Б \(7Б англ\. 1\)"):
        await post_mark(
            UnitOfWork(db),
            actor=w.actor("english"),
            lesson_id=w.lessons["english7"],
            student_id=w.students["vanya"],
            value=4,
        )


async def test_changed_and_deleted_mark_keep_their_history(db: Database) -> None:
    w = await build_world(db)
    math = w.actor("math")
    mark = await post_mark(
        UnitOfWork(db),
        actor=math,
        lesson_id=w.lessons["math7"],
        student_id=w.students["masha"],
        value=4,
    )
    await change_mark(UnitOfWork(db), actor=math, mark_id=mark.id or 0, value=5)
    deleted = await delete_mark(UnitOfWork(db), actor=math, mark_id=mark.id or 0)

    assert deleted.deleted_at is not None and deleted.deleted_by == w.staff["math"]
    trail = await audit_trail(db, "mark", mark.id or 0)
    assert [a.action for a in trail] == ["create", "update", "delete"]
    assert trail[1].old is not None and trail[1].old["value"] == 4
    assert trail[1].new is not None and trail[1].new["value"] == 5
    assert trail[2].old is not None and trail[2].old["value"] == 5
    assert all(a.actor_id == w.staff["math"] for a in trail)
    kinds = [(e.kind, e.payload.get("value"), e.payload.get("old_value")) for e in await outbox(db)]
    assert kinds == [("mark_posted", 4, None), ("mark_changed", 5, 4), ("mark_deleted", None, 5)]

    with pytest.raises(RuleViolation, match="уже удалена"):
        await change_mark(UnitOfWork(db), actor=math, mark_id=mark.id or 0, value=3)


async def test_saving_a_mark_unchanged_writes_nothing_and_returns_it(db: Database) -> None:
    w = await build_world(db)
    math = w.actor("math")
    mark = await post_mark(
        UnitOfWork(db),
        actor=math,
        lesson_id=w.lessons["math7"],
        student_id=w.students["masha"],
        value=4,
    )
    before = await snapshot_counts(db, Mark, OutboxEvent, AuditEntry)
    same = await change_mark(UnitOfWork(db), actor=math, mark_id=mark.id or 0, value=4)
    # The returned row must still be readable after the unit of work has closed.
    assert (same.value, same.version) == (4, 1)
    assert await snapshot_counts(db, Mark, OutboxEvent, AuditEntry) == before
