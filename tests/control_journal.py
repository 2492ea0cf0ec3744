"""A week of the builders' school as the control of the journal sees it, for the dashboard's
tests (web and browser): entries made through the core services at chosen times.

Monday 23.11.2026 (the builders' TODAY), read on Friday 27.11 at 12:00 Moscow time:

| lesson | fills it | topic | roll call | homework (due 16:15; 1А: 10:45) | marks |
|---|---|---|---|---|---|
| math7 (7Б, a test) | math | on time | on time (Ваня away) | late (20:00) | Петя on time, Маша late (27.11; due by 26.11) |
| russian7 (7Б, a dictation) | substitute, for russian | missing | missing | missing | 3 missing |
| english7 (7Б англ. 1) | english | late (24.11) | on time | missing | — (oral) |
| robotics7 (elective) | robotics | missing | missing | missing | — (attendance only) |
| math1 (1А) | math | on time | on time | on time | — (grade 1) |

The timetable has each of these lessons on Mondays and 7Б's mathematics on Wednesdays
too: Wednesday 25.11 was not held. 7Б's class teacher (russian) wrote no monthly
message in November (owed from the 20th). 7Б got one announcement on 24.11: the
workers' rows show it delivered to both of its families, and Соколова pressed
«Ознакомлен».

Homework volume: math7's homework is estimated at 100 minutes, and on 24.11 Петя got
a card of 60 more (individual homework): both are for Wednesday 25.11 (7Б's next
mathematics in the timetable), so Петя has 160 minutes that day against grade 7's
150 — 7Б's one day over the limit, one pupil over it, Иванова's homework.

The test schedule (planned in September): 7Б's Russian dictation on 23.11 (held: on
schedule) and a mathematics test on Wednesday 25.11 (not held: no lesson that day).
math7's test on 23.11 is not in it: held off the schedule.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import select

from core.actors import GuardianActor
from core.db import Database
from core.models import (
    Delivery,
    Notification,
    NotificationEvent,
    OutboxEvent,
    School,
    TimetableEntry,
)
from core.services.acknowledgements import acknowledge
from core.services.announcements import post_announcement
from core.services.attendance import mark_attendance
from core.services.homework import set_homework
from core.services.lesson_settings import set_lesson_topic, set_lesson_work_type
from core.services.lessons import assign_substitute
from core.services.marks import post_mark
from core.services.roll_call import record_roll_call
from core.services.test_schedule import schedule_test
from tests.builders import BELLS, TODAY, World, insert, uow_at, update_row

MSK = ZoneInfo("Europe/Moscow")
# When the deputy reads the control: Friday of the week, noon.
READ_AT = dt.datetime(2026, 11, 27, 12, 0, tzinfo=MSK)
WEEK = "2026-11-23"
WEDNESDAY = dt.date(2026, 11, 25)
# The bells with ends: 7Б's last lesson on Monday (robotics, slot 7) ends at 14:45, so
# its homework is due at 16:15; 1А's only lesson (slot 1) ends at 9:15: due 10:45.
BELLS_WITH_ENDS = [
    {
        **bell,
        "end": (
            dt.datetime.combine(TODAY, dt.time.fromisoformat(str(bell["start"])))
            + dt.timedelta(minutes=45)
        ).strftime("%H:%M"),
    }
    for bell in BELLS
]


def msk(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=MSK)


async def timetable(db: Database, w: World) -> None:
    """Each of the builders' lessons on Mondays, 7Б's mathematics on Wednesdays too."""
    rows = [
        ("7Б", None, "Математика", "math", 0, 2),
        ("7Б", None, "Математика", "math", 2, 2),
        ("7Б", None, "Русский язык", "russian", 0, 3),
        ("7Б", "7Б англ. 1", "Английский язык", "english", 0, 4),
        ("7Б", "7Б робототехника", "Робототехника", "robotics", 0, 7),
        ("1А", None, "Математика", "math", 0, 1),
    ]
    await insert(
        db,
        *[
            TimetableEntry(
                school_id=w.school_id,
                class_id=w.classes[klass],
                group_id=w.groups[group] if group else None,
                subject_id=w.subjects[subject],
                teacher_id=w.staff[teacher],
                weekday=weekday,
                slot=slot,
            )
            for klass, group, subject, teacher, weekday, slot in rows
        ],
    )


async def fill_the_week(db: Database, w: World) -> None:
    """The week described in the module's docstring."""
    await update_row(db, School, w.school_id, bells=BELLS_WITH_ENDS)
    await timetable(db, w)
    await _math(db, w)
    await _russian_and_english(db, w)
    await _grade_one(db, w)
    await _announcement(db, w)
    await _test_schedule(db, w)


