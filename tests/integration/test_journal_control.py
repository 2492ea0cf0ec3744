"""The control of the journal (core/reading/control.py) against a constructed journal.

The builders' school, with entries made through the core services at chosen times:
on time, late and missing, a substitution, a pupil absent from a test, grade 1 and an
elective, the timetable, the period marks and the class teacher's monthly message.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.control.rules import Kind, State
from core.db import Database
from core.errors import Forbidden
from core.models import Holiday, Lesson, Period, School, Subject, TimetableEntry
from core.reading.access import ReadingUnit
from core.reading.control import JournalControl, LessonCheck, journal_control
from core.services.announcements import post_announcement
from core.services.attendance import mark_attendance
from core.services.homework import set_homework
from core.services.lesson_settings import set_lesson_topic, set_lesson_work_type
from core.services.lessons import assign_substitute
from core.services.marks import post_mark
from core.services.period_marks import set_period_mark
from core.services.roll_call import record_roll_call
from tests.builders import BELLS, TODAY, World, build_world, insert, uow_at, update_row

MSK = ZoneInfo("Europe/Moscow")
# The bells with their ends: 7Б's last lesson on TODAY (robotics, slot 7) ends at 14:45,
# so its homework is due at 16:15 (90 minutes after, the default).
BELLS_WITH_ENDS = [
    {
        **bell,
        "end": (
            dt.datetime.combine(TODAY, dt.time.fromisoformat(bell["start"]))
            + dt.timedelta(minutes=45)
        ).strftime("%H:%M"),
    }
    for bell in BELLS
]


def msk(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=MSK)


async def read(
    db: Database,
    w: World,
    who: str,
    when: dt.datetime,
    *,
    start: dt.date = TODAY,
    end: dt.date = TODAY,
    teacher: str | None = None,
) -> JournalControl:
    return await journal_control(
        ReadingUnit(db, clock=lambda: when),
        actor=w.actor(who),
        start=start,
        end=end,
        teacher_id=w.staff[teacher] if teacher else None,
    )


def lesson(control: JournalControl, w: World, key: str) -> LessonCheck:
    return next(c for c in control.lessons if c.lesson_id == w.lessons[key])


async def math_twice_a_week(db: Database, w: World) -> None:
    """7Б's mathematics in the timetable on Mondays and Wednesdays (bell 2)."""
    await insert(
        db,
        *[
            TimetableEntry(
                school_id=w.school_id,
                class_id=w.classes["7Б"],
                subject_id=w.subjects["Математика"],
                teacher_id=w.staff["math"],
                weekday=day,
                slot=2,
            )
            for day in (0, 2)
        ],
    )


async def fill_the_day(db: Database, w: World) -> None:
    """Math in 7Б on time, homework late, a test with one late mark and one pupil away;
    Russian left empty and handed to the substitute; English's topic a day late."""
    await update_row(db, School, w.school_id, bells=BELLS_WITH_ENDS)
    math, lessons, pupils = w.actor("math"), w.lessons, w.students
    await set_lesson_topic(
        uow_at(db, msk(23, 10)), actor=math, lesson_id=lessons["math7"], topic="Линейные уравнения"
    )
    await set_lesson_work_type(
        uow_at(db, msk(23, 10, 1)), actor=math, lesson_id=lessons["math7"], work_type="test"
    )
    await mark_attendance(
        uow_at(db, msk(23, 10, 2)),
        actor=math,
        lesson_id=lessons["math7"],
        student_id=pupils["vanya"],
        status="absent",
    )
    await set_homework(
        uow_at(db, msk(23, 20)), actor=math, lesson_id=lessons["math7"], text="№ 12–15"
    )
    await post_mark(
        uow_at(db, msk(24, 9)),
        actor=math,
        lesson_id=lessons["math7"],
        student_id=pupils["petya"],
        value=5,
        work_type="test",
    )
    await post_mark(
        uow_at(db, msk(27, 9)),
        actor=math,
        lesson_id=lessons["math7"],
        student_id=pupils["masha"],
        value=4,
        work_type="test",
    )
    await set_lesson_work_type(
        uow_at(db, msk(23, 11)),
        actor=w.actor("russian"),
        lesson_id=lessons["russian7"],
        work_type="dictation",
    )
    await assign_substitute(
        uow_at(db, msk(23, 8)),
        actor=w.actor("deputy"),
        lesson_id=lessons["russian7"],
        substitute_id=w.staff["substitute"],
    )
    await set_lesson_topic(
        uow_at(db, msk(24, 9)),
        actor=w.actor("english"),
        lesson_id=lessons["english7"],
        topic="Present Perfect",
    )
    await record_roll_call(
        uow_at(db, msk(23, 12)), actor=w.actor("english"), lesson_id=lessons["english7"]
    )


