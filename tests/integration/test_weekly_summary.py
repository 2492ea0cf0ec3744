"""The weekly summary PDF: one A4 page per pupil, read back with pdfium.

Page 1 of the parent's summary is also rendered to a PNG under tests/artifacts/ so a
person can look at the printed page.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from core.actors import GuardianActor
from core.db import Database
from core.errors import Forbidden
from core.models import Lesson
from core.reading import ReadingUnit
from core.reports.filenames import weekly_summary_filename
from core.reports.weekly import weekly_summary_pdf
from core.services.homework import set_homework
from core.services.marks import post_mark
from tests.builders import NOW, TODAY, World, build_world, insert, uow_at
from tests.integration.reading_helpers import write_week

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
A4_POINTS = (595, 842)
# A word broken at a line's end: Typst's hyphen, which pdfium reads back as U+0002
# where the word was broken.
HYPHENATED = re.compile("\x02\\s*")


def reader(db: Database) -> ReadingUnit:
    return ReadingUnit(db, clock=lambda: NOW)


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text as a reader takes it in: words hyphenated at a line's end joined
    again, runs of white space made single spaces."""
    document = pdfium.PdfDocument(pdf)
    try:
        texts = [page.get_textpage().get_text_bounded() for page in document]
    finally:
        document.close()
    return [" ".join(HYPHENATED.sub("", text).split()) for text in texts]


