"""One student's diary as families and staff read it, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from core.actors import GuardianActor, StaffActor, SystemActor
from core.db import Database
from core.enrolment import is_member
from core.errors import Forbidden, NotFound
from core.models import Guardian, Holiday, Lesson
from core.reading import (
    ReadingUnit,
    WeekDiary,
    absences_overview,
    homework_ahead,
    homework_days,
    homework_for_day,
    marks_overview,
    next_school_day,
    week_diary,
)
from core.uow import UnitOfWork
from tests.builders import NOW, TODAY, World, build_world, update_row
from tests.integration.reading_helpers import (
    THURSDAY,
    TUESDAY,
    WEDNESDAY,
    Week,
    write_week,
)


def reader(db: Database, when: dt.datetime = NOW) -> ReadingUnit:
    return ReadingUnit(db, clock=lambda: when)


def parent(w: World, who: str = "sokolova") -> GuardianActor:
    return GuardianActor(guardian_id=w.guardians[who], school_id=w.school_id)


async def _setup(db: Database) -> tuple[World, Week]:
    w = await build_world(db)
    return w, await write_week(db, w)


def _monday(diary: WeekDiary) -> list[tuple[int, str]]:
    return [(x.slot, x.subject) for x in diary.days[0].lessons]


async def test_a_parent_reads_the_week_with_marks_attendance_homework_and_remarks(
    db: Database,
) -> None:
    w, _ = await _setup(db)
    diary = await week_diary(reader(db), actor=parent(w), student_id=w.students["petya"])

    assert diary.student.label == "Пётр Соколов, 7Б"
    assert diary.week_start == TODAY and diary.week_end == TODAY + dt.timedelta(days=5)
    assert [d.date.weekday() for d in diary.days] == [0, 1, 2, 3, 4, 5]
    assert _monday(diary) == [
        (2, "Математика"),
        (3, "Русский язык"),
        (4, "Английский язык"),
        (7, "Робототехника"),
    ]
    math, russian, english, robotics = diary.days[0].lessons
    assert math.topic == "Сложение дробей"
    assert [(m.value, m.work_type) for m in math.marks] == [(5, "test"), (3, "oral")]
    assert [(h.text, h.individual, h.due_date) for h in math.homework] == [
        ("№ 5–7, с. 34", False, WEDNESDAY),
        ("Карточка №4", True, None),
    ]
    # The remark the teacher did not tick for parents stays in the journal.
    assert math.remarks == ()
    assert russian.attendance is not None
    assert (russian.attendance.status, russian.attendance.minutes_late) == ("late", 10)
    assert [(r.kind, r.text) for r in russian.remarks] == [("praise", "Отличный ответ у доски")]
    assert russian.homework == ()  # set, then withdrawn
    assert english.group == "7Б англ. 1" and [m.value for m in english.marks] == [5]
    assert english.remarks == ()  # deleted
    assert robotics.attendance is not None and robotics.attendance.status == "absent"
    # Written at 01:30 Moscow time on Monday (Sunday in UTC): Monday's page.
    assert [r.text for r in diary.days[0].remarks] == ["Победа в школьной олимпиаде"]
    assert [(x.subject, x.topic) for x in diary.days[1].lessons] == [("Математика", "Проценты")]
    assert diary.days[3].lessons == ()  # Thursday's lesson was deleted


async def test_each_pupil_sees_only_their_groups_and_their_own_homework(db: Database) -> None:
    w, _ = await _setup(db)
    read = [
        await week_diary(reader(db), actor=parent(w, g), student_id=w.students[s])
        for g, s in (("sokolova", "masha"), ("novikov", "vanya"))
    ]
    masha, vanya = read
    assert _monday(masha) == [(2, "Математика"), (3, "Русский язык"), (4, "Английский язык")]
    assert _monday(vanya) == [(2, "Математика"), (3, "Русский язык")]
    masha_math = masha.days[0].lessons[0]
    vanya_math = vanya.days[0].lessons[0]
    assert [h.text for h in masha_math.homework] == ["№ 5–7, с. 34"]
    assert [h.text for h in vanya_math.homework] == ["№ 5–7, с. 34", "Карточка №9"]
    assert [(m.value, m.work_type) for m in masha_math.marks] == [(4, "written")]
    assert [r.kind for r in masha_math.remarks] == ["appeal"]
    # Masha's «б» was cleared: nothing is left of it.
    assert masha.days[0].lessons[1].attendance is None


async def test_membership_of_lessons_agrees_with_is_member(db: Database) -> None:
    w, week = await _setup(db)
    family = {"petya": "sokolova", "masha": "sokolova", "vanya": "novikov"}
    for student, guardian in family.items():
        diary = await week_diary(
            reader(db), actor=parent(w, guardian), student_id=w.students[student]
        )
        seen = {x.lesson_id for d in diary.days for x in d.lessons}
        async with UnitOfWork(db) as uow:
            for key in ("math7", "russian7", "english7", "robotics7"):
                lesson = await uow.session.get(Lesson, week.lessons[key])
                assert lesson is not None
                member = await is_member(
                    uow,
                    w.students[student],
                    class_id=lesson.class_id,
                    group_id=lesson.group_id,
                    on=lesson.date,
                )
                assert (lesson.id in seen) == member, (student, key)


async def test_staff_read_the_remarks_families_are_not_sent(db: Database) -> None:
    w, _ = await _setup(db)
    diary = await week_diary(reader(db), actor=w.actor("russian"), student_id=w.students["petya"])
    math = diary.days[0].lessons[0]
    assert [r.text for r in math.remarks] == ["Не выполнил самостоятельную работу"]


async def test_homework_for_a_day_adds_what_is_due_that_day(db: Database) -> None:
    w, _ = await _setup(db)
    petya = w.students["petya"]
    tuesday = await homework_for_day(reader(db), actor=parent(w), student_id=petya, day=TUESDAY)
    assert [(h.subject, h.text, h.lesson_date) for h in tuesday.items] == [
        ("Математика", "§12, № 1–4", dt.date(2026, 11, 20))
    ]
    wednesday = await homework_for_day(reader(db), actor=parent(w), student_id=petya, day=WEDNESDAY)
    assert [h.text for h in wednesday.items] == ["№ 5–7, с. 34"]
    thursday = await homework_for_day(reader(db), actor=parent(w), student_id=petya, day=THURSDAY)
    assert thursday.items == ()  # its lesson was deleted


async def test_homework_ahead_is_today_and_the_next_school_day(db: Database) -> None:
    w, _ = await _setup(db)
    ahead = await homework_ahead(reader(db), actor=parent(w), student_id=w.students["petya"])
    assert [d.date for d in ahead.days] == [TODAY, TUESDAY]
    today, tuesday = ahead.days
    assert [h.text for h in today.items] == [
        "№ 5–7, с. 34",
        "Карточка №4",
        "Workbook p. 12",
    ]
    assert [h.text for h in tuesday.items] == ["§12, № 1–4"]
    saturday = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
    weekend = await homework_ahead(
        reader(db, saturday), actor=parent(w), student_id=w.students["petya"]
    )
    assert [d.date for d in weekend.days] == [dt.date(2026, 11, 30)]


def test_school_days_skip_weekends_and_holidays() -> None:
    autumn = [
        Holiday(
            school_id=1,
            year_id=1,
            name="осенние каникулы",
            starts_on=dt.date(2026, 10, 26),
            ends_on=dt.date(2026, 11, 4),
        )
    ]
    friday, saturday, sunday = (dt.date(2026, 11, d) for d in (27, 28, 29))
    assert homework_days(friday, []) == [friday, dt.date(2026, 11, 30)]
    assert homework_days(saturday, []) == [dt.date(2026, 11, 30)]
    assert homework_days(sunday, []) == [dt.date(2026, 11, 30)]
    assert homework_days(dt.date(2026, 10, 23), autumn) == [
        dt.date(2026, 10, 23),
        dt.date(2026, 11, 5),
    ]
    assert homework_days(dt.date(2026, 10, 30), autumn) == [dt.date(2026, 11, 5)]
    assert next_school_day(dt.date(2026, 11, 4), autumn) == dt.date(2026, 11, 5)


async def test_marks_and_period_averages_are_weighted_by_work_type(db: Database) -> None:
    w, _ = await _setup(db)
    overview = await marks_overview(reader(db), actor=parent(w), student_id=w.students["petya"])
    assert overview.marks_given
    assert [(m.subject, m.value) for m in overview.recent] == [
        ("Английский язык", 5),
        ("Математика", 3),
        ("Математика", 5),
    ]
    assert overview.period is not None and overview.period.name == "2 четверть"
    averages = {a.subject: (round(a.average, 2), a.values) for a in overview.averages}
    # Test weighs 2.0 and an oral answer 1.0 (SchoolPolicy defaults): (5·2 + 3·1) / 3.
    # The deleted 2 and October's 2 (first quarter) do not count.
    assert averages == {"Английский язык": (5.0, (5,)), "Математика": (4.33, (5, 3))}


async def test_a_first_grader_gets_no_marks_and_says_so(db: Database) -> None:
    w, _ = await _setup(db)
    overview = await marks_overview(reader(db), actor=parent(w), student_id=w.students["dasha"])
    assert not overview.marks_given and overview.recent == () and overview.averages == ()


async def test_absences_of_the_period_by_reason(db: Database) -> None:
    w, _ = await _setup(db)
    petya = await absences_overview(reader(db), actor=parent(w), student_id=w.students["petya"])
    assert petya.period is not None and petya.since == dt.date(2026, 11, 5)
    assert dict(petya.counts) == {"late": 1, "absent": 1}
    assert [(a.subject, a.status, a.minutes_late) for a in petya.items] == [
        ("Робототехника", "absent", None),
        ("Русский язык", "late", 10),
    ]
    masha = await absences_overview(reader(db), actor=parent(w), student_id=w.students["masha"])
    assert dict(masha.counts) == {} and masha.items == ()


async def test_a_parent_cannot_read_another_familys_child(db: Database) -> None:
    w, _ = await _setup(db)
    novikov = parent(w, "novikov")
    for read in (week_diary, marks_overview, absences_overview, homework_ahead):
        with pytest.raises(Forbidden) as refused:
            await read(reader(db), actor=novikov, student_id=w.students["petya"])
        assert refused.value.message("en") == "Not allowed: this is not your child."
    # A student who does not exist gets the same answer: nothing is revealed.
    with pytest.raises(Forbidden):
        await week_diary(reader(db), actor=novikov, student_id=99999)
    # A guardian id presented with another school's id is nobody there.
    foreign = GuardianActor(guardian_id=w.guardians["sokolova"], school_id=w.other_school_id)
    with pytest.raises(Forbidden):
        await week_diary(reader(db), actor=foreign, student_id=w.students["petya"])


async def test_a_guardian_without_consent_reads_nothing(db: Database) -> None:
    w, _ = await _setup(db)
    await update_row(db, Guardian, w.guardians["sokolova"], consent_withdrawn_at=NOW)
    with pytest.raises(Forbidden) as refused:
        await week_diary(reader(db), actor=parent(w), student_id=w.students["petya"])
    assert refused.value.key_used == "consent_missing"


@pytest.mark.parametrize(
    ("who", "student", "allowed"),
    [
        ("russian", "petya", True),  # class teacher of 7Б
        ("english", "vanya", True),  # teaches a group of 7Б
        ("math", "lena", True),  # teaches 10А
        ("robotics", "lena", False),  # teaches nothing in 10А
        ("deputy", "lena", True),
        ("admin", "dasha", True),
        ("secretary", "petya", False),  # keeps the roster, does not read diaries
    ],
)
async def test_staff_read_what_permissions_allow(
    db: Database, who: str, student: str, allowed: bool
) -> None:
    w = await build_world(db)
    read = week_diary(reader(db), actor=w.actor(who), student_id=w.students[student])
    if allowed:
        assert (await read).student.student_id == w.students[student]
    else:
        with pytest.raises(Forbidden):
            await read


async def test_another_schools_staff_and_the_system_read_nothing(db: Database) -> None:
    w = await build_world(db)
    with pytest.raises(NotFound):
        await week_diary(reader(db), actor=w.actor("stranger"), student_id=w.students["petya"])
    with pytest.raises(Forbidden):
        await week_diary(reader(db), actor=SystemActor(), student_id=w.students["petya"])
    locked = StaffActor(staff_id=w.staff["math"], school_id=w.other_school_id)
    with pytest.raises(Forbidden):
        await week_diary(reader(db), actor=locked, student_id=w.students["petya"])


async def test_the_next_week_is_empty_and_the_reading_unit_writes_nothing(db: Database) -> None:
    w, _ = await _setup(db)
    diary = await week_diary(
        reader(db),
        actor=parent(w),
        student_id=w.students["petya"],
        week_start=TODAY + dt.timedelta(days=9),  # any day of next week
    )
    assert diary.week_start == TODAY + dt.timedelta(days=7)
    assert all(d.lessons == () and d.remarks == () for d in diary.days)
    unit = reader(db)
    async with unit:
        with pytest.raises(RuntimeError):
            await unit.commit()
