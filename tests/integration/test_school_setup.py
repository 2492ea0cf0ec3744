"""The school's set-up through core: settings, bells, calendar, classes, subjects,
assignments, timetable and staff roles; on SQLite and PostgreSQL.

Each change is checked for what it changed and the audit entry it left; each
refusal for its error (key and message) and that nothing was written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from core.db import Database
from core.errors import Forbidden, NotFound, RuleViolation, ZvonokError
from core.models import (
    AcademicYear,
    AuditEntry,
    Holiday,
    Period,
    School,
    SchoolClass,
    Staff,
    Subject,
    TeachingAssignment,
    TimetableEntry,
)
from core.policy import policy_of
from core.reading.school_calendar import read_calendar
from core.reading.school_directory import read_directory
from core.reading.school_settings import Bell, read_settings
from core.services import school_calendar as calendar
from core.services import school_setup as setup
from core.services import school_structure as structure
from core.services.period_marks import set_period_mark
from core.services.staff import set_staff_roles
from core.uow import UnitOfWork
from tests.builders import TODAY, World, build_world, uow_at
from tests.integration.outbox_helpers import audit_trail, count
from tests.integration.people_helpers import load

D = dt.date
Call = Callable[[UnitOfWork, World], Awaitable[Any]]


async def _refused(db: Database, w: World, call: Call) -> ZvonokError:
    """The error `call` raises, having written nothing (no audit entry, no row)."""
    before = await count(db, AuditEntry)
    with pytest.raises(ZvonokError) as caught:
        await call(uow_at(db), w)
    assert await count(db, AuditEntry) == before
    return caught.value


# ---------------------------------------------------------------- school and rules


async def test_administrator_sets_name_time_zone_and_rules_with_an_audit(db: Database) -> None:
    w = await build_world(db)
    admin = w.actor("admin")
    await setup.update_school(
        uow_at(db), actor=admin, name="  Школа   №1 им. Пушкина ", timezone="Asia/Yekaterinburg"
    )
    changed = await setup.update_policy(
        uow_at(db),
        actor=admin,
        values={
            "grace_window_seconds": "300",
            "quiet_hours_start": "22.00",
            "homework_deadline": "fixed_time",
            "homework_fixed_time": "17:00",
            "electives_attendance_only": False,
            "work_type_weights": {"test": "2,5", "oral": 1},
        },
    )
    school = await load(db, School, w.school_id)
    assert (school.name, school.timezone) == ("Школа №1 им. Пушкина", "Asia/Yekaterinburg")
    policy = policy_of(school)
    assert policy.grace_window_seconds == 300 and policy.quiet_hours_start == dt.time(22, 0)
    assert policy.homework_deadline == "fixed_time" and not policy.electives_attendance_only
    assert policy.work_type_weights == {"test": 2.5, "oral": 1.0}
    assert policy.oral_mark_days == 1  # a field not given keeps its value
    assert changed.policy == policy
    trail = await audit_trail(db, "school", w.school_id)
    assert [entry.action for entry in trail] == ["update", "update"]
    assert trail[0].old is not None and trail[0].old["timezone"] == "Europe/Moscow"
    assert trail[1].new is not None and trail[1].new["policy"]["grace_window_seconds"] == 300
    assert trail[1].actor_id == w.staff["admin"]


BAD_RULES = [
    (
        {"grace_window_seconds": "4000"},
        "«Окно исправления отметки, секунд»: нужно целое число от 0 до 3600, указано «4000».",
        "“Grace window for a mark, seconds”: a whole number from 0 to 3600 is needed, not “4000”.",
    ),
    (
        {"oral_mark_days": "-1"},
        "«Устный ответ: дней на отметку»: нужно целое число не меньше 0, указано «-1».",
        "“Oral answers: days to mark”: a whole number of at least 0 is needed, not “-1”.",
    ),
    (
        {"marks_from_grade": "два"},
        "«Отметки выставляются с класса»: нужно целое число от 1 до 11, указано «два».",
        "“Marks are given from grade”: a whole number from 1 to 11 is needed, not “два”.",
    ),
    (
        {"quiet_hours_end": "25:00"},
        "«Тихие часы: конец»: время «25:00» не распознано — напишите, например, 21:00.",
        "“Quiet hours: end”: time “25:00” not recognised — write it like 21:00.",
    ),
    (
        {"homework_deadline": "never"},
        "«Срок записи домашнего задания»: значение «never» не подходит, возможны "
        "after_last_lesson, fixed_time.",
        "“Homework deadline”: “never” is not allowed, use after_last_lesson, fixed_time.",
    ),
    (
        {"electives_attendance_only": "maybe"},
        "«Элективы: только посещаемость»: значение «maybe» не подходит, возможны true, false.",
        "“Electives: attendance only”: “maybe” is not allowed, use true, false.",
    ),
    (
        {"work_type_weights": {"test": "0"}},
        "Вес вида работы «test» — число от 0,1 до 10, указано «0».",
        "The weight of work type “test” is 0.1 to 10, not “0”.",
    ),
    (
        {"work_type_weights": {"quiz": 1}},
        "Неизвестный вид работы «quiz».",
        "Unknown work type “quiz”.",
    ),
    (
        {"colour": "red"},
        "Недопустимое значение: неизвестная настройка «colour».",
        "Invalid value: unknown setting “colour”.",
    ),
]


async def test_a_bad_rule_is_refused_naming_the_setting(db: Database) -> None:
    w = await build_world(db)
    for values, ru, en in BAD_RULES:
        error = await _refused(
            db,
            w,
            lambda u, w, values=values: setup.update_policy(
                u, actor=w.actor("admin"), values=values
            ),
        )
        assert isinstance(error, RuleViolation)
        assert (str(error), error.message("en")) == (ru, en)
    assert (await load(db, School, w.school_id)).policy == {}


@pytest.mark.parametrize(
    ("name", "timezone", "key"),
    [(" ", "Europe/Moscow", "school_name_required"), ("Школа", "Moscow/Kremlin", "bad_timezone")],
)
async def test_school_name_and_time_zone_are_checked(
    db: Database, name: str, timezone: str, key: str
) -> None:
    w = await build_world(db)
    error = await _refused(
        db,
        w,
        lambda u, w: setup.update_school(u, actor=w.actor("admin"), name=name, timezone=timezone),
    )
    assert error.key_used == key


@pytest.mark.parametrize("who", ["secretary", "deputy", "russian"])
async def test_only_the_administrator_changes_the_set_up(db: Database, who: str) -> None:
    w = await build_world(db)
    error = await _refused(
        db,
        w,
        lambda u, w: setup.update_school(u, actor=w.actor(who), name="Х", timezone="Europe/Moscow"),
    )
    assert isinstance(error, Forbidden)
    assert (await load(db, School, w.school_id)).name == "Школа №1"


async def test_the_secretary_reads_the_set_up_and_a_teacher_does_not(db: Database) -> None:
    w = await build_world(db)
    settings = await read_settings(uow_at(db), actor=w.actor("secretary"))
    assert settings.name == "Школа №1" and len(settings.bells) == 8
    directory = await read_directory(uow_at(db), actor=w.actor("secretary"))
    assert [c.name for c in directory.classes] == ["1А", "7Б", "10А"]
    with pytest.raises(Forbidden):
        await read_directory(uow_at(db), actor=w.actor("math"))
    with pytest.raises(Forbidden):
        await read_calendar(uow_at(db), actor=w.actor("deputy"))


async def test_another_schools_administrator_changes_only_his_own_school(db: Database) -> None:
    w = await build_world(db)
    stranger = w.actor("stranger")
    await setup.update_school(uow_at(db), actor=stranger, name="Школа №2", timezone="Asia/Omsk")
    assert (await load(db, School, w.school_id)).timezone == "Europe/Moscow"
    assert (await load(db, School, w.other_school_id)).timezone == "Asia/Omsk"
    for call in (
        lambda u, w: calendar.add_period(
            u,
            actor=stranger,
            year_id=w.year_id,
            name="Год",
            kind="year",
            starts_on=D(2026, 9, 1),
            ends_on=D(2027, 5, 31),
        ),
        lambda u, w: structure.update_class(
            u, actor=stranger, class_id=w.classes["7Б"], grade=7, letter="В", class_teacher_id=None
        ),
        lambda u, w: set_staff_roles(u, actor=stranger, staff_id=w.staff["math"], roles=["admin"]),
    ):
        assert isinstance(await _refused(db, w, call), NotFound)


# ---------------------------------------------------------------- bells


async def test_bells_are_kept_in_order_with_times_written_alike(db: Database) -> None:
    w = await build_world(db)
    bells = [Bell(2, "9.25", "10:10"), Bell(1, "8:30", "09:15")]
    changed = await setup.set_bells(uow_at(db), actor=w.actor("admin"), bells=bells)
    assert changed.bells == (Bell(1, "08:30", "09:15"), Bell(2, "09:25", "10:10"))
    school = await load(db, School, w.school_id)
    assert school.bells == [
        {"slot": 1, "start": "08:30", "end": "09:15"},
        {"slot": 2, "start": "09:25", "end": "10:10"},
    ]
    assert [e.action for e in await audit_trail(db, "school", w.school_id)] == ["update"]


BAD_BELLS = [
    ([], "В расписании звонков должен быть хотя бы один урок."),
    ([(13, "08:30", "09:15")], "Номер урока — от 0 до 12, указано «13»."),
    ([(1, "08:30", "09:15"), (1, "09:25", "10:10")], "1-й урок указан дважды."),
    (
        [(1, "8 30", "09:15")],
        "1-й урок: время «8 30» не распознано — напишите, например, 08:30.",
    ),
    ([(1, "09:15", "08:30")], "1-й урок: начало 09:15 должно быть раньше конца 08:30."),
    (
        [(1, "08:30", "09:15"), (2, "09:10", "09:55")],
        "2-й урок начинается в 09:10, раньше конца предыдущего (09:15).",
    ),
]


async def test_a_bad_bell_schedule_is_refused(db: Database) -> None:
    w = await build_world(db)
    for bells, message in BAD_BELLS:
        rows = [Bell(*row) for row in bells]
        error = await _refused(
            db, w, lambda u, w, rows=rows: setup.set_bells(u, actor=w.actor("admin"), bells=rows)
        )
        assert str(error) == message


async def test_a_lesson_number_the_timetable_uses_cannot_be_dropped(db: Database) -> None:
    w = await build_world(db)
    await _timetable(db, w, "math", "10А", "Математика", weekday=0, slot=3)
    first_two = [Bell(1, "08:30", "09:15"), Bell(2, "09:25", "10:10")]
    error = await _refused(
        db, w, lambda u, w: setup.set_bells(u, actor=w.actor("admin"), bells=first_two)
    )
    assert str(error) == (
        "3-й урок стоит в расписании 1 раз: сначала уберите эти уроки из расписания."
    )


# ---------------------------------------------------------------- calendar


async def test_a_year_its_periods_and_holidays(db: Database) -> None:
    w = await build_world(db)
    admin = w.actor("admin")
    year = await calendar.add_year(
        uow_at(db), actor=admin, name="2027/2028", starts_on=D(2027, 9, 1), ends_on=D(2028, 5, 31)
    )
    half = await calendar.add_period(
        uow_at(db),
        actor=admin,
        year_id=year.id or 0,
        name="1 полугодие",
        kind="half",
        starts_on=D(2027, 9, 1),
        ends_on=D(2027, 12, 27),
    )
    holiday = await calendar.add_holiday(
        uow_at(db),
        actor=admin,
        year_id=year.id or 0,
        name="осенние каникулы",
        starts_on=D(2027, 10, 27),
        ends_on=D(2027, 11, 4),
    )
    years = await read_calendar(uow_at(db), actor=w.actor("secretary"))
    assert [y.year.name for y in years] == ["2027/2028", "2026/2027"]
    assert [p.name for p in years[0].periods] == ["1 полугодие"]
    assert [h.name for h in years[0].holidays] == ["осенние каникулы"]
    for entity, row_id in (
        ("academic_year", year.id),
        ("period", half.id),
        ("holiday", holiday.id),
    ):
        [entry] = await audit_trail(db, entity, row_id or 0)
        assert (entry.action, entry.actor_id) == ("create", w.staff["admin"])

    await calendar.delete_holiday(uow_at(db), actor=admin, holiday_id=holiday.id or 0)
    await calendar.delete_period(uow_at(db), actor=admin, period_id=half.id or 0)
    assert await count(db, Holiday) == 1 and await count(db, Period) == 4
    assert [e.action for e in await audit_trail(db, "period", half.id or 0)] == [
        "create",
        "delete",
    ]


def _period(name: str, kind: str, first: dt.date, last: dt.date) -> Call:
    return lambda u, w: calendar.add_period(
        u,
        actor=w.actor("admin"),
        year_id=w.year_id,
        name=name,
        kind=kind,
        starts_on=first,
        ends_on=last,
    )


def _holiday(name: str, first: dt.date, last: dt.date) -> Call:
    return lambda u, w: calendar.add_holiday(
        u, actor=w.actor("admin"), year_id=w.year_id, name=name, starts_on=first, ends_on=last
    )


BAD_CALENDAR = [
    (
        lambda u, w: calendar.add_year(
            u,
            actor=w.actor("admin"),
            name="2026/27",
            starts_on=D(2027, 1, 1),
            ends_on=D(2027, 6, 30),
        ),
        "Учебный год 2026/27 пересекается с учебным годом 2026/2027.",
    ),
    (
        lambda u, w: calendar.add_year(
            u,
            actor=w.actor("admin"),
            name=" ",
            starts_on=D(2027, 9, 1),
            ends_on=D(2028, 5, 31),
        ),
        "Укажите название учебного года, например 2027/2028.",
    ),
    (
        _period("Год", "year", D(2027, 5, 31), D(2026, 9, 1)),
        "Дата начала 31.05.2027 позже даты окончания 01.09.2026.",
    ),
    (
        _period("Год", "year", D(2026, 9, 1), D(2027, 6, 30)),
        "Даты 01.09.2026–30.06.2027 выходят за учебный год 2026/2027 (01.09.2026–31.05.2027).",
    ),
    (
        _period("5 четверть", "quarter", D(2026, 12, 1), D(2027, 1, 20)),
        "Период «5 четверть» пересекается с периодом «2 четверть».",
    ),
    (
        _period("Триместр", "trimester", D(2026, 9, 1), D(2026, 11, 30)),
        "Вид периода «trimester» не подходит: возможны quarter, half, year.",
    ),
    (
        _period("", "year", D(2026, 9, 1), D(2027, 5, 31)),
        "Укажите название периода, например «1 четверть».",
    ),
    (
        _holiday("день здоровья", TODAY, TODAY),
        "23.11.2026 в журнале уже есть 5 уроков: каникулы на эти дни не назначить.",
    ),
    (
        _holiday("летние", D(2027, 6, 1), D(2027, 8, 31)),
        "Даты 01.06.2027–31.08.2027 выходят за учебный год 2026/2027 (01.09.2026–31.05.2027).",
    ),
    (
        _holiday(" ", D(2027, 1, 1), D(2027, 1, 8)),
        "Укажите название каникул или выходного дня.",
    ),
]


async def test_a_bad_calendar_entry_is_refused(db: Database) -> None:
    w = await build_world(db)
    for call, message in BAD_CALENDAR:
        assert str(await _refused(db, w, call)) == message


async def test_a_period_with_marks_cannot_be_deleted(db: Database) -> None:
    w = await build_world(db)
    period = w.periods["1 четверть"]
    await set_period_mark(
        uow_at(db),
        actor=w.actor("math"),
        period_id=period,
        student_id=w.students["petya"],
        subject_id=w.subjects["Математика"],
        value="5",
    )
    error = await _refused(
        db, w, lambda u, w: calendar.delete_period(u, actor=w.actor("admin"), period_id=period)
    )
    assert str(error) == "За период «1 четверть» уже выставлена 1 отметка: удалить его нельзя."
    assert error.message("en") == "Period “1 четверть” already has 1 mark: it cannot be deleted."


def test_dates_are_read_as_typed_or_from_a_date_field() -> None:
    assert calendar.parse_day("2026-11-23") == calendar.parse_day(" 23.11.2026 ") == TODAY
    with pytest.raises(RuleViolation) as caught:
        calendar.parse_day("31.02.2027")
    assert str(caught.value) == "Дата «31.02.2027» не распознана: укажите, например, 23.11.2026."


# ---------------------------------------------------------------- classes and subjects


async def test_classes_are_created_and_renamed_with_their_class_teacher(db: Database) -> None:
    w = await build_world(db)
    admin = w.actor("admin")
    klass = await structure.create_class(
        uow_at(db),
        actor=admin,
        year_id=w.year_id,
        grade=5,
        letter=" в ",
        class_teacher_id=w.staff["english"],
    )
    assert (klass.name, klass.class_teacher_id) == ("5В", w.staff["english"])
    await structure.update_class(
        uow_at(db), actor=admin, class_id=klass.id or 0, grade=5, letter="Г", class_teacher_id=None
    )
    row = await load(db, SchoolClass, klass.id or 0)
    assert (row.name, row.class_teacher_id) == ("5Г", None)
    trail = await audit_trail(db, "school_class", klass.id or 0)
    assert [e.action for e in trail] == ["create", "update"]
    assert trail[1].old is not None and trail[1].old["letter"] == "В"


@pytest.mark.parametrize(
    ("grade", "letter", "teacher", "message"),
    [
        (12, "А", None, "Параллель класса — от 1 до 11, указано «12»."),
        (5, "5А", None, "Литера класса — одна или две буквы, например «А»; указано «5А»."),
        (7, "б", None, "Класс 7Б в учебном году 2026/2027 уже есть."),
        (5, "А", "deputy", "Орлова Т.Б. — не учитель: назначить можно только учителя."),
    ],
)
async def test_a_bad_class_is_refused(
    db: Database, grade: int, letter: str, teacher: str | None, message: str
) -> None:
    w = await build_world(db)
    error = await _refused(
        db,
        w,
        lambda u, w: structure.create_class(
            u,
            actor=w.actor("admin"),
            year_id=w.year_id,
            grade=grade,
            letter=letter,
            class_teacher_id=w.staff[teacher] if teacher else None,
        ),
    )
    assert str(error) == message


async def test_a_locked_teacher_is_not_made_class_teacher(db: Database) -> None:
    w = await build_world(db)
    async with db.session() as s:
        row = await s.get(Staff, w.staff["english"])
        assert row is not None
        row.locked_at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        s.add(row)
        await s.commit()
    error = await _refused(
        db,
        w,
        lambda u, w: structure.update_class(
            u,
            actor=w.actor("admin"),
            class_id=w.classes["10А"],
            grade=10,
            letter="А",
            class_teacher_id=w.staff["english"],
        ),
    )
    assert str(error) == "Учётная запись Смит А. заблокирована: сначала разблокируйте её."


async def test_subjects_are_unique_whatever_the_case(db: Database) -> None:
    w = await build_world(db)
    admin = w.actor("admin")
    physics = await structure.create_subject(
        uow_at(db), actor=admin, name=" Физика ", short_name="физ."
    )
    assert (physics.name, physics.short_name) == ("Физика", "физ.")
    await structure.rename_subject(
        uow_at(db), actor=admin, subject_id=physics.id or 0, name="Физика и астрономия"
    )
    assert (await load(db, Subject, physics.id or 0)).name == "Физика и астрономия"
    error = await _refused(
        db, w, lambda u, w: structure.create_subject(u, actor=admin, name="математика")
    )
    assert str(error) == "Предмет «математика» уже есть."
    error = await _refused(db, w, lambda u, w: structure.create_subject(u, actor=admin, name=""))
    assert str(error) == "Укажите название предмета."
    assert [e.action for e in await audit_trail(db, "subject", physics.id or 0)] == [
        "create",
        "update",
    ]


async def test_a_subject_says_whether_it_owes_homework_and_marks(db: Database) -> None:
    w = await build_world(db)
    admin = w.actor("admin")
    physics = await structure.create_subject(uow_at(db), actor=admin, name="Физика")
    pe = await structure.create_subject(
        uow_at(db), actor=admin, name="Физическая культура", homework=False
    )
    orkse = await structure.create_subject(
        uow_at(db), actor=admin, name="ОРКСЭ", homework=False, graded=False
    )
    flags = {
        s.name: (s.homework, s.graded)
        for s in [await load(db, Subject, x.id or 0) for x in (physics, pe, orkse)]
    }
    assert flags == {
        "Физика": (True, True),
        "Физическая культура": (False, True),
        "ОРКСЭ": (False, False),
    }
    [created] = await audit_trail(db, "subject", orkse.id or 0)
    assert created.new is not None
    assert (created.new["homework"], created.new["graded"]) == (False, False)

    # A rename without the flags keeps them; given, they change, each with its audit entry.
    await structure.rename_subject(
        uow_at(db), actor=admin, subject_id=orkse.id or 0, name="Основы религиозных культур"
    )
    kept = await load(db, Subject, orkse.id or 0)
    assert (kept.name, kept.homework, kept.graded) == ("Основы религиозных культур", False, False)
    await structure.rename_subject(
        uow_at(db), actor=admin, subject_id=orkse.id or 0, name=kept.name, graded=True
    )
    await structure.rename_subject(
        uow_at(db), actor=admin, subject_id=pe.id or 0, name=pe.name, homework=True, graded=False
    )
    assert (await load(db, Subject, orkse.id or 0)).graded is True
    changed = await load(db, Subject, pe.id or 0)
    assert (changed.homework, changed.graded) == (True, False)
    *_, renamed, regraded = await audit_trail(db, "subject", orkse.id or 0)
    assert renamed.old is not None and renamed.new is not None
    assert (renamed.old["graded"], renamed.new["graded"]) == (False, False)
    assert regraded.old is not None and regraded.new is not None
    assert (regraded.old["graded"], regraded.new["graded"]) == (False, True)
    assert regraded.actor_id == w.staff["admin"]

    # Only who sets up the school changes them.
    error = await _refused(
        db,
        w,
        lambda u, w: structure.rename_subject(
            u, actor=w.actor("math"), subject_id=pe.id or 0, name=pe.name, homework=False
        ),
    )
    assert isinstance(error, Forbidden)
    assert (await load(db, Subject, pe.id or 0)).homework is True


# ---------------------------------------------------------------- assignments and timetable


async def _timetable(
    db: Database,
    w: World,
    teacher: str,
    klass: str,
    subject: str,
    *,
    weekday: int,
    slot: int,
    group: str | None = None,
) -> TimetableEntry:
    return await structure.add_timetable_entry(
        uow_at(db),
        actor=w.actor("admin"),
        class_id=w.classes[klass],
        subject_id=w.subjects[subject],
        teacher_id=w.staff[teacher],
        group_id=w.groups[group] if group else None,
        weekday=weekday,
        slot=slot,
    )


async def test_an_assignment_lets_the_teacher_into_the_timetable(db: Database) -> None:
    w = await build_world(db)
    admin = w.actor("admin")
    row = await structure.add_assignment(
        uow_at(db),
        actor=admin,
        teacher_id=w.staff["english"],
        class_id=w.classes["10А"],
        subject_id=w.subjects["Английский язык"],
    )
    entry = await _timetable(db, w, "english", "10А", "Английский язык", weekday=4, slot=2)
    assert (entry.weekday, entry.slot, entry.teacher_id) == (4, 2, w.staff["english"])
    error = await _refused(
        db, w, lambda u, w: structure.remove_assignment(u, actor=admin, assignment_id=row.id or 0)
    )
    assert str(error) == (
        "Это назначение стоит в расписании 1 раз: сначала уберите эти уроки из расписания."
    )
    await structure.remove_timetable_entry(uow_at(db), actor=admin, entry_id=entry.id or 0)
    await structure.remove_assignment(uow_at(db), actor=admin, assignment_id=row.id or 0)
    assert await count(db, TimetableEntry) == 0 and await count(db, TeachingAssignment) == 6
    assert [e.action for e in await audit_trail(db, "teaching_assignment", row.id or 0)] == [
        "create",
        "delete",
    ]
    assert [e.action for e in await audit_trail(db, "timetable_entry", entry.id or 0)] == [
        "create",
        "delete",
    ]


def _assign(teacher: str, klass: str, subject: str, group: str | None = None) -> Call:
    return lambda u, w: structure.add_assignment(
        u,
        actor=w.actor("admin"),
        teacher_id=w.staff[teacher],
        class_id=w.classes[klass],
        subject_id=w.subjects[subject],
        group_id=w.groups[group] if group else None,
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (_assign("math", "7Б", "Математика"), "Иванова М.П. уже ведёт «Математика» в 7Б."),
        (
            _assign("english", "10А", "Английский язык", "7Б англ. 1"),
            "Группа «7Б англ. 1» не относится к классу 10А.",
        ),
        (
            _assign("secretary", "10А", "Математика"),
            "Лебедева Н.О. — не учитель: назначить можно только учителя.",
        ),
    ],
)
async def test_a_bad_assignment_is_refused(db: Database, call: Call, message: str) -> None:
    w = await build_world(db)
    assert str(await _refused(db, w, call)) == message


def _lesson(
    teacher: str, klass: str, subject: str, weekday: int, slot: int, group: str | None = None
) -> Call:
    return lambda u, w: structure.add_timetable_entry(
        u,
        actor=w.actor("admin"),
        class_id=w.classes[klass],
        subject_id=w.subjects[subject],
        teacher_id=w.staff[teacher],
        group_id=w.groups[group] if group else None,
        weekday=weekday,
        slot=slot,
    )


BAD_LESSONS = [
    (
        _lesson("english", "10А", "Английский язык", 0, 1),
        "Смит А. не ведёт «Английский язык» в 10А: сначала назначьте учителя на предмет.",
    ),
    (
        _lesson("russian", "7Б", "Русский язык", 0, 2),
        "У 7Б в этот день на 2-м уроке уже стоит «Математика».",
    ),
    (
        _lesson("english", "7Б", "Английский язык", 0, 2, "7Б англ. 1"),
        "У 7Б (7Б англ. 1) в этот день на 2-м уроке уже стоит «Математика».",
    ),
    (
        _lesson("math", "10А", "Математика", 0, 2),
        "Иванова М.П. в этот день на 2-м уроке уже ведёт урок в 7Б.",
    ),
    (
        _lesson("math", "10А", "Математика", 6, 1),
        "День недели «6» не подходит: уроки бывают с понедельника по субботу.",
    ),
    (_lesson("math", "10А", "Математика", 0, 9), "В расписании звонков нет 9-го урока."),
]


async def test_a_clashing_or_unassigned_timetable_lesson_is_refused(db: Database) -> None:
    w = await build_world(db)
    await _timetable(db, w, "math", "7Б", "Математика", weekday=0, slot=2)
    for call, message in BAD_LESSONS:
        assert str(await _refused(db, w, call)) == message


async def test_parallel_subgroups_share_a_slot(db: Database) -> None:
    w = await build_world(db)
    await _timetable(
        db, w, "english", "7Б", "Английский язык", weekday=1, slot=4, group="7Б англ. 1"
    )
    robotics = await _timetable(
        db, w, "robotics", "7Б", "Робототехника", weekday=1, slot=4, group="7Б робототехника"
    )
    assert robotics.group_id == w.groups["7Б робототехника"]
    directory = await read_directory(uow_at(db), actor=w.actor("admin"))
    assert [(e.weekday, e.slot) for e in directory.timetable] == [(1, 4), (1, 4)]


# ---------------------------------------------------------------- staff roles


async def test_roles_are_changed_by_the_administrator_but_not_his_own_admin_role(
    db: Database,
) -> None:
    w = await build_world(db)
    admin = w.actor("admin")
    changed = await set_staff_roles(
        uow_at(db), actor=admin, staff_id=w.staff["russian"], roles=["teacher", "deputy"]
    )
    assert changed.roles == ["teacher", "deputy"]
    [entry] = await audit_trail(db, "staff", w.staff["russian"])
    assert entry.old is not None and entry.old["roles"] == ["teacher"]
    assert entry.new is not None and entry.new["roles"] == ["teacher", "deputy"]
    error = await _refused(
        db,
        w,
        lambda u, w: set_staff_roles(u, actor=admin, staff_id=w.staff["admin"], roles=["teacher"]),
    )
    assert str(error) == (
        "Свою роль администратора снять нельзя: это может сделать другой администратор."
    )
    error = await _refused(
        db,
        w,
        lambda u, w: set_staff_roles(u, actor=admin, staff_id=w.staff["math"], roles=["director"]),
    )
    assert error.key_used == "bad_role"
    error = await _refused(
        db,
        w,
        lambda u, w: set_staff_roles(
            u, actor=w.actor("deputy"), staff_id=w.staff["math"], roles=["admin"]
        ),
    )
    assert isinstance(error, Forbidden)
    assert (await load(db, Staff, w.staff["math"])).roles == ["teacher"]


async def test_the_current_year_is_the_one_holding_today(db: Database) -> None:
    w = await build_world(db)
    async with db.session() as s:
        s.add(
            AcademicYear(
                school_id=w.school_id,
                name="2027/2028",
                starts_on=D(2027, 9, 1),
                ends_on=D(2028, 5, 31),
            )
        )
        await s.commit()
    directory = await read_directory(uow_at(db), actor=w.actor("admin"))
    assert directory.year is not None and directory.year.name == "2026/2027"
    assert [y.name for y in directory.years] == ["2027/2028", "2026/2027"]
    assert directory.name("staff", w.staff["russian"]) == "Петров С.И."
    assert [t.short_name for t in directory.teachers][:2] == ["Иванова М.П.", "Кузнецов О.Р."]
