"""Remarks, praise and appeals to parents through the core service."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from core.db import Database
from core.errors import Forbidden, RuleViolation
from core.models import Enrollment, Remark
from core.services.remarks import post_remark
from tests.builders import World, build_world, uow_at, update_row
from tests.integration.outbox_helpers import audit_trail, outbox, unchanged


async def _post(
    db: Database,
    w: World,
    *,
    who: str = "math",
    student: str = "petya",
    kind: str = "remark",
    text: str = "Не выполнил домашнее задание.",
    lesson: str | None = "math7",
    send_to_parents: bool = True,
) -> Remark:
    return await post_remark(
        uow_at(db),
        actor=w.actor(who),
        student_id=w.students[student],
        kind=kind,
        text=text,
        lesson_id=w.lessons[lesson] if lesson else None,
        send_to_parents=send_to_parents,
    )


async def test_remark_on_a_lesson_reaches_parents_with_what_delivery_needs(
    db: Database,
) -> None:
    w = await build_world(db)
    remark = await _post(db, w, text="  Разговаривал на уроке. ")

    assert remark.text == "Разговаривал на уроке." and remark.send_to_parents
    [event] = await outbox(db)
    assert event.kind == "remark_posted"
    assert event.payload == {
        "school_id": w.school_id,
        "remark_id": remark.id,
        "student_id": w.students["petya"],
        "class_id": w.classes["7Б"],
        "grade": 7,
        "remark_kind": "remark",
        "text": "Разговаривал на уроке.",
        "author_id": w.staff["math"],
        "subject": "Математика",
        "lesson_date": "2026-11-23",
    }
    trail = await audit_trail(db, "remark", remark.id or 0)
    assert [(a.action, a.actor_id) for a in trail] == [("create", w.staff["math"])]


async def test_unticked_remark_stays_in_the_journal_only(db: Database) -> None:
    w = await build_world(db)
    remark = await _post(db, w, send_to_parents=False)
    assert remark.send_to_parents is False
    assert await outbox(db) == []
    assert [a.action for a in await audit_trail(db, "remark", remark.id or 0)] == ["create"]


@pytest.mark.parametrize("kind", ["warning", "", "REMARK"])
async def test_unknown_kind_is_refused(db: Database, kind: str) -> None:
    w = await build_world(db)
    async with unchanged(db, Remark):
        with pytest.raises(RuleViolation) as err:
            await _post(db, w, kind=kind)
    assert "возможны замечание, благодарность или обращение к родителям" in str(err.value)


async def test_empty_remark_is_refused(db: Database) -> None:
    w = await build_world(db)
    async with unchanged(db, Remark):
        with pytest.raises(RuleViolation, match="Текст не может быть пустым"):
            await _post(db, w, text="  ")


async def test_remark_on_a_lesson_needs_its_writer_and_its_pupil(db: Database) -> None:
    w = await build_world(db)
    async with unchanged(db, Remark):
        with pytest.raises(Forbidden, match="не ведёте «Математика» в 7Б"):
            await _post(db, w, who="russian")
        with pytest.raises(RuleViolation, match="Морозова Елена не учится в 7Б"):
            await _post(db, w, student="lena")


@pytest.mark.parametrize("who", ["russian", "math", "robotics"])
async def test_class_teacher_and_teachers_of_the_class_write_outside_lessons(
    db: Database, who: str
) -> None:
    w = await build_world(db)
    remark = await _post(
        db, w, who=who, kind="praise", text="Победил в олимпиаде по математике.", lesson=None
    )
    assert remark.lesson_id is None
    [event] = await outbox(db)
    assert event.payload["remark_kind"] == "praise"
    assert (event.payload["subject"], event.payload["lesson_date"]) == (None, None)
    assert (event.payload["class_id"], event.payload["grade"]) == (w.classes["7Б"], 7)


@pytest.mark.parametrize("who", ["english", "deputy"])
async def test_who_neither_teaches_nor_leads_the_class_cannot_write(db: Database, who: str) -> None:
    w = await build_world(db)
    async with unchanged(db, Remark):
        with pytest.raises(Forbidden) as err:
            await _post(db, w, who=who, student="lena", lesson=None)
    assert str(err.value) == "Вы не преподаёте в 10А и не являетесь его классным руководителем."


async def test_pupil_who_left_has_no_class_to_write_to(db: Database) -> None:
    w = await build_world(db)
    async with db.session() as s:
        found = await s.exec(
            select(Enrollment.id).where(Enrollment.student_id == w.students["vanya"])
        )
        enrollment_id = found.one()
    await update_row(db, Enrollment, enrollment_id, until=dt.date(2026, 11, 20), end_reason="left")
    async with unchanged(db, Remark):
        with pytest.raises(RuleViolation) as err:
            await _post(db, w, who="russian", student="vanya", lesson=None)
    assert str(err.value) == "Новиков Иван не числится ни в одном классе на 23.11.2026."


async def test_grade_one_gets_remarks_and_praise(db: Database) -> None:
    w = await build_world(db)
    await _post(db, w, student="dasha", lesson="math1", kind="praise", text="Молодец!")
    [event] = await outbox(db)
    assert event.payload["grade"] == 1 and event.payload["text"] == "Молодец!"


async def test_appeal_to_parents_is_sent(db: Database) -> None:
    w = await build_world(db)
    await _post(db, w, kind="appeal", text="Прошу связаться со мной по поводу успеваемости.")
    [event] = await outbox(db)
    assert event.payload["remark_kind"] == "appeal"
