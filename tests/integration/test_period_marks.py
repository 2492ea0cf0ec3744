"""Period marks (2–5, «осв», «н/а») through the core service."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from core.db import Database
from core.errors import Forbidden, NotFound, RuleViolation
from core.models import AcademicYear, Enrollment, Period, PeriodMark
from core.services.period_marks import set_period_mark
from tests.builders import World, build_world, insert, uow_at, update_row
from tests.integration.outbox_helpers import audit_trail, outbox, unchanged

Q2 = "2 четверть"


async def _set(
    db: Database,
    w: World,
    value: object,
    *,
    who: str = "math",
    student: str = "petya",
    subject: str = "Математика",
    period_id: int | None = None,
    kind: str = "final",
) -> PeriodMark:
    return await set_period_mark(
        uow_at(db),
        actor=w.actor(who),
        period_id=period_id or w.periods[Q2],
        student_id=w.students[student],
        subject_id=w.subjects[subject],
        value=value,  # type: ignore[arg-type]
        kind=kind,
    )


async def test_period_mark_writes_one_event_with_what_delivery_needs(db: Database) -> None:
    w = await build_world(db)
    mark = await _set(db, w, "5")

    assert (mark.value, mark.kind, mark.class_id, mark.version) == (
        "5",
        "final",
        w.classes["7Б"],
        1,
    )
    [event] = await outbox(db)
    assert event.kind == "period_mark_set"
    assert event.payload == {
        "school_id": w.school_id,
        "period_mark_id": mark.id,
        "student_id": w.students["petya"],
        "class_id": w.classes["7Б"],
        "grade": 7,
        "period_id": w.periods[Q2],
        "period": Q2,
        "subject_id": w.subjects["Математика"],
        "subject": "Математика",
        "value": "5",
        "old_value": None,
        "mark_kind": "final",
    }
    trail = await audit_trail(db, "period_mark", mark.id or 0)
    assert [(a.action, a.actor_id) for a in trail] == [("create", w.staff["math"])]


async def test_setting_again_corrects_the_mark_and_keeps_history(db: Database) -> None:
    w = await build_world(db)
    first = await _set(db, w, "5")
    corrected = await _set(db, w, "4")
    same = await _set(db, w, "4")  # saved again: nothing changed

    assert first.id == corrected.id == same.id
    assert (same.value, same.version) == ("4", 2)
    trail = await audit_trail(db, "period_mark", first.id or 0)
    assert [a.action for a in trail] == ["create", "update"]
    assert trail[1].old is not None and trail[1].old["value"] == "5"
    assert trail[1].new is not None and trail[1].new["value"] == "4"
    changes = [(e.payload["old_value"], e.payload["value"]) for e in await outbox(db)]
    assert changes == [(None, "5"), ("5", "4")]


async def test_preliminary_and_final_marks_are_separate(db: Database) -> None:
    w = await build_world(db)
    preliminary = await _set(db, w, "3", kind="preliminary")
    final = await _set(db, w, "4")
    assert preliminary.id != final.id
    kinds = [(e.payload["mark_kind"], e.payload["value"]) for e in await outbox(db)]
    assert kinds == [("preliminary", "3"), ("final", "4")]


@pytest.mark.parametrize(("given", "kept"), [("ОСВ", "осв"), ("Н/А", "н/а"), (" 2 ", "2")])
async def test_exempt_and_not_attested_are_written_as_in_the_journal(
    db: Database, given: str, kept: str
) -> None:
    w = await build_world(db)
    mark = await _set(db, w, given)
    assert mark.value == kept
    [event] = await outbox(db)
    assert event.payload["value"] == kept


@pytest.mark.parametrize("value", ["1", "6", "5+", "", "отл", 5, None])
async def test_value_outside_the_list_is_refused(db: Database, value: object) -> None:
    w = await build_world(db)
    async with unchanged(db, PeriodMark):
        with pytest.raises(RuleViolation) as err:
            await _set(db, w, value)
    assert "возможны 2, 3, 4, 5, «осв» или «н/а»" in str(err.value)


async def test_unknown_kind_is_refused(db: Database) -> None:
    w = await build_world(db)
    async with unchanged(db, PeriodMark):
        with pytest.raises(RuleViolation, match="Неизвестный вид итоговой отметки «annual»"):
            await _set(db, w, "5", kind="annual")


async def test_grade_one_and_electives_get_no_period_marks(db: Database) -> None:
    w = await build_world(db)
    async with unchanged(db, PeriodMark):
        with pytest.raises(RuleViolation, match="В 1 классе отметки не выставляются"):
            await _set(db, w, "5", student="dasha")
        with pytest.raises(RuleViolation, match="«7Б робототехника» — элективный курс"):
            await _set(db, w, "осв", who="robotics", subject="Робототехника")


async def test_group_teacher_marks_only_the_pupils_of_their_group(db: Database) -> None:
    w = await build_world(db)
    mark = await _set(db, w, "4", who="english", student="masha", subject="Английский язык")
    assert mark.value == "4"
    async with unchanged(db, PeriodMark):
        with pytest.raises(Forbidden) as err:
            await _set(db, w, "4", who="english", student="vanya", subject="Английский язык")
    assert str(err.value) == "Вы не ведёте «Английский язык» в 7Б."


async def test_teacher_of_another_subject_cannot_set_it(db: Database) -> None:
    w = await build_world(db)
    async with unchanged(db, PeriodMark):
        with pytest.raises(Forbidden, match="не ведёте «Математика» в 7Б"):
            await _set(db, w, "5", who="russian")


async def test_period_of_another_year_is_refused(db: Database) -> None:
    w = await build_world(db)
    [next_year] = await insert(
        db,
        AcademicYear(
            school_id=w.school_id,
            name="2027/2028",
            starts_on=dt.date(2027, 9, 1),
            ends_on=dt.date(2028, 5, 31),
        ),
    )
    [period] = await insert(
        db,
        Period(
            school_id=w.school_id,
            year_id=next_year,
            name="1 четверть 2027/2028",
            starts_on=dt.date(2027, 9, 1),
            ends_on=dt.date(2027, 10, 25),
        ),
    )
    async with unchanged(db, PeriodMark):
        with pytest.raises(RuleViolation) as err:
            await _set(db, w, "5", period_id=period)
    assert str(err.value) == ("Период «1 четверть 2027/2028» не относится к учебному году класса.")


async def test_pupil_who_left_before_the_period_ended_is_refused(db: Database) -> None:
    w = await build_world(db)
    async with db.session() as s:
        found = await s.exec(
            select(Enrollment.id).where(Enrollment.student_id == w.students["vanya"])
        )
        enrollment_id = found.one()
    await update_row(db, Enrollment, enrollment_id, until=dt.date(2026, 12, 1), end_reason="left")
    async with unchanged(db, PeriodMark):
        with pytest.raises(RuleViolation) as err:
            await _set(db, w, "3", student="vanya")
    assert str(err.value) == "Новиков Иван не числится ни в одном классе на 28.12.2026."


async def test_another_schools_teacher_cannot_see_our_periods(db: Database) -> None:
    w = await build_world(db)
    async with unchanged(db, PeriodMark):
        with pytest.raises(NotFound):
            await _set(db, w, "5", who="stranger")
