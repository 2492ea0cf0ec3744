"""Names that print as something else, and errors that would name a pupil to a stranger.

Names typed for pupils, guardians, staff, subjects, the calendar and the school refuse
control and invisible characters (Unicode Cc and Cf), saying which. A refusal that
would name a pupil the asker may not read says "not found" instead. SQLite only: these
are rules of core's own code, the database answers the same either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import pytest

from core.db import Database
from core.errors import NotFound, RuleViolation
from core.models import Student, utcnow
from core.reports.class_weekly import class_weekly_pdf
from core.services.guardians import add_guardian
from core.services.marks import post_mark
from core.services.period_marks import set_period_mark
from core.services.remarks import post_remark
from core.services.roster import enrol_student
from core.services.school_calendar import add_holiday
from core.services.school_setup import update_school
from core.services.school_structure import create_subject
from core.services.staff import create_staff
from tests.builders import TODAY, World, build_world, insert, uow_at

# NUL, the right-to-left override that turns «Иванов‮воН» around, a zero-width space,
# a bell, and a soft hyphen (Cf) that prints as nothing inside a word.
INVISIBLE = ["\x00", "\u202e", "\u200b", "\x07", "\u00ad"]

Typing = Callable[[Database, World, str], Awaitable[object]]


async def _pupil(db: Database, w: World, name: str) -> object:
    return await enrol_student(
        uow_at(db), actor=w.actor("secretary"), class_id=w.classes["7Б"],
        last_name=name, first_name="Иван", on=TODAY,
    )  # fmt: skip


async def _guardian(db: Database, w: World, name: str) -> object:
    return await add_guardian(
        uow_at(db), actor=w.actor("secretary"), student_id=w.students["vanya"],
        last_name="Новикова", first_name=name, phone="+79160000009",
    )  # fmt: skip


async def _staff(db: Database, w: World, name: str) -> object:
    return await create_staff(
        uow_at(db), actor=w.actor("admin"), login="new.teacher",
        last_name="Учителева", first_name="Анна", middle_name=name, roles=["teacher"],
    )  # fmt: skip


async def _subject(db: Database, w: World, name: str) -> object:
    return await create_subject(uow_at(db), actor=w.actor("admin"), name=name)


async def _holiday(db: Database, w: World, name: str) -> object:
    return await add_holiday(
        uow_at(db), actor=w.actor("admin"), year_id=w.year_id, name=name,
        starts_on=dt.date(2026, 12, 30), ends_on=dt.date(2027, 1, 8),
    )  # fmt: skip


async def _school(db: Database, w: World, name: str) -> object:
    return await update_school(
        uow_at(db), actor=w.actor("admin"), name=name, timezone="Europe/Moscow"
    )


TYPED: dict[str, tuple[str, Typing]] = {
    "pupil's last name": ("last_name", _pupil),
    "guardian's first name": ("first_name", _guardian),
    "teacher's middle name": ("middle_name", _staff),
    "subject": ("name", _subject),
    "holidays": ("name", _holiday),
    "school": ("school_name", _school),
}


@pytest.mark.parametrize("where", TYPED)
async def test_names_refuse_control_and_invisible_characters(
    sqlite_db: Database, where: str
) -> None:
    w = await build_world(sqlite_db)
    field, typing = TYPED[where]
    for char in INVISIBLE:
        with pytest.raises(RuleViolation) as refused:
            await typing(sqlite_db, w, f"Нов{char}иков")
        assert refused.value.code == "invisible_character"
        assert refused.value.params == {"field": field, "char": f"U+{ord(char):04X}"}
    assert refused.value.message("en").endswith(
        "holds an invisible or control character (U+00AD): type it again without it. "
        "Nothing was saved."
    )
    await typing(sqlite_db, w, "Новиков-Щедрин")  # a hyphen is a printing character


async def test_an_invisible_character_in_the_message_names_the_field(sqlite_db: Database) -> None:
    w = await build_world(sqlite_db)
    with pytest.raises(RuleViolation) as refused:
        await _pupil(sqlite_db, w, "Иванов\u202e")
    assert refused.value.message("ru") == (
        "Фамилия: невидимый или управляющий символ (U+202E). Наберите заново без него, "
        "ничего не сохранено."
    )


async def _stranger_to_the_english_teacher(db: Database, w: World) -> int:
    """A pupil with no class at all: the English teacher of 7Б never taught him."""
    (pupil,) = await insert(
        db,
        Student(school_id=w.school_id, last_name="Тайный", first_name="Пётр", created_at=utcnow()),
    )
    return pupil


async def test_a_mark_for_a_pupil_of_another_class_is_not_found(sqlite_db: Database) -> None:
    w = await build_world(sqlite_db)
    english = w.actor("english")
    # Лена is in 10А, which the English teacher (of a 7Б group) does not teach.
    with pytest.raises(NotFound) as hidden:
        await post_mark(
            uow_at(sqlite_db), actor=english, lesson_id=w.lessons["english7"],
            student_id=w.students["lena"], value=5,
        )  # fmt: skip
    assert "Морозова" not in hidden.value.message("ru")
    # Ваня is in 7Б but not in the group: the teacher knows him, and is told why.
    with pytest.raises(RuleViolation, match="Новиков Иван"):
        await post_mark(
            uow_at(sqlite_db), actor=english, lesson_id=w.lessons["english7"],
            student_id=w.students["vanya"], value=5,
        )  # fmt: skip


async def test_a_weekly_print_for_a_pupil_of_another_class_is_not_found(
    sqlite_db: Database,
) -> None:
    w = await build_world(sqlite_db)
    # 7Б's class teacher teaches Russian in 7Б only: Лена of 10А is none of his.
    with pytest.raises(NotFound) as hidden:
        await class_weekly_pdf(
            uow_at(sqlite_db), actor=w.actor("russian"), class_id=w.classes["7Б"],
            week_start=TODAY, student_id=w.students["lena"], paper_only=False, language="ru",
        )  # fmt: skip
    assert "Морозова" not in hidden.value.message("ru")
    # The deputy director reads the school: told that Лена is not in 7Б.
    with pytest.raises(RuleViolation, match="Морозова Елена"):
        await class_weekly_pdf(
            uow_at(sqlite_db), actor=w.actor("deputy"), class_id=w.classes["7Б"],
            week_start=TODAY, student_id=w.students["lena"], paper_only=False, language="ru",
        )  # fmt: skip


async def test_remarks_and_period_marks_do_not_name_a_stranger(sqlite_db: Database) -> None:
    w = await build_world(sqlite_db)
    pupil = await _stranger_to_the_english_teacher(sqlite_db, w)
    with pytest.raises(NotFound):
        await post_remark(
            uow_at(sqlite_db), actor=w.actor("english"), student_id=pupil, kind="praise",
            text="Молодец",
        )  # fmt: skip
    with pytest.raises(NotFound):
        await set_period_mark(
            uow_at(sqlite_db), actor=w.actor("english"), period_id=w.periods["2 четверть"],
            student_id=pupil, subject_id=w.subjects["Английский язык"], value="5",
        )  # fmt: skip
    # The deputy director reads the whole school: told what is wrong, by name.
    with pytest.raises(RuleViolation, match="Тайный Пётр"):
        await post_remark(
            uow_at(sqlite_db), actor=w.actor("deputy"), student_id=pupil, kind="praise",
            text="Молодец",
        )  # fmt: skip