async def test_each_lesson_s_topic_roll_call_homework_and_marks_on_time_late_or_missing(
    db: Database,
) -> None:
    w = await build_world(db)
    await fill_the_day(db, w)

    control = await read(db, w, "deputy", msk(27, 12))

    math = lesson(control, w, "math7")
    assert {k: math.state(k, control.now) for k in Kind if k in math.dues} == {
        Kind.topic: State.on_time,
        Kind.attendance: State.on_time,  # the first absence recorded is the roll call
        Kind.homework: State.late,
    }
    assert math.dues[Kind.homework].due_at == msk(23, 16, 15)
    assert math.dues[Kind.homework].done_at == msk(23, 20)
    # The test: Ваня was away; Петя's mark came on time, Маша's after the 26th.
    assert math.marks is not None
    assert (math.marks.expected, math.marks.on_time, math.marks.late, math.marks.missing) == (
        2,
        1,
        1,
        0,
    )
    assert math.late_marks == 1 and math.state(Kind.marks, control.now) == State.late

    russian = lesson(control, w, "russian7")
    assert [
        russian.state(k, control.now) for k in (Kind.topic, Kind.attendance, Kind.homework)
    ] == [State.missing] * 3
    # The dictation: nobody marked, nobody away: three marks missing; the substitute's.
    assert russian.marks is not None and russian.marks.missing == 3
    assert (russian.teacher_id, russian.owner_id) == (w.staff["substitute"], w.staff["russian"])
    assert [c.lesson_id for c in control.substitutions] == [w.lessons["russian7"]]

    english = lesson(control, w, "english7")
    assert english.state(Kind.topic, control.now) == State.late
    assert english.state(Kind.attendance, control.now) == State.on_time

    # Grade 1 and the elective kept for attendance owe no marks, whatever their work.
    assert lesson(control, w, "math1").marks is None
    assert lesson(control, w, "robotics7").marks is None


async def test_before_its_deadline_nothing_is_late_only_upcoming(db: Database) -> None:
    w = await build_world(db)
    await update_row(db, School, w.school_id, bells=BELLS_WITH_ENDS)

    control = await read(db, w, "deputy", msk(23, 16))  # 16:00, homework due at 16:15

    russian = lesson(control, w, "russian7")
    assert russian.state(Kind.homework, control.now) == State.upcoming
    assert russian.state(Kind.topic, control.now) == State.upcoming
    later = await read(db, w, "deputy", msk(23, 16, 16))
    assert lesson(later, w, "russian7").state(Kind.homework, later.now) == State.missing
    assert lesson(later, w, "russian7").state(Kind.topic, later.now) == State.upcoming


async def test_a_school_with_homework_by_a_fixed_time(db: Database) -> None:
    w = await build_world(db)
    await update_row(
        db,
        School,
        w.school_id,
        bells=BELLS_WITH_ENDS,
        policy={"homework_deadline": "fixed_time", "homework_fixed_time": "17:00"},
    )
    await fill_the_day(db, w)
    await set_homework(
        uow_at(db, msk(23, 16, 45)),
        actor=w.actor("english"),
        lesson_id=w.lessons["english7"],
        text="p. 40",
    )

    control = await read(db, w, "deputy", msk(27, 12))

    assert lesson(control, w, "english7").state(Kind.homework, control.now) == State.on_time
    assert lesson(control, w, "math7").dues[Kind.homework].due_at == msk(23, 17)


async def test_a_teacher_reads_only_their_own_part(db: Database) -> None:
    w = await build_world(db)
    await fill_the_day(db, w)

    math = await read(db, w, "math", msk(27, 12))
    assert {c.lesson_id for c in math.lessons} == {w.lessons["math7"], w.lessons["math1"]}
    assert not math.whole_school
    # The substitute fills the Russian lesson; its own teacher is not asked to.
    substitute = await read(db, w, "substitute", msk(27, 12))
    assert [c.lesson_id for c in substitute.lessons] == [w.lessons["russian7"]]
    russian = await read(db, w, "russian", msk(27, 12))
    assert w.lessons["russian7"] not in {c.lesson_id for c in russian.lessons}
    # The deputy may look at one teacher's part; a teacher not at another's.
    one = await read(db, w, "deputy", msk(27, 12), teacher="math")
    assert {c.lesson_id for c in one.lessons} == {w.lessons["math7"], w.lessons["math1"]}
    with pytest.raises(Forbidden):
        await read(db, w, "english", msk(27, 12), teacher="math")
    with pytest.raises(Forbidden):
        await read(db, w, "secretary", msk(27, 12))
    # Another school's deputy reads their own school: none of ours.
    stranger = await read(db, w, "stranger", msk(27, 12))
    assert stranger.lessons == () and stranger.names.students == {}