def save_first_page_png(pdf: bytes, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    document = pdfium.PdfDocument(pdf)
    try:
        document[0].render(scale=2).to_pil().save(path)
    finally:
        document.close()
    print(f"\nweekly summary page 1 rendered to {path}")
    return path


async def _summary(
    db: Database, w: World, actor: object, *students: str, lang: str = "ru"
) -> bytes:
    return await weekly_summary_pdf(
        reader(db),
        actor=actor,  # type: ignore[arg-type]
        student_ids=[w.students[s] for s in students],
        week_start=TODAY,
        language=lang,
    )


def _parent(w: World, who: str = "sokolova") -> GuardianActor:
    return GuardianActor(guardian_id=w.guardians[who], school_id=w.school_id)


async def test_a_parents_summary_is_one_a4_page_with_the_whole_week(db: Database) -> None:
    w = await build_world(db)
    await write_week(db, w)
    pdf = await _summary(db, w, _parent(w), "petya")

    assert pdf.startswith(b"%PDF")
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 1
    assert tuple(round(x) for x in document[0].get_size()) == A4_POINTS
    document.close()
    [text] = pages_text(pdf)
    for expected in (
        "Школа №1",
        "Итоги недели",
        "Соколов Пётр",
        "7Б",
        "23–28 ноября 2026",
        "Понедельник, 23 ноября",
        "Суббота, 28 ноября",
        "Сложение дробей",
        "№ 5–7, с. 34",
        "Карточка №4 (лично)",
        "Workbook p. 12",
        "оп 10 мин",
        "Благодарность: Отличный ответ у доски",
        "Благодарность: Победа в школьной олимпиаде",
        "2 четверть",
        "Математика 5 3 4,33",
        "Английский язык 5 5,00",
        "Подпись родителя ____",
    ):
        assert expected in text, expected
    assert "5к/р" in text.replace(" ", "") and "3устн." in text.replace(" ", "")
    # Not this family's, withdrawn, or not meant for parents:
    for absent in ("Карточка №9", "Упр. 120", "Выучить правило", "Забыл тетрадь"):
        assert absent not in text, absent
    assert "Не выполнил самостоятельную работу" not in text
    save_first_page_png(pdf, "weekly_summary_petya.png")


async def test_a_class_prints_one_page_per_pupil_in_one_render(db: Database) -> None:
    w = await build_world(db)
    await write_week(db, w)
    started = time.perf_counter()
    pdf = await _summary(db, w, w.actor("russian"), "petya", "masha", "vanya")
    elapsed = time.perf_counter() - started
    print(f"\nthree pupils' summaries in {elapsed:.2f} s")

    texts = pages_text(pdf)
    assert len(texts) == 3
    assert ["Соколов Пётр" in t for t in texts] == [True, False, False]
    assert "Соколова Мария" in texts[1] and "Новиков Иван" in texts[2]
    assert "Прошу подойти на консультацию" in texts[1]
    assert "Карточка №9" in texts[2] and "Карточка №4" not in texts[2]
    # The class teacher reads every remark, ticked for parents or not.
    assert "Не выполнил самостоятельную работу" in texts[0]


async def test_the_summary_in_english(db: Database) -> None:
    w = await build_world(db)
    await write_week(db, w)
    [text] = pages_text(await _summary(db, w, _parent(w), "masha", lang="en"))
    for expected in ("Week's summary", "Monday, 23 November", "Parent's signature ____", "4.00"):
        assert expected in text, expected


async def test_a_week_without_lessons_still_prints_a_signed_page(db: Database) -> None:
    w = await build_world(db)
    pdf = await weekly_summary_pdf(
        reader(db),
        actor=_parent(w),
        student_ids=[w.students["dasha"]],
        week_start=dt.date(2026, 11, 4),  # a Wednesday in the autumn holidays
    )
    [text] = pages_text(pdf)
    assert "Соколова Дарья" in text and "1А" in text and "2–7 ноября 2026" in text
    assert "осенние каникулы" in text and "Уроков нет" in text
    assert "Подпись родителя" in text


async def test_no_page_for_a_child_of_another_family(db: Database) -> None:
    w = await build_world(db)
    with pytest.raises(Forbidden):
        await _summary(db, w, _parent(w, "novikov"), "vanya", "petya")
    # Refused after a first class was read and handed to Typst: still no file at all.
    with pytest.raises(Forbidden):
        await _summary(db, w, _parent(w, "novikov"), "vanya", "lena")


def test_the_file_name_is_latin_and_names_the_week() -> None:
    assert (
        weekly_summary_filename("Соколов", "Пётр", TODAY)
        == "itogi-nedeli-sokolov-petr-2026-11-23.pdf"
    )
    assert (
        weekly_summary_filename("Щукина-Юрьева", "Ксения", TODAY)
        == "itogi-nedeli-shchukina-iureva-kseniia-2026-11-23.pdf"
    )


async def test_a_full_week_still_fits_one_page(sqlite_db: Database) -> None:
    """Seven lessons a day for six days (ten on Monday), each with a topic, homework and a
    mark: the page falls back to smaller type rather than run over."""
    db = sqlite_db
    w = await build_world(db)
    subjects = [("Математика", "math"), ("Русский язык", "russian")]
    lessons = []
    for day in range(6):
        for slot in range(1, 8):
            subject, teacher = subjects[slot % 2]
            lessons.append(
                Lesson(
                    school_id=w.school_id,
                    class_id=w.classes["7Б"],
                    subject_id=w.subjects[subject],
                    teacher_id=w.staff[teacher],
                    date=TODAY + dt.timedelta(days=day),
                    # TODAY has mathematics at 2 and Russian at 3 already.
                    slot=slot + (2 if day == 0 and slot >= 2 else 0),
                    topic="Повторение пройденного материала по теме недели",
                    created_at=NOW,
                )
            )
    ids = await insert(db, *lessons)
    petya = w.students["petya"]
    for lesson_id, lesson in zip(ids, lessons, strict=True):
        teacher = "math" if lesson.subject_id == w.subjects["Математика"] else "russian"
        await set_homework(
            uow_at(db),
            actor=w.actor(teacher),
            lesson_id=lesson_id,
            text="Параграф 14, вопросы 1–6 на с. 88 письменно; выучить определения",
        )
        await post_mark(
            uow_at(db), actor=w.actor(teacher), lesson_id=lesson_id, student_id=petya, value=4
        )
    pdf = await _summary(db, w, _parent(w), "petya")
    assert len(pages_text(pdf)) == 1
    save_first_page_png(pdf, "weekly_summary_full_week.png")


async def test_the_summary_in_uzbek_for_a_parent_who_reads_it(db: Database) -> None:
    w = await build_world(db)
    await write_week(db, w)
    [text] = pages_text(await _summary(db, w, _parent(w), "petya", lang="uz"))
    for expected in (
        "Hafta yakunlari",
        "23–28-noyabr, 2026",
        "Dushanba, 23-noyabr",
        "Uy vazifasi",
        "Карточка №4 (shaxsan)",  # the school's own words stay as the teacher wrote them
        "(25-noy gacha)",
        "kech. 10 daq.",
        "Tashakkur: Отличный ответ у доски",
        "yoʻq — darsda boʻlmagan",
        "Математика 5 3 4,33",
        "Ota-onaning imzosi ____",
    ):
        assert expected in text, expected
    assert "5n/i" in text.replace(" ", "") and "Итоги недели" not in text


async def test_what_a_teacher_types_prints_as_typed(db: Database) -> None:
    """The template reads pupils' names, topics and homework as data: Typst's markup
    characters in them print literally and run nothing."""
    w = await build_world(db)
    typed = '#panic("x") ] *жирный* _курсив_ $x^2$ <b> @метка \\ // не комментарий'
    lesson = Lesson(
        school_id=w.school_id,
        class_id=w.classes["7Б"],
        subject_id=w.subjects["Математика"],
        teacher_id=w.staff["math"],
        date=TODAY + dt.timedelta(days=1),
        slot=3,
        topic="Тема #set text(red)",
        created_at=NOW,
    )
    [lesson_id] = await insert(db, lesson)
    await set_homework(uow_at(db), actor=w.actor("math"), lesson_id=lesson_id, text=typed)
    pdf = await _summary(db, w, _parent(w), "petya")
    [text] = pages_text(pdf)
    assert typed in text and "Тема #set text(red)" in text
    save_first_page_png(pdf, "weekly_summary_typed_markup.png")


async def test_pupils_of_several_classes_print_in_the_order_given(db: Database) -> None:
    """A print of several classes (the whole school) is a compile per class, joined
    into one file: every pupil keeps one page, in the order asked for."""
    w = await build_world(db)
    await write_week(db, w)
    pdf = await _summary(db, w, w.actor("deputy"), "lena", "petya", "masha", "dasha")
    texts = pages_text(pdf)
    names = ["Морозова Елена", "Соколов Пётр", "Соколова Мария", "Соколова Дарья"]
    assert [next(n for n in names if n in t) for t in texts] == names
    assert "10А" in texts[0] and "7Б" in texts[1] and "1А" in texts[3]
    assert "Сложение дробей" in texts[1] and all("Подпись родителя" in t for t in texts)
    document = pdfium.PdfDocument(pdf)
    assert [tuple(round(x) for x in page.get_size()) for page in document] == [A4_POINTS] * 4
    document.close()
