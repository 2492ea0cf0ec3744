"""Closing a year or a period (administrator only), what is missing before, and the
corrections an administrator makes afterwards with a written reason."""

from __future__ import annotations

import datetime as dt

import pytest

from core.closing import start_correction
from core.db import Database
from core.errors import Forbidden, RuleViolation
from core.models import AcademicYear, Mark, Period
from core.reading.corrections import class_corrections
from core.reading.year_close import closing_overview, missing_before_closing
from core.services import marks, period_marks, school_calendar
from core.services.lesson_settings import set_lesson_topic
from core.services.year_close import close_period, close_year
from tests.builders import NOW, build_world, insert, uow_at
from tests.integration.outbox_helpers import audit_trail, unchanged
from tests.integration.year_close_helpers import Q1, closed_quarter

REASON = "Оценка выставлена не тому ученику"


async def test_only_the_administrator_closes(db: Database) -> None:
    w = await build_world(db)
    for who in ("math", "deputy", "secretary"):
        async with unchanged(db, Period):
            with pytest.raises(Forbidden):
                await close_period(uow_at(db), actor=w.actor(who), period_id=w.periods[Q1])
    with pytest.raises(Forbidden):
        await closing_overview(uow_at(db), actor=w.actor("deputy"))


async def test_a_period_closes_after_its_last_day_once_and_audited(db: Database) -> None:
    w = await build_world(db)
    with pytest.raises(RuleViolation) as early:
        await close_period(uow_at(db), actor=w.actor("admin"), period_id=w.periods["2 четверть"])
    assert early.value.code == "period_not_ended"
    assert "28.12.2026" in str(early.value)

    period = await close_period(uow_at(db), actor=w.actor("admin"), period_id=w.periods[Q1])
    assert period.closed_at == NOW.replace(microsecond=period.closed_at.microsecond)
    assert period.closed_by == w.staff["admin"]
    again = await close_period(uow_at(db), actor=w.actor("admin"), period_id=w.periods[Q1])
    assert again.closed_at == period.closed_at
    [entry] = await audit_trail(db, "period", w.periods[Q1])
    assert entry.old["closed_at"] is None and entry.new["closed_by"] == w.staff["admin"]

    [year] = await closing_overview(uow_at(db), actor=w.actor("admin"))
    shown = {p.name: (p.closed_by, p.closable) for p in year.periods}
    assert shown[Q1] == ("Белов И.А.", False)
    assert shown["2 четверть"] == ("", False)
    assert year.year.closable is False


async def test_a_year_closes_after_its_last_day(db: Database) -> None:
    w = await build_world(db)
    with pytest.raises(RuleViolation) as early:
        await close_year(uow_at(db), actor=w.actor("admin"), year_id=w.year_id)
    assert early.value.code == "year_not_ended"
    [last_id] = await insert(
        db,
        AcademicYear(
            school_id=w.school_id,
            name="2025/2026",
            starts_on=dt.date(2025, 9, 1),
            ends_on=dt.date(2026, 5, 31),
        ),
    )
    year = await close_year(uow_at(db), actor=w.actor("admin"), year_id=last_id)
    assert year.closed_by == w.staff["admin"] and year.closed_at is not None
    [entry] = await audit_trail(db, "academic_year", last_id)
    assert entry.action == "update" and entry.reason is None


async def test_the_year_marks_period_closes_with_the_year(db: Database) -> None:
    w = await build_world(db)
    [year_marks] = await insert(
        db,
        Period(
            school_id=w.school_id,
            year_id=w.year_id,
            name="Год",
            kind="year",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2026, 10, 1),
        ),
    )
    with pytest.raises(RuleViolation) as refused:
        await close_period(uow_at(db), actor=w.actor("admin"), period_id=year_marks)
    assert refused.value.code == "close_year_instead"


async def test_what_is_missing_before_closing(db: Database) -> None:
    closed = await closed_quarter(db, close=False)
    w = closed.w
    missing = await missing_before_closing(
        uow_at(db), actor=w.actor("admin"), year_id=w.year_id, period_id=w.periods[Q1]
    )
    math = next(m for m in missing if m.place == "7Б" and m.subject == "Математика")
    # Petya has his quarter mark; Masha and Vanya have not.
    assert math.period == Q1 and math.teacher == "Иванова М.П."
    assert sorted(math.pupils) == ["Новиков Иван", "Соколова Мария"]
    assert not any(m.place.startswith("1А") for m in missing)  # grade 1: no marks
    with pytest.raises(Forbidden):
        await missing_before_closing(uow_at(db), actor=w.actor("math"), year_id=w.year_id)


