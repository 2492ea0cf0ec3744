"""A 7Б journal to archive: lessons with topics and homework, marks, absences, period
marks, and a correction made with a written reason (as closing the year asks)."""

from __future__ import annotations

import datetime as dt

from core.db import Database
from core.models import Mark, Period
from core.services.attendance import mark_attendance
from core.services.homework import set_homework
from core.services.lessons import record_lesson
from core.services.marks import post_mark
from core.services.period_marks import set_period_mark
from core.uow import snapshot
from tests.builders import TODAY, World, insert, uow_at

D = dt.date
REASON = "Ошибка при вводе, исправлено по приказу №12"


async def fill_journal(db: Database, w: World) -> None:
    """Maths in 7Б on 5 Oct, 16 Nov and 23 Nov; Russian on 16 Nov; period marks."""
    [year] = await insert(
        db,
        Period(
            school_id=w.school_id,
            year_id=w.year_id,
            name="Год",
            kind="year",
            starts_on=D(2026, 9, 1),
            ends_on=D(2027, 5, 31),
        ),
    )
    math, klass = w.subjects["Математика"], w.classes["7Б"]
    teacher = w.actor("math")
    lessons = {}
    for day, slot, topic in (
        (D(2026, 10, 5), 2, "Обыкновенные дроби"),
        (D(2026, 11, 16), 2, "Линейные уравнения"),
        (TODAY, 2, "Проценты"),
    ):
        lesson = await record_lesson(
            uow_at(db),
            actor=teacher,
            class_id=klass,
            subject_id=math,
            on=day,
            slot=slot,
            topic=topic,
        )
        lessons[day] = lesson.id or 0
    october, november = lessons[D(2026, 10, 5)], lessons[D(2026, 11, 16)]
    await set_homework(uow_at(db), actor=teacher, lesson_id=october, text="№ 112, 114")
    await post_mark(
        uow_at(db), actor=teacher, lesson_id=october, student_id=w.students["petya"], value=5
    )
    await mark_attendance(
        uow_at(db),
        actor=teacher,
        lesson_id=october,
        student_id=w.students["vanya"],
        status="absent",
    )
    wrong = await post_mark(
        uow_at(db), actor=teacher, lesson_id=november, student_id=w.students["masha"], value=2
    )
    await mark_attendance(
        uow_at(db),
        actor=teacher,
        lesson_id=november,
        student_id=w.students["petya"],
        status="late",
        minutes_late=5,
    )
    await post_mark(
        uow_at(db), actor=teacher, lesson_id=november, student_id=w.students["petya"], value=3
    )
    russian = await record_lesson(
        uow_at(db),
        actor=w.actor("russian"),
        class_id=klass,
        subject_id=w.subjects["Русский язык"],
        on=D(2026, 11, 16),
        slot=3,
        topic="Причастный оборот",
    )
    await mark_attendance(
        uow_at(db),
        actor=w.actor("russian"),
        lesson_id=russian.id or 0,
        student_id=w.students["masha"],
        status="ill",
    )
    q1 = w.periods["1 четверть"]
    for period, student, value in ((q1, "petya", "5"), (q1, "masha", "4"), (year, "petya", "5")):
        await set_period_mark(
            uow_at(db),
            actor=teacher,
            period_id=period,
            student_id=w.students[student],
            subject_id=math,
            value=value,
        )
    await correct_mark(db, w, wrong.id or 0, 4)


async def correct_mark(db: Database, w: World, mark_id: int, value: int) -> None:
    """The administrator corrects a mark with a written reason, as a closed year's
    correction is recorded (the audit entry carries the reason)."""
    uow = uow_at(db)
    async with uow:
        mark = await uow.session.get(Mark, mark_id)
        assert mark is not None
        old = snapshot(mark)
        mark.value, mark.version = value, mark.version + 1
        await uow.save(mark, action="update", actor_id=w.staff["admin"], old=old, reason=REASON)
        await uow.commit()
