"""What a subject owes the journal (`Subject.homework`, `Subject.graded`), through core,
on SQLite and PostgreSQL: a subject taught without marks refuses them everywhere a mark
can be written (a lesson, the grid, the period), and its pages say there are none; a
subject that owes no homework still takes the homework a teacher gives."""

from __future__ import annotations

import pytest

from core.db import Database
from core.errors import RuleViolation
from core.models import Mark, PeriodMark
from core.reading.grid import journal_grid
from core.reading.lesson_page import lesson_page
from core.services.homework import set_homework
from core.services.journal_grid import save_cell
from core.services.marks import change_mark, delete_mark, post_mark
from core.services.period_marks import set_period_mark
from core.services.school_structure import rename_subject
from tests.builders import World, build_world, uow_at
from tests.integration.outbox_helpers import unchanged

REFUSAL = (
    "Предмет «Русский язык» изучается без отметок: отметки по нему не выставляются "
    "(это задаёт администратор в списке предметов школы)."
)


async def _set_flags(db: Database, w: World, subject: str, **flags: bool) -> None:
    await rename_subject(
        uow_at(db), actor=w.actor("admin"), subject_id=w.subjects[subject], name=subject, **flags
    )


async def test_a_subject_without_marks_refuses_a_mark_and_writes_nothing(db: Database) -> None:
    w = await build_world(db)
    await _set_flags(db, w, "Русский язык", graded=False)
    teacher, lesson, petya = w.actor("russian"), w.lessons["russian7"], w.students["petya"]
    async with unchanged(db, Mark, PeriodMark):
        with pytest.raises(RuleViolation) as posted:
            await post_mark(uow_at(db), actor=teacher, lesson_id=lesson, student_id=petya, value=5)
        with pytest.raises(RuleViolation) as typed:
            await save_cell(uow_at(db), actor=teacher, lesson_id=lesson, student_id=petya, text="5")
        with pytest.raises(RuleViolation) as for_period:
            await set_period_mark(
                uow_at(db),
                actor=teacher,
                period_id=w.periods["2 четверть"],
                student_id=petya,
                subject_id=w.subjects["Русский язык"],
                value="5",
            )
    for error in (posted, typed, for_period):
        assert error.value.code == "subject_not_graded"
        assert str(error.value) == REFUSAL
    # The other subjects of the class are marked as before.
    mark = await post_mark(
        uow_at(db), actor=w.actor("math"), lesson_id=w.lessons["math7"], student_id=petya, value=4
    )
    assert mark.value == 4


async def test_its_attendance_is_kept_and_its_pages_show_no_marks(db: Database) -> None:
    w = await build_world(db)
    await _set_flags(db, w, "Русский язык", graded=False)
    teacher, lesson, vanya = w.actor("russian"), w.lessons["russian7"], w.students["vanya"]
    saved = await save_cell(uow_at(db), actor=teacher, lesson_id=lesson, student_id=vanya, text="н")
    assert (saved.cell.attendance, saved.cell.marks) == ("absent", ())
    grid = await journal_grid(
        uow_at(db),
        actor=teacher,
        class_id=w.classes["7Б"],
        subject_id=w.subjects["Русский язык"],
    )
    page = await lesson_page(uow_at(db), actor=teacher, lesson_id=lesson)
    assert (grid.writable, grid.marks_allowed, page.marks_allowed) == (True, False, False)
    maths = await lesson_page(uow_at(db), actor=w.actor("math"), lesson_id=w.lessons["math7"])
    assert maths.marks_allowed


async def test_marks_given_before_stay_and_can_be_withdrawn_not_corrected(db: Database) -> None:
    w = await build_world(db)
    teacher, lesson, masha = w.actor("russian"), w.lessons["russian7"], w.students["masha"]
    mark = await post_mark(uow_at(db), actor=teacher, lesson_id=lesson, student_id=masha, value=3)
    await _set_flags(db, w, "Русский язык", graded=False)
    with pytest.raises(RuleViolation, match="изучается без отметок"):
        await change_mark(uow_at(db), actor=teacher, mark_id=mark.id or 0, value=4)
    withdrawn = await delete_mark(uow_at(db), actor=teacher, mark_id=mark.id or 0)
    assert withdrawn.deleted_at is not None and withdrawn.value == 3
    # Graded again, the journal takes marks again.
    await _set_flags(db, w, "Русский язык", graded=True)
    again = await post_mark(uow_at(db), actor=teacher, lesson_id=lesson, student_id=masha, value=4)
    assert again.value == 4


async def test_a_subject_owing_no_homework_still_takes_what_a_teacher_gives(db: Database) -> None:
    w = await build_world(db)
    await _set_flags(db, w, "Математика", homework=False)
    given = await set_homework(
        uow_at(db), actor=w.actor("math"), lesson_id=w.lessons["math7"], text="№ 214, 215"
    )
    assert (given.text, given.lesson_id) == ("№ 214, 215", w.lessons["math7"])
    # Owing no homework says nothing about marks.
    mark = await post_mark(
        uow_at(db),
        actor=w.actor("math"),
        lesson_id=w.lessons["math7"],
        student_id=w.students["petya"],
        value=5,
    )
    assert mark.value == 5