async def test_an_administrator_corrects_a_closed_period_with_a_reason(db: Database) -> None:
    closed = await closed_quarter(db)
    w, admin = closed.w, closed.w.actor("admin")
    uow = uow_at(db)
    start_correction(uow, REASON)
    mark = await marks.change_mark(uow, actor=admin, mark_id=closed.mark_id, value=3)
    assert mark.value == 3
    [entry] = await audit_trail(db, "mark", closed.mark_id)
    assert (entry.reason, entry.actor_id, entry.old["value"], entry.new["value"]) == (
        REASON,
        w.staff["admin"],
        4,
        3,
    )
    uow = uow_at(db)
    start_correction(uow, "Опечатка в годовой: было 4")
    await period_marks.set_period_mark(
        uow,
        actor=admin,
        period_id=w.periods[Q1],
        student_id=w.students["masha"],
        subject_id=w.subjects["Математика"],
        value="5",
    )

    found = await class_corrections(uow_at(db), actor=w.actor("russian"), class_id=w.classes["7Б"])
    assert [(c.entity, c.student, c.by, c.reason) for c in found] == [
        ("mark", "Соколов Пётр", "Белов И.А.", REASON),
        ("period_mark", "Соколова Мария", "Белов И.А.", "Опечатка в годовой: было 4"),
    ]
    change = {f.field: (f.old, f.new) for f in found[0].changes}
    assert change == {"value": (4, 3)}
    assert found[0].date == dt.date(2026, 10, 20) and found[0].subject == "Математика"
    assert found[1].period == Q1 and found[1].action == "create"


async def test_a_correction_needs_the_administrator_a_reason_and_a_closed_day(
    db: Database,
) -> None:
    closed = await closed_quarter(db)
    w = closed.w
    # The administrator without a reason is told how to correct.
    with pytest.raises(RuleViolation) as plain:
        await marks.change_mark(uow_at(db), actor=w.actor("admin"), mark_id=closed.mark_id, value=3)
    assert plain.value.code == "journal_closed_period_admin"
    # A reason of a word or two letters is no reason.
    for reason in ("", "   ", "опечатка"):
        with pytest.raises(RuleViolation) as short:
            start_correction(uow_at(db), reason)
        assert short.value.code == "correction_reason_required"
    # A teacher with a reason is still refused: corrections are the administrator's.
    uow = uow_at(db)
    start_correction(uow, REASON)
    async with unchanged(db, Mark):
        with pytest.raises(RuleViolation) as teacher:
            await marks.change_mark(uow, actor=w.actor("math"), mark_id=closed.mark_id, value=3)
    assert teacher.value.code == "journal_closed_period"
    # An open day is its teachers' to write, not the administrator's to correct.
    uow = uow_at(db)
    start_correction(uow, REASON)
    with pytest.raises(RuleViolation) as opened:
        await set_lesson_topic(uow, actor=w.actor("admin"), lesson_id=w.lessons["math7"], topic="x")
    assert opened.value.code == "correction_of_open_journal"
    # The correction ends with its unit of work.
    assert uow.correction_reason is None
    assert (
        await class_corrections(uow_at(db), actor=w.actor("admin"), class_id=w.classes["7Б"]) == []
    )


async def test_a_closed_calendar_stays_as_it_was_closed(db: Database) -> None:
    closed = await closed_quarter(db)
    w, admin = closed.w, closed.w.actor("admin")
    with pytest.raises(RuleViolation) as period:
        await school_calendar.delete_period(uow_at(db), actor=admin, period_id=w.periods[Q1])
    assert period.value.code == "period_closed_kept"
    [last_id] = await insert(
        db,
        AcademicYear(
            school_id=w.school_id,
            name="2025/2026",
            starts_on=dt.date(2025, 9, 1),
            ends_on=dt.date(2026, 5, 31),
        ),
    )
    await close_year(uow_at(db), actor=admin, year_id=last_id)
    with pytest.raises(RuleViolation) as holiday:
        await school_calendar.add_holiday(
            uow_at(db),
            actor=admin,
            year_id=last_id,
            name="Карантин",
            starts_on=dt.date(2026, 2, 2),
            ends_on=dt.date(2026, 2, 6),
        )
    assert holiday.value.code == "calendar_closed"