async def test_period_marks_are_due_before_the_holidays_and_missing_pupils_named(
    db: Database,
) -> None:
    w = await build_world(db)
    await insert(
        db,
        Holiday(
            school_id=w.school_id,
            year_id=w.year_id,
            name="зимние каникулы",
            starts_on=dt.date(2026, 12, 29),
            ends_on=dt.date(2027, 1, 11),
        ),
    )
    math, period = w.actor("math"), w.periods["2 четверть"]
    subject = w.subjects["Математика"]
    for pupil, day in (("petya", 18), ("masha", 20)):
        await set_period_mark(
            uow_at(db, msk(day, 12, month=12)),
            actor=math,
            period_id=period,
            student_id=w.students[pupil],
            subject_id=subject,
            value="5",
            kind="preliminary",
        )

    control = await read(
        db,
        w,
        "deputy",
        msk(21, 12, month=12),
        start=dt.date(2026, 12, 21),
        end=dt.date(2026, 12, 21),
    )

    checks = {
        (c.kind, control.names.place(c.place), control.names.subjects[c.place.subject_id]): c
        for c in control.period_marks
    }
    preliminary = checks[(Kind.preliminary, "7Б", "Математика")]
    assert preliminary.due_at == dt.datetime(2026, 12, 20, tzinfo=MSK)
    assert (preliminary.expected, preliminary.late) == (3, 1)
    assert [control.names.students[p] for p in preliminary.missing] == ["Новиков Иван"]
    assert preliminary.state(control.now) == State.missing
    final = checks[(Kind.final, "7Б", "Математика")]
    assert final.state(control.now) == State.upcoming and len(final.missing) == 3
    # Grade 1 and the elective kept for attendance owe none.
    assert ("1А", "Математика") not in {(k[1], k[2]) for k in checks}
    assert not any(k[1].startswith("7Б (7Б робототехника") for k in checks)


async def test_pupils_below_the_schools_minimum_of_marks_are_listed(db: Database) -> None:
    w = await build_world(db)
    await math_twice_a_week(db, w)
    await fill_the_day(db, w)

    def math_7b(control: JournalControl) -> list[tuple[str, int, int, int]]:
        return [
            (control.names.students[f.student_id], f.marks, f.minimum, f.period_minimum)
            for f in control.fill
            if control.names.place(f.place) == "7Б"
            and control.names.subjects[f.place.subject_id] == "Математика"
        ]

    # Two lessons a week: the light minimum, 3 marks a quarter. On 27 November, 23 of
    # the quarter's 54 days are gone: one mark is due so far; Ваня has none yet.
    assert math_7b(await read(db, w, "deputy", msk(27, 12))) == [("Новиков Иван", 0, 1, 3)]
    # A stricter school (5 a quarter): two are due by now, and nobody has two.
    await update_row(db, School, w.school_id, policy={"fill_min_marks_light": 5})
    stricter = math_7b(await read(db, w, "deputy", msk(27, 12)))
    assert sorted((name, due) for name, _, due, _ in stricter) == [
        ("Новиков Иван", 2),
        ("Соколов Пётр", 2),
        ("Соколова Мария", 2),
    ]
    # Once the quarter is over, the whole minimum.
    after = await read(
        db,
        w,
        "deputy",
        msk(29, 12, month=12),
        start=dt.date(2026, 12, 28),
        end=dt.date(2026, 12, 28),
    )
    assert {(due, whole) for _, _, due, whole in math_7b(after)} == {(5, 5)}


