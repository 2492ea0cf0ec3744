"""A week of 7Б's journal written through the core services, for the reading tests.

The week of TODAY (Monday 23.11.2026). Pupils: petya (7Б, English group 1 and the
robotics elective), masha (7Б, English group 1), vanya (7Б, no groups). What each one
should read is spelled out in the tests; this module only writes the journal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.db import Database
from core.models import Lesson, Remark
from core.services.attendance import mark_attendance
from core.services.homework import delete_homework, set_homework
from core.services.lessons import record_lesson
from core.services.marks import delete_mark, post_mark
from core.services.remarks import post_remark
from tests.builders import NOW, TODAY, World, insert, uow_at, update_row

LAST_FRIDAY = dt.date(2026, 11, 20)
TUESDAY = TODAY + dt.timedelta(days=1)
WEDNESDAY = TODAY + dt.timedelta(days=2)
THURSDAY = TODAY + dt.timedelta(days=3)
FIRST_QUARTER_DAY = dt.date(2026, 10, 20)
# 01:30 in Moscow on TODAY, still Sunday 22.11 in UTC: the school's clock decides the day.
EARLY_MONDAY = dt.datetime(2026, 11, 22, 22, 30, tzinfo=dt.UTC)


@dataclass
class Week:
    lessons: dict[str, int] = field(default_factory=dict)
    marks: dict[str, int] = field(default_factory=dict)
    homework: dict[str, int] = field(default_factory=dict)


async def _lesson(
    db: Database, w: World, subject: str, teacher: str, day: dt.date, slot: int, topic: str = ""
) -> int:
    [lesson_id] = await insert(
        db,
        Lesson(
            school_id=w.school_id,
            class_id=w.classes["7Б"],
            subject_id=w.subjects[subject],
            teacher_id=w.staff[teacher],
            date=day,
            slot=slot,
            topic=topic,
            created_at=NOW,
        ),
    )
    return lesson_id


async def write_week(db: Database, w: World) -> Week:
    """The journal of 7Б for the week of TODAY, with deleted entries among the live ones."""
    week = Week(lessons=dict(w.lessons))
    week.lessons["math_fri"] = await _lesson(db, w, "Математика", "math", LAST_FRIDAY, 1)
    week.lessons["math_tue"] = await _lesson(db, w, "Математика", "math", TUESDAY, 1, "Проценты")
    week.lessons["russian_thu"] = await _lesson(db, w, "Русский язык", "russian", THURSDAY, 2)
    week.lessons["math_oct"] = await _lesson(db, w, "Математика", "math", FIRST_QUARTER_DAY, 1)
    await record_lesson(
        uow_at(db),
        actor=w.actor("math"),
        class_id=w.classes["7Б"],
        subject_id=w.subjects["Математика"],
        on=TODAY,
        slot=2,
        topic="Сложение дробей",
    )
    await _marks(db, w, week)
    await _attendance(db, w, week)
    await _homework(db, w, week)
    await _remarks(db, w, week)
    # A lesson withdrawn after its homework was set: neither is read any more.
    await update_row(db, Lesson, week.lessons["russian_thu"], deleted_at=NOW)
    return week


async def _mark(
    db: Database, w: World, who: str, lesson: int, student: str, value: int, work: str
) -> int:
    mark = await post_mark(
        uow_at(db),
        actor=w.actor(who),
        lesson_id=lesson,
        student_id=w.students[student],
        value=value,
        work_type=work,
    )
    return mark.id or 0


async def _marks(db: Database, w: World, week: Week) -> None:
    math = week.lessons["math7"]
    week.marks["petya_test"] = await _mark(db, w, "math", math, "petya", 5, "test")
    week.marks["petya_oral"] = await _mark(db, w, "math", math, "petya", 3, "oral")
    week.marks["petya_wrong"] = await _mark(db, w, "math", math, "petya", 2, "oral")
    await delete_mark(uow_at(db), actor=w.actor("math"), mark_id=week.marks["petya_wrong"])
    week.marks["masha"] = await _mark(db, w, "math", math, "masha", 4, "written")
    week.marks["vanya"] = await _mark(db, w, "math", math, "vanya", 3, "oral")
    english = week.lessons["english7"]
    week.marks["petya_english"] = await _mark(db, w, "english", english, "petya", 5, "oral")
    october = week.lessons["math_oct"]
    week.marks["petya_october"] = await _mark(db, w, "math", october, "petya", 2, "test")


async def _attendance(db: Database, w: World, week: Week) -> None:
    for who, lesson, student, status, minutes in [
        ("russian", "russian7", "petya", "оп", 10),
        ("robotics", "robotics7", "petya", "н", None),
        ("russian", "russian7", "masha", "б", None),
    ]:
        await mark_attendance(
            uow_at(db),
            actor=w.actor(who),
            lesson_id=week.lessons[lesson],
            student_id=w.students[student],
            status=status,
            minutes_late=minutes,
        )
    # Masha's «б» was a slip: cleared, so it is a deleted row now.
    await mark_attendance(
        uow_at(db),
        actor=w.actor("russian"),
        lesson_id=week.lessons["russian7"],
        student_id=w.students["masha"],
        status=None,
    )


async def _set(
    db: Database,
    w: World,
    who: str,
    lesson: int,
    text: str,
    *,
    due: dt.date | None = None,
    only: tuple[str, ...] = (),
) -> int:
    homework = await set_homework(
        uow_at(db),
        actor=w.actor(who),
        lesson_id=lesson,
        text=text,
        due_date=due,
        student_ids=[w.students[s] for s in only],
    )
    return homework.id or 0


async def _homework(db: Database, w: World, week: Week) -> None:
    lessons, hw = week.lessons, week.homework
    hw["math"] = await _set(db, w, "math", lessons["math7"], "№ 5–7, с. 34", due=WEDNESDAY)
    hw["petya_card"] = await _set(db, w, "math", lessons["math7"], "Карточка №4", only=("petya",))
    hw["vanya_card"] = await _set(db, w, "math", lessons["math7"], "Карточка №9", only=("vanya",))
    hw["russian_old"] = await _set(db, w, "russian", lessons["russian7"], "Упр. 120")
    await delete_homework(uow_at(db), actor=w.actor("russian"), homework_id=hw["russian_old"])
    hw["english"] = await _set(db, w, "english", lessons["english7"], "Workbook p. 12")
    hw["math_fri"] = await _set(db, w, "math", lessons["math_fri"], "§12, № 1–4", due=TUESDAY)
    hw["russian_thu"] = await _set(db, w, "russian", lessons["russian_thu"], "Выучить правило")


async def _remarks(db: Database, w: World, week: Week) -> None:
    petya, masha = w.students["petya"], w.students["masha"]
    await post_remark(
        uow_at(db),
        actor=w.actor("math"),
        student_id=petya,
        kind="remark",
        text="Не выполнил самостоятельную работу",
        lesson_id=week.lessons["math7"],
        send_to_parents=False,
    )
    await post_remark(
        uow_at(db),
        actor=w.actor("russian"),
        student_id=petya,
        kind="praise",
        text="Отличный ответ у доски",
        lesson_id=week.lessons["russian7"],
    )
    await post_remark(
        uow_at(db, EARLY_MONDAY),
        actor=w.actor("russian"),
        student_id=petya,
        kind="praise",
        text="Победа в школьной олимпиаде",
    )
    slip = await post_remark(
        uow_at(db),
        actor=w.actor("english"),
        student_id=petya,
        kind="remark",
        text="Забыл тетрадь",
        lesson_id=week.lessons["english7"],
    )
    await update_row(db, Remark, slip.id or 0, deleted_at=NOW)
    await post_remark(
        uow_at(db),
        actor=w.actor("math"),
        student_id=masha,
        kind="appeal",
        text="Прошу подойти на консультацию",
        lesson_id=week.lessons["math7"],
    )