async def _math(db: Database, w: World) -> None:
    math, lesson, pupils = w.actor("math"), w.lessons["math7"], w.students
    await set_lesson_topic(uow_at(db, msk(23, 10)), actor=math, lesson_id=lesson, topic="Уравнения")
    await set_lesson_work_type(
        uow_at(db, msk(23, 10, 1)), actor=math, lesson_id=lesson, work_type="test"
    )
    await mark_attendance(
        uow_at(db, msk(23, 10, 2)),
        actor=math,
        lesson_id=lesson,
        student_id=pupils["vanya"],
        status="absent",
    )
    await set_homework(
        uow_at(db, msk(23, 20)), actor=math, lesson_id=lesson, text="№ 12–15", minutes=100
    )
    await set_homework(
        uow_at(db, msk(24, 10)),
        actor=math,
        lesson_id=lesson,
        text="Карточка: задачи 1–6",
        student_ids=[pupils["petya"]],
        minutes=60,
    )
    for pupil, at in (("petya", msk(24, 9)), ("masha", msk(27, 9))):
        await post_mark(
            uow_at(db, at),
            actor=math,
            lesson_id=lesson,
            student_id=pupils[pupil],
            value=4,
            work_type="test",
        )


async def _russian_and_english(db: Database, w: World) -> None:
    await set_lesson_work_type(
        uow_at(db, msk(23, 11)),
        actor=w.actor("russian"),
        lesson_id=w.lessons["russian7"],
        work_type="dictation",
    )
    await assign_substitute(
        uow_at(db, msk(23, 8)),
        actor=w.actor("deputy"),
        lesson_id=w.lessons["russian7"],
        substitute_id=w.staff["substitute"],
    )
    english, lesson = w.actor("english"), w.lessons["english7"]
    await record_roll_call(uow_at(db, msk(23, 12)), actor=english, lesson_id=lesson)
    await set_lesson_topic(
        uow_at(db, msk(24, 9)), actor=english, lesson_id=lesson, topic="Present Perfect"
    )


async def _grade_one(db: Database, w: World) -> None:
    math, lesson = w.actor("math"), w.lessons["math1"]
    await set_lesson_topic(uow_at(db, msk(23, 9, 10)), actor=math, lesson_id=lesson, topic="Счёт")
    await record_roll_call(uow_at(db, msk(23, 9, 11)), actor=math, lesson_id=lesson)
    await set_homework(uow_at(db, msk(23, 9, 20)), actor=math, lesson_id=lesson, text="Прописи")


async def _test_schedule(db: Database, w: World) -> None:
    """Planned in September: the dictation held on 23.11, the test of 25.11 not held."""
    september = msk(10, 10, month=9)
    for who, subject, day, kind in (
        ("russian", "Русский язык", TODAY, "dictation"),
        ("math", "Математика", WEDNESDAY, "test"),
    ):
        await schedule_test(
            uow_at(db, september),
            actor=w.actor(who),
            class_id=w.classes["7Б"],
            subject_id=w.subjects[subject],
            on=day,
            work_type=kind,
        )


async def _announcement(db: Database, w: World) -> None:
    """7Б's announcement of 24.11, delivered to both families (the workers' rows, written
    here as they would leave them), and Соколова's «Ознакомлен»."""
    posted = await post_announcement(
        uow_at(db, msk(24, 15)),
        actor=w.actor("russian"),
        class_id=w.classes["7Б"],
        title="Экскурсия",
        body="В пятницу экскурсия в музей.",
    )
    async with db.session() as s:
        query = select(OutboxEvent).where(OutboxEvent.entity == f"announcement:{posted.id}")
        event = (await s.exec(query)).first()
    assert event is not None
    sent = msk(24, 15, 5)
    for guardian in ("sokolova", "novikov"):
        [note] = await insert(
            db,
            Notification(
                school_id=w.school_id,
                guardian_id=w.guardians[guardian],
                topic="announcements",
                mode="instant",
                status="sent",
                due_at=sent,
                created_at=sent,
                closed_at=sent,
            ),
        )
        await insert(
            db,
            NotificationEvent(
                notification_id=note, guardian_id=w.guardians[guardian], event_id=event.id
            ),
            Delivery(
                school_id=w.school_id,
                notification_id=note,
                guardian_id=w.guardians[guardian],
                channel="email",
                address=f"{guardian}@example.ru",
                status="sent",
                attempts=1,
                created_at=sent,
                sent_at=sent,
            ),
        )
    await acknowledge(
        uow_at(db, msk(24, 18)),
        actor=GuardianActor(guardian_id=w.guardians["sokolova"], school_id=w.school_id),
        subject=f"announcement:{posted.id}",
    )