async def test_lessons_held_against_the_timetable_outside_the_holidays(db: Database) -> None:
    w = await build_world(db)
    await math_twice_a_week(db, w)
    await fill_the_day(db, w)

    week = await read(db, w, "deputy", msk(27, 12), start=TODAY, end=dt.date(2026, 11, 27))
    math = next(
        c
        for c in week.curriculum
        if c.teacher_id == w.staff["math"] and c.place.class_id == w.classes["7Б"]
    )
    assert (math.timetabled, math.held, math.not_held) == (2, 1, (dt.date(2026, 11, 25),))
    russian = next(c for c in week.curriculum if c.teacher_id == w.staff["russian"])
    assert (russian.timetabled, russian.held, russian.substituted) == (0, 1, 1)

    # Monday 2 and Wednesday 4 November are the autumn holidays: only the 9th counts.
    autumn = await read(
        db, w, "deputy", msk(27, 12), start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 9)
    )
    math = next(c for c in autumn.curriculum if c.teacher_id == w.staff["math"])
    assert (math.timetabled, math.held, math.not_held) == (1, 0, (dt.date(2026, 11, 9),))


async def test_the_class_teacher_s_monthly_message_is_owed_from_the_reminder_day(
    db: Database,
) -> None:
    w = await build_world(db)
    november = dict(start=dt.date(2026, 11, 1), end=TODAY)

    before = await read(db, w, "deputy", msk(19, 12), **november)
    assert [(m.class_id, m.missing) for m in before.monthly] == [(w.classes["7Б"], ())]
    owed = await read(db, w, "deputy", msk(20, 12), **november)
    assert [m.missing for m in owed.monthly] == [((2026, 11),)]

    await post_announcement(
        uow_at(db, msk(20, 13)),
        actor=w.actor("russian"),
        class_id=w.classes["7Б"],
        title="Итоги ноября",
        body="…",
        monthly=True,
    )
    sent = await read(db, w, "russian", msk(20, 14), **november)
    assert [(m.sent, m.missing) for m in sent.monthly] == [({(2026, 11): 1}, ())]
    # A teacher who leads no class owes none.
    assert (await read(db, w, "math", msk(20, 14), **november)).monthly == ()


async def test_the_fill_rate_of_chosen_periods_only(db: Database) -> None:
    """The dashboard shows a quarter's fill rate, not the year's that also meets it."""
    w = await build_world(db)
    [year] = await insert(
        db,
        Period(
            school_id=w.school_id,
            year_id=w.year_id,
            name="Год",
            kind="year",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2027, 5, 31),
        ),
    )
    quarter = w.periods["2 четверть"]
    # A minimum high enough that some marks are due in both, a third of the way through.
    await update_row(
        db, School, w.school_id, policy={"fill_min_marks_light": 10, "fill_min_marks_heavy": 10}
    )
    every = await read(db, w, "deputy", msk(27, 12))
    assert {f.period_id for f in every.fill} == {quarter, year}
    chosen = await journal_control(
        ReadingUnit(db, clock=lambda: msk(27, 12)),
        actor=w.actor("deputy"),
        start=TODAY,
        end=TODAY,
        fill_periods={quarter},
    )
    assert chosen.fill == tuple(f for f in every.fill if f.period_id == quarter)
    assert chosen.lessons == every.lessons and chosen.period_marks == every.period_marks


async def test_no_homework_is_owed_in_grade_one_or_where_the_subject_has_none(
    db: Database,
) -> None:
    w = await build_world(db)
    control = await read(db, w, "deputy", msk(27, 12))
    # Grade 1 is taught without homework by default (policy homework_from_grade, 2).
    assert lesson(control, w, "math1").state(Kind.homework, control.now) == State.not_owed
    assert lesson(control, w, "math7").state(Kind.homework, control.now) == State.missing
    assert lesson(control, w, "robotics7").state(Kind.homework, control.now) == State.missing

    # Robotics without homework and without marks; a school that gives homework in grade 1.
    await update_row(db, Subject, w.subjects["Робототехника"], homework=False, graded=False)
    await update_row(db, School, w.school_id, policy={"homework_from_grade": 1})
    await update_row(db, Lesson, w.lessons["math7"], work_type="test")
    changed = await read(db, w, "deputy", msk(27, 12))
    assert lesson(changed, w, "robotics7").state(Kind.homework, changed.now) == State.not_owed
    assert lesson(changed, w, "math1").state(Kind.homework, changed.now) == State.missing
    # Marks: Mathematics in 7Б owes them for its test; not once the subject is ungraded.
    assert lesson(changed, w, "math7").marks is not None
    await update_row(db, Subject, w.subjects["Математика"], graded=False)
    ungraded = await read(db, w, "deputy", msk(27, 12))
    assert lesson(ungraded, w, "math7").marks is None
    assert not [c for c in ungraded.period_marks if c.place.subject_id == w.subjects["Математика"]]
