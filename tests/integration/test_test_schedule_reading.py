"""Reading the test schedule: a teacher's, a class's, a family's; the diary's tests.

7Б plans on the builders' world (TODAY is Monday 23.11.2026): math on Tuesday 01.12 and
Friday 27.11, Russian on Tuesday 01.12 too (over the limit of one a day), English of
group 1 on Wednesday 25.11 (petya and masha are in it, vanya is not), 10А math on
Tuesday 01.12 (another class: no clash with 7Б).
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.actors import GuardianActor
from core.db import Database
from core.errors import Forbidden, NotFound, RuleViolation
from core.models import Guardian
from core.reading import ReadingUnit, upcoming_tests, week_diary
from core.reading.test_schedule import class_tests, teacher_tests
from core.services.test_schedule import cancel_test, schedule_test
from tests.builders import NOW, World, build_world, uow_at, update_row

WED, FRI, TUE = dt.date(2026, 11, 25), dt.date(2026, 11, 27), dt.date(2026, 12, 1)
FAR = dt.date(2026, 12, 8)  # 15 days ahead: beyond the family's two weeks


def reading(db: Database) -> ReadingUnit:
    return ReadingUnit(db, clock=lambda: NOW)


async def _plan(
    db: Database, w: World, who: str, klass: str, subject: str, day: dt.date, **extra: object
) -> int:
    planned = await schedule_test(
        uow_at(db),
        actor=w.actor(who),
        class_id=w.classes[klass],
        subject_id=w.subjects[subject],
        on=day,
        **extra,  # type: ignore[arg-type]
    )
    return planned.test.id or 0


async def planned_world(db: Database) -> tuple[World, dict[str, int]]:
    w = await build_world(db)
    group = w.groups["7Б англ. 1"]
    tests = {
        "math_tue": await _plan(db, w, "math", "7Б", "Математика", TUE, title="Дроби"),
        "math_fri": await _plan(db, w, "math", "7Б", "Математика", FRI, work_type="written"),
        "russian_tue": await _plan(db, w, "russian", "7Б", "Русский язык", TUE),
        "english_wed": await _plan(
            db, w, "english", "7Б", "Английский язык", WED, group_id=group, work_type="dictation"
        ),
        "math10_tue": await _plan(db, w, "math", "10А", "Математика", TUE),
        "math_far": await _plan(db, w, "math", "7Б", "Математика", FAR),
    }
    cancelled = await _plan(db, w, "russian", "7Б", "Русский язык", FRI + dt.timedelta(days=1))
    await cancel_test(uow_at(db), actor=w.actor("russian"), test_id=cancelled)
    return w, tests


async def test_a_teacher_reads_their_own_tests_of_the_period(db: Database) -> None:
    w, tests = await planned_world(db)
    mine = await teacher_tests(reading(db), actor=w.actor("math"))

    assert mine.span.period is not None and mine.span.period.name == "2 четверть"
    assert [(t.date, t.where, t.subject, t.work_type, t.title) for t in mine.tests] == [
        (FRI, "7Б", "Математика", "written", ""),
        (TUE, "7Б", "Математика", "test", "Дроби"),
        (TUE, "10А", "Математика", "test", ""),
        (FAR, "7Б", "Математика", "test", ""),
    ]
    by_id = {t.test_id: t for t in mine.tests}
    # 7Б has Russian the same Tuesday: the warning names it; 10А's Tuesday is its own.
    assert [b.message() for b in by_id[tests["math_tue"]].warnings] == [
        "В графике 7Б на 01.12.2026 уже есть: Русский язык. Школа разрешает не больше "
        "1 контрольной работы в день в одном классе."
    ]
    assert by_id[tests["math10_tue"]].warnings == ()
    assert all(t.cancellable and t.teacher == "Иванова М.П." for t in mine.tests)
    assert [(p.class_name, p.subject) for p in mine.pages] == [
        ("1А", "Математика"),
        ("7Б", "Математика"),
        ("10А", "Математика"),
    ]
    assert [c.name for c in mine.classes] == ["1А", "7Б", "10А"]
    assert (mine.limits.per_day, mine.limits.per_week, mine.limits.refuse) == (1, 3, False)


async def test_a_period_or_a_range_of_days_is_chosen(db: Database) -> None:
    w, tests = await planned_world(db)
    first = await teacher_tests(
        reading(db), actor=w.actor("math"), period_id=w.periods["1 четверть"]
    )
    assert first.tests == () and first.span.first == dt.date(2026, 9, 1)
    week = await teacher_tests(
        reading(db), actor=w.actor("math"), first=dt.date(2026, 11, 30), last=dt.date(2026, 12, 6)
    )
    assert week.span.period is None
    assert {t.test_id for t in week.tests} == {tests["math_tue"], tests["math10_tue"]}
    with pytest.raises(NotFound):
        await teacher_tests(reading(db), actor=w.actor("math"), period_id=999)
    with pytest.raises(RuleViolation, match="не больше 400 дней"):
        await teacher_tests(reading(db), actor=w.actor("math"), first=TUE, last=FRI)


async def test_the_class_view_shows_every_subject_to_the_class_readers(db: Database) -> None:
    w, tests = await planned_world(db)
    for who in ("russian", "math", "english", "deputy", "admin"):
        view = await class_tests(reading(db), actor=w.actor(who), class_id=w.classes["7Б"])
        assert [(t.date, t.where, t.subject) for t in view.tests] == [
            (WED, "7Б (7Б англ. 1)", "Английский язык"),
            (FRI, "7Б", "Математика"),
            (TUE, "7Б", "Математика"),
            (TUE, "7Б", "Русский язык"),
            (FAR, "7Б", "Математика"),
        ], who
        own = {t.test_id for t in view.tests if t.cancellable}
        expected = {
            "russian": {tests["russian_tue"]},
            "math": {tests["math_tue"], tests["math_fri"], tests["math_far"]},
            "english": {tests["english_wed"]},
        }
        assert own == expected.get(who, set()), who
    clashing = [t.subject for t in view.tests if t.warnings]
    assert clashing == ["Математика", "Русский язык"]  # both of Tuesday 01.12
    for who in ("substitute", "secretary"):
        with pytest.raises(Forbidden, match="журнал 7Б"):
            await class_tests(reading(db), actor=w.actor(who), class_id=w.classes["7Б"])
    with pytest.raises(NotFound):
        await class_tests(reading(db), actor=w.actor("stranger"), class_id=w.classes["7Б"])


async def test_a_family_reads_the_next_two_weeks_of_its_own_child(db: Database) -> None:
    w, _ = await planned_world(db)
    mother = GuardianActor(guardian_id=w.guardians["sokolova"], school_id=w.school_id)

    petya = await upcoming_tests(reading(db), actor=mother, student_id=w.students["petya"])
    assert (petya.today, petya.until) == (dt.date(2026, 11, 23), dt.date(2026, 12, 6))
    assert petya.student.label == "Пётр Соколов, 7Б"
    assert [(t.date, t.subject, t.group, t.work_type, t.title) for t in petya.tests] == [
        (WED, "Английский язык", "7Б англ. 1", "dictation", ""),
        (FRI, "Математика", None, "written", ""),
        (TUE, "Математика", None, "test", "Дроби"),
        (TUE, "Русский язык", None, "test", ""),
    ]
    father = GuardianActor(guardian_id=w.guardians["novikov"], school_id=w.school_id)
    vanya = await upcoming_tests(reading(db), actor=father, student_id=w.students["vanya"])
    assert "Английский язык" not in [t.subject for t in vanya.tests]  # not in group 1
    dasha = await upcoming_tests(reading(db), actor=mother, student_id=w.students["dasha"])
    assert dasha.tests == ()  # 1А has none

    with pytest.raises(Forbidden):
        await upcoming_tests(reading(db), actor=father, student_id=w.students["petya"])
    await update_row(db, Guardian, w.guardians["sokolova"], consent_given_at=None)
    with pytest.raises(Forbidden):
        await upcoming_tests(reading(db), actor=mother, student_id=w.students["petya"])


async def test_the_diary_shows_a_test_on_its_day(db: Database) -> None:
    w, _ = await planned_world(db)
    mother = GuardianActor(guardian_id=w.guardians["sokolova"], school_id=w.school_id)
    diary = await week_diary(reading(db), actor=mother, student_id=w.students["masha"])
    by_day = {d.date: [(t.subject, t.work_type) for t in d.tests] for d in diary.days}
    assert by_day[WED] == [("Английский язык", "dictation")]
    assert by_day[FRI] == [("Математика", "written")]
    assert by_day[dt.date(2026, 11, 28)] == []  # Russian of Saturday was cancelled
    father = GuardianActor(guardian_id=w.guardians["novikov"], school_id=w.school_id)
    vanya = await week_diary(reading(db), actor=father, student_id=w.students["vanya"])
    assert [d.tests for d in vanya.days if d.date == WED] == [()]
