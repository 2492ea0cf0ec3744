"""Attendance («н», «б», «оп») through the core service."""

from __future__ import annotations

import pytest

from core.db import Database
from core.errors import Forbidden, RuleViolation
from core.models import Attendance
from core.services.attendance import mark_attendance
from core.services.lessons import assign_substitute
from tests.builders import World, build_world, uow_at
from tests.integration.outbox_helpers import audit_trail, outbox, unchanged


async def _mark(
    db: Database,
    w: World,
    status: str | None,
    *,
    who: str = "math",
    lesson: str = "math7",
    student: str = "petya",
    minutes_late: int | None = None,
) -> Attendance | None:
    return await mark_attendance(
        uow_at(db),
        actor=w.actor(who),
        lesson_id=w.lessons[lesson],
        student_id=w.students[student],
        status=status,
        minutes_late=minutes_late,
    )


async def test_absence_writes_one_event_with_what_delivery_needs(db: Database) -> None:
    w = await build_world(db)
    row = await _mark(db, w, "н")  # the journal's letter, stored as its code

    assert row is not None and row.status == "absent" and row.created_by == w.staff["math"]
    events = await outbox(db)
    assert [e.kind for e in events] == ["attendance_marked"]
    payload = events[0].payload
    assert payload["attendance_id"] == row.id
    assert payload["student_id"] == w.students["petya"]
    assert (payload["status"], payload["old_status"]) == ("absent", None)
    assert payload["lesson"]["subject"] == "Математика"
    assert payload["lesson"]["class_name"] == "7Б" and payload["lesson"]["date"] == "2026-11-23"
    assert [a.action for a in await audit_trail(db, "attendance", row.id or 0)] == ["create"]


async def test_lateness_carries_its_minutes(db: Database) -> None:
    w = await build_world(db)
    row = await _mark(db, w, "late", minutes_late=10)
    assert row is not None and (row.status, row.minutes_late) == ("late", 10)
    [event] = await outbox(db)
    assert (event.payload["status"], event.payload["minutes_late"]) == ("late", 10)


async def test_change_clear_and_remark_keep_one_row_and_its_history(db: Database) -> None:
    w = await build_world(db)
    first = await _mark(db, w, "н")
    ill = await _mark(db, w, "б")
    same = await _mark(db, w, "ill")  # saved again, by its code: nothing changed
    cleared = await _mark(db, w, None)
    cleared_again = await _mark(db, w, None)
    back = await _mark(db, w, "оп", minutes_late=5)

    assert first is not None and ill is not None and same is not None and back is not None
    assert first.id == ill.id == same.id == back.id
    assert same.status == "ill"
    assert cleared is None and cleared_again is None
    assert back.deleted_at is None and back.status == "late"
    changes = [(e.payload["old_status"], e.payload["status"]) for e in await outbox(db)]
    assert changes == [(None, "absent"), ("absent", "ill"), ("ill", None), (None, "late")]
    trail = await audit_trail(db, "attendance", first.id or 0)
    assert [a.action for a in trail] == ["create", "update", "delete", "update"]
    assert trail[2].old is not None and trail[2].old["status"] == "ill"
    assert trail[3].old is not None and trail[3].old["deleted_by"] == w.staff["math"]
    assert all(a.actor_id == w.staff["math"] for a in trail)


async def test_clearing_keeps_the_row_marked_deleted(db: Database) -> None:
    w = await build_world(db)
    row = await _mark(db, w, "н")
    await _mark(db, w, None)
    async with db.session() as s:
        kept = await s.get(Attendance, row.id if row else 0)
    assert kept is not None and kept.status == "absent"
    assert kept.deleted_at is not None and kept.deleted_by == w.staff["math"]


async def test_clearing_nothing_writes_nothing(db: Database) -> None:
    w = await build_world(db)
    async with unchanged(db, Attendance):
        assert await _mark(db, w, None) is None


@pytest.mark.parametrize("status", ["x", "н/а", "", "absence", 5])
async def test_unknown_attendance_mark_is_refused(db: Database, status: object) -> None:
    w = await build_world(db)
    async with unchanged(db, Attendance):
        with pytest.raises(RuleViolation) as err:
            await _mark(db, w, status)  # type: ignore[arg-type]
    assert "возможны «н», «б», «оп»" in str(err.value)


@pytest.mark.parametrize(("status", "minutes"), [("оп", 0), ("оп", 46), ("н", 10), (None, 5)])
async def test_minutes_late_only_with_lateness_and_within_a_lesson(
    db: Database, status: str | None, minutes: int
) -> None:
    w = await build_world(db)
    async with unchanged(db, Attendance):
        with pytest.raises(RuleViolation) as err:
            await _mark(db, w, status, minutes_late=minutes)
    assert str(err.value) == (
        "Опоздание указывается в минутах (от 1 до 45) и только с отметкой «оп»."
    )


async def test_capital_letters_are_understood(db: Database) -> None:
    w = await build_world(db)
    row = await _mark(db, w, " Н ")
    assert row is not None and row.status == "absent"


async def test_grade_one_and_electives_keep_attendance(db: Database) -> None:
    w = await build_world(db)
    first_grader = await _mark(db, w, "б", lesson="math1", student="dasha")
    elective = await _mark(db, w, "н", who="robotics", lesson="robotics7")
    assert first_grader is not None and elective is not None
    assert [e.payload["lesson"]["grade"] for e in await outbox(db)] == [1, 7]


async def test_only_the_lessons_writer_marks_attendance(db: Database) -> None:
    w = await build_world(db)
    async with unchanged(db, Attendance):
        with pytest.raises(Forbidden, match="не ведёте «Математика» в 7Б"):
            await _mark(db, w, "н", who="russian")
        with pytest.raises(RuleViolation, match="Новиков Иван не учится в 7Б"):
            await _mark(db, w, "н", who="english", lesson="english7", student="vanya")


async def test_substitute_marks_attendance_once_named(db: Database) -> None:
    w = await build_world(db)
    with pytest.raises(Forbidden):
        await _mark(db, w, "н", who="substitute")
    await assign_substitute(
        uow_at(db),
        actor=w.actor("deputy"),
        lesson_id=w.lessons["math7"],
        substitute_id=w.staff["substitute"],
    )
    row = await _mark(db, w, "н", who="substitute")
    assert row is not None and row.created_by == w.staff["substitute"]
