"""Roster import from CSV and XLSX: preview, all-or-nothing confirm, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import pytest
from sqlmodel import col, select

from core.db import Database
from core.errors import Forbidden, NotFound, RuleViolation
from core.models import (
    AuditEntry,
    Enrollment,
    Guardian,
    OutboxEvent,
    RosterImport,
    Student,
    StudentGuardian,
)
from core.reading.roster_imports import ImportView, roster_import
from core.services.roster_import import (
    KEEP,
    cancel_roster_import,
    check_roster_import,
    confirm_roster_import,
    purge_expired_imports,
    upload_roster,
)
from tests.builders import NOW, TODAY, World, build_world, uow_at
from tests.integration.outbox_helpers import outbox, snapshot_counts
from tests.integration.people_helpers import load
from tests.integration.roster_files import (
    big_file,
    csv_file,
    row,
    xlsx_file,
    xlsx_reaching_row,
    xlsx_without_sheets,
)
from workers.main import purge_roster_files

ROSTER_TABLES = (Student, Enrollment, Guardian, StudentGuardian, OutboxEvent, AuditEntry)


async def roster_counts(db: Database) -> dict[str, int]:
    return await snapshot_counts(db, *ROSTER_TABLES)


async def preview(db: Database, w: World, content: bytes, who: str = "secretary") -> ImportView:
    uploaded = await upload_roster(
        uow_at(db), actor=w.actor(who), filename="список.csv", content=content, enrol_on=TODAY
    )
    return await check_roster_import(uow_at(db), actor=w.actor(who), import_id=uploaded.id)


def problems(view: ImportView) -> list[tuple[int, str, str]]:
    assert view.report is not None
    return [(p.row, p.column, p.message()) for p in view.report.problems]


async def students_named(db: Database, last_name: str) -> list[Student]:
    async with db.session() as s:
        query = select(Student).where(Student.last_name == last_name).order_by(col(Student.id))
        return list((await s.exec(query)).all())


async def links_of(db: Database, student_id: int) -> list[tuple[str, str | None, str | None, str]]:
    """(guardian's full name, phone, email, relation) of a student's guardians."""
    async with db.session() as s:
        query = (
            select(Guardian, StudentGuardian)
            .join(StudentGuardian, col(StudentGuardian.guardian_id) == Guardian.id)
            .where(StudentGuardian.student_id == student_id)
            .order_by(col(StudentGuardian.id))
        )
        return [
            (g.full_name, g.phone, g.email, link.relation)
            for g, link in (await s.exec(query)).all()
        ]


async def enrolment_of(db: Database, student_id: int) -> tuple[int, dt.date, dt.date | None, str]:
    async with db.session() as s:
        query = select(Enrollment).where(Enrollment.student_id == student_id)
        [enrolment] = (await s.exec(query)).all()
        return enrolment.class_id, enrolment.since, enrolment.until, enrolment.reason


GOOD_ROWS = [
    row(
        "Зайцев",
        "Глеб",
        "Ильич",
        "02.04.2013",
        "7Б",
        g1=("Зайцева Ольга Ивановна", "8 (916) 555-01-01", "Olga.Zaitseva@Example.RU", "мать"),
        g2=("Зайцев Илья Сергеевич", "9165550102", "", "отец"),
    ),
    # Gleb's sister in the first grade: the same mother, her phone written another way.
    row(
        "Зайцева",
        "Алиса",
        "Ильинична",
        "2019-03-07",
        "1 а",
        g1=("Зайцева Ольга Ивановна", "+7 916 555 01 01", "", "мать"),
    ),
    # Vanya Novikov's sister: their father is already at the school.
    row("Новикова", "Вера", "", "", "10А", g1=("Новиков Павел", "+79160000002", "", "отец")),
]


async def test_a_good_file_creates_students_enrolments_guardians_and_links(db: Database) -> None:
    w = await build_world(db)
    before = await roster_counts(db)
    checked = await preview(db, w, csv_file(GOOD_ROWS))

    assert checked.status == "checked" and checked.can_confirm
    report = checked.report
    assert report is not None and report.problems == []
    assert (report.rows, report.students, report.guardians_new, report.guardians_linked) == (
        3,
        3,
        2,
        1,
    )
    assert [(c.name, c.students) for c in report.classes] == [("1А", 1), ("7Б", 1), ("10А", 1)]
    assert report.sample[0].student == "Зайцев Глеб Ильич"
    assert report.sample[0].guardians == [
        "Зайцева Ольга Ивановна (мать) +79165550101 olga.zaitseva@example.ru",
        "Зайцев Илья Сергеевич (отец) +79165550102",
    ]
    assert await roster_counts(db) == before, "the preview wrote something"

    done = await confirm_roster_import(uow_at(db), actor=w.actor("admin"), import_id=checked.id)

    assert done.status == "imported" and done.result is not None
    assert (done.result.students, done.result.guardians_new, done.result.guardians_linked) == (
        3,
        2,
        1,
    )
    [gleb] = await students_named(db, "Зайцев")
    [alisa] = await students_named(db, "Зайцева")
    [vera] = await students_named(db, "Новикова")
    assert (gleb.full_name, gleb.birth_date) == ("Зайцев Глеб Ильич", dt.date(2013, 4, 2))
    assert (alisa.birth_date, vera.birth_date) == (dt.date(2019, 3, 7), None)
    assert await enrolment_of(db, gleb.id or 0) == (w.classes["7Б"], TODAY, None, "enrolled")
    assert await enrolment_of(db, alisa.id or 0) == (w.classes["1А"], TODAY, None, "enrolled")
    assert await enrolment_of(db, vera.id or 0) == (w.classes["10А"], TODAY, None, "enrolled")
    mother = ("Зайцева Ольга Ивановна", "+79165550101", "olga.zaitseva@example.ru", "мать")
    assert await links_of(db, gleb.id or 0) == [
        mother,
        ("Зайцев Илья Сергеевич", "+79165550102", None, "отец"),
    ]
    assert await links_of(db, alisa.id or 0) == [mother]
    assert await links_of(db, vera.id or 0) == [
        ("Новиков Павел", "+79160000002", "novikov@example.ru", "отец")
    ]
    after = await roster_counts(db)
    assert after["Student"] - before["Student"] == 3
    assert after["Guardian"] - before["Guardian"] == 2
    assert after["StudentGuardian"] - before["StudentGuardian"] == 4
    events = await outbox(db, "roster_changed")
    assert sorted(e.payload["student_id"] for e in events) == sorted([gleb.id, alisa.id, vera.id])
    assert {e.payload["change"] for e in events} == {"enrolled"}
    # Everything written is in the audit log under the administrator who confirmed.
    async with db.session() as s:
        audited = (
            await s.exec(select(AuditEntry).where(AuditEntry.actor_id == w.staff["admin"]))
        ).all()
    assert sorted({a.entity for a in audited}) == [
        "enrollment",
        "guardian",
        "student",
        "student_guardian",
    ]
    assert len(audited) == 3 + 3 + 2 + 4
    # The file and its preview (names, phones) are gone; the counts stay.
    stored = await load(db, RosterImport, checked.id)
    assert (stored.content, stored.report, stored.finished_by) == (None, None, w.staff["admin"])


async def test_a_file_with_one_bad_row_writes_nothing_and_names_the_row(db: Database) -> None:
    w = await build_world(db)
    rows = [*GOOD_ROWS]
    rows.insert(1, row("Орлов", "Степан", klass="7Б", g1=("Орлова Мария", "8 916 12", "", "мать")))
    before = await roster_counts(db)

    checked = await preview(db, w, csv_file(rows))

    assert not checked.can_confirm
    assert problems(checked) == [
        (
            3,
            "Родитель 1 телефон",
            "Телефон «8 916 12» не распознан: укажите номер полностью, "
            "например +7 916 123-45-67 или 8 (916) 123-45-67.",
        )
    ]
    with pytest.raises(RuleViolation, match=r"В файле есть ошибки в 1 строке: исправьте их"):
        await confirm_roster_import(uow_at(db), actor=w.actor("secretary"), import_id=checked.id)
    assert await roster_counts(db) == before


async def test_every_kind_of_bad_row_is_named_with_its_reason(db: Database) -> None:
    w = await build_world(db)
    rows = [
        row("Орлов", "Степан", klass="7Б", g1=("Орлова Мария", "", "orlova@mail", "мать")),
        row("Орлов", "Пётр", klass="8В"),
        row("Орлов", "Степан", klass="7Б"),  # row 2 again
        row("Соколов", "Пётр", klass="7Б"),  # already in 7Б (builders' petya)
        row("", "Фёдор", born="31.02.2013", klass="9Я"),  # three problems in one row
        row("Орлова", "Ирина", born="31.02.2013"),
        row("Орлова", "Нина", born="01.12.2026"),  # born after the enrolment date
        row("Орлов", "Гавриил", g1=("", "+79161112233")),
        row("Орлов", "Лев", g1=("Иванова Ирина", "+7 916 000-00-01")),  # Sokolova's phone
        row("Орлов", "Марк", g1=("Орлова Маргарита", "+79165557777")),
        row("Орлов", "Ян", g1=("Орлова Вера", "8 916 555 77 77")),  # row 11's phone, other name
    ]

    checked = await preview(db, w, csv_file(rows))

    assert problems(checked) == [
        (2, "Родитель 1 email", "Адрес «orlova@mail» не похож на адрес электронной почты."),
        (3, "Класс", "Класса «8В» нет в учебном году на 23.11.2026. Есть классы: 1А, 7Б, 10А."),
        (4, "", "Орлов Степан уже есть в файле, в строке 2."),
        (5, "", "Соколов Пётр уже учится в школе (7Б)."),
        (6, "Фамилия", "Укажите фамилию."),
        (
            6,
            "Дата рождения",
            "Дата «31.02.2013» не распознана: пишите ДД.ММ.ГГГГ, например 02.04.2013.",
        ),
        (6, "Класс", "Класса «9Я» нет в учебном году на 23.11.2026. Есть классы: 1А, 7Б, 10А."),
        (
            7,
            "Дата рождения",
            "Дата «31.02.2013» не распознана: пишите ДД.ММ.ГГГГ, например 02.04.2013.",
        ),
        (
            8,
            "Дата рождения",
            "Дата рождения 01.12.2026 не может быть позже даты зачисления 23.11.2026.",
        ),
        (
            9,
            "Родитель 1",
            "Укажите фамилию и имя представителя 1 (например, «Соколова Анна Петровна»).",
        ),
        (
            10,
            "Родитель 1 телефон",
            "Номер +79160000001 уже указан у представителя Соколова Анна: привяжите его "
            "к ученику, а не создавайте заново.",
        ),
        (
            12,
            "Родитель 1 телефон",
            "Номер +79165557777 в строке 11 указан у другого человека: Орлова Маргарита.",
        ),
    ]
    assert checked.report is not None
    assert (checked.report.problem_count, checked.report.problem_rows) == (12, 10)
    # The same reasons in English.
    assert checked.report.problems[3].message("en") == "Соколов Пётр is already at the school (7Б)."


async def test_invisible_characters_and_far_dates_are_named_in_the_preview(
    sqlite_db: Database,
) -> None:
    w = await build_world(sqlite_db)
    rows = [
        row("Орлов\u202e", "Степан"),  # the right-to-left override
        row("Орлов", "Пётр", g1=("Орлова\u200b Мария", "+79161112299")),  # a zero-width space
        row("Орлов", "Лев", born="01.01.0001"),
    ]
    checked = await preview(sqlite_db, w, csv_file(rows))
    assert problems(checked) == [
        (
            2,
            "Фамилия",
            "Фамилия: невидимый или управляющий символ (U+202E). Наберите заново без него, "
            "ничего не сохранено.",
        ),
        (
            3,
            "Родитель 1",
            "Фамилия: невидимый или управляющий символ (U+200B). Наберите заново без него, "
            "ничего не сохранено.",
        ),
        (
            4,
            "Дата рождения",
            "Дата 0001-01-01 вне допустимого диапазона: журнал принимает даты с 01.01.1900 "
            "по 31.12.2100.",
        ),
    ]


async def test_phones_are_stored_in_e164_whatever_way_they_were_typed(db: Database) -> None:
    w = await build_world(db)
    typed = [
        "8 (916) 123-45-67",
        "+7 916 123 45 68",
        "9161234569",
        "7-916-123-45-70",
        "+44 20 7946 0958",
    ]
    rows = [row("Орлов", f"Сын{n}", g1=(f"Орлова Мать{n}", phone)) for n, phone in enumerate(typed)]
    checked = await preview(db, w, csv_file(rows))
    assert checked.can_confirm
    await confirm_roster_import(uow_at(db), actor=w.actor("secretary"), import_id=checked.id)
    async with db.session() as s:
        query = (
            select(Guardian.phone).where(Guardian.last_name == "Орлова").order_by(col(Guardian.id))
        )
        phones = list((await s.exec(query)).all())
    assert phones == [
        "+79161234567",
        "+79161234568",
        "+79161234569",
        "+79161234570",
        "+442079460958",
    ]


FORMAT_ROWS = [
    row(
        "Ёлкина",
        "Дарья",
        "Сергеевна",
        "05.06.2016",
        "7б",
        g1=("Ёлкина Светлана Юрьевна", "89165550303", "elkina@example.ru", "мать"),
    ),
    row("Щукин", "Эдуард", "", "", "10 А"),
]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("cp1251", ";"), ("utf-8-sig", ","), ("utf-8", ";"), ("utf-8-sig", "\t")],
)
async def test_csv_as_excel_and_other_programs_write_it(
    sqlite_db: Database, encoding: str, delimiter: str
) -> None:
    w = await build_world(sqlite_db)
    content = csv_file(FORMAT_ROWS, delimiter=delimiter, encoding=encoding)
    checked = await preview(sqlite_db, w, content)
    assert checked.report is not None and checked.report.problems == []
    assert [
        (s.row, s.student, s.birth_date, s.klass, s.guardians) for s in checked.report.sample
    ] == [
        (
            2,
            "Ёлкина Дарья Сергеевна",
            "05.06.2016",
            "7Б",
            ["Ёлкина Светлана Юрьевна (мать) +79165550303 elkina@example.ru"],
        ),
        (3, "Щукин Эдуард", "", "10А", []),
    ]


async def test_xlsx_with_dates_and_numbers_in_cells(sqlite_db: Database) -> None:
    w = await build_world(sqlite_db)
    rows = [
        row("Ёлкина", "Дарья", "", dt.date(2016, 6, 5), "7Б", g1=("Ёлкина Светлана", 89165550303)),
        [],  # an empty row is skipped, and the numbering stays the spreadsheet's
        row("Щукин", "Эдуард", klass="5Г"),
    ]
    checked = await preview(sqlite_db, w, xlsx_file(rows))
    assert checked.report is not None
    assert [(s.student, s.birth_date, s.guardians) for s in checked.report.sample] == [
        ("Ёлкина Дарья", "05.06.2016", ["Ёлкина Светлана +79165550303"])
    ]
    assert problems(checked) == [
        (4, "Класс", "Класса «5Г» нет в учебном году на 23.11.2026. Есть классы: 1А, 7Б, 10А.")
    ]


async def test_english_headers_and_a_single_name_column(sqlite_db: Database) -> None:
    w = await build_world(sqlite_db)
    header = ["Full name", "Class", "Guardian 1", "guardian1_phone", "Guardian 1 e-mail", "Notes"]
    rows = [["Щукин Эдуард Петрович", "7Б", "Щукина Алла", "+79165550404", "a@b.ru", "—"]]
    checked = await preview(sqlite_db, w, csv_file(rows, header=header))
    report = checked.report
    assert report is not None and report.problems == [] and report.ignored_columns == ["Notes"]
    assert report.sample[0].student == "Щукин Эдуард Петрович"
    assert report.sample[0].guardians == ["Щукина Алла +79165550404 a@b.ru"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", None),
        (
            csv_file([["Иванов", "Иван"]], header=["Фамилия", "Имя"]),
            "В файле нет обязательных столбцов: «Класс».",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "старого формата Excel (.xls)"),
        (b"PK\x03\x04 broken", "не читается как книга Excel"),
        ("Фамилия,Имя,Класс\nИванов,Иван,7Б\n".encode("utf-16-le"), "Текст файла не прочитать"),
        (csv_file([]), "нет ни одной строки с учениками"),
        (
            csv_file([["Иванов", "Иван", "7Б"]], header=["Фамилия", "Имя", "Фамилия"]),
            "Столбец «Фамилия» повторяет столбец «Фамилия»",
        ),
    ],
)
async def test_an_unusable_file_is_explained(
    sqlite_db: Database, content: bytes, message: str | None
) -> None:
    w = await build_world(sqlite_db)
    if message is None:  # nothing to keep at all
        with pytest.raises(RuleViolation, match="Файл пуст"):
            await preview(sqlite_db, w, content)
        return
    checked = await preview(sqlite_db, w, content)
    assert checked.report is not None and checked.report.file_error is not None
    assert message in checked.report.file_error.message()
    assert not checked.can_confirm


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (xlsx_without_sheets(), "В книге Excel нет ни одного листа"),
        (xlsx_reaching_row(1_048_576), "Лист продолжается далеко ниже списка"),
    ],
    ids=["no sheet", "a million rows"],
)
async def test_a_workbook_without_a_sheet_or_with_a_million_rows_is_explained_at_once(
    sqlite_db: Database, content: bytes, message: str
) -> None:
    w = await build_world(sqlite_db)
    started = time.monotonic()
    checked = await preview(sqlite_db, w, content)
    assert time.monotonic() - started < 3
    assert checked.report is not None and checked.report.file_error is not None
    assert message in checked.report.file_error.message()
    assert not checked.can_confirm


async def test_confirming_twice_writes_once(db: Database) -> None:
    w = await build_world(db)
    checked = await preview(db, w, csv_file(GOOD_ROWS))
    # Two confirmations at the same moment (two tabs): one writes, the other is refused.
    results = await asyncio.gather(
        confirm_roster_import(uow_at(db), actor=w.actor("admin"), import_id=checked.id),
        confirm_roster_import(uow_at(db), actor=w.actor("secretary"), import_id=checked.id),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], RuleViolation)
    assert str(refused[0]) == "Этот файл уже загружен в журнал."
    after_first = await roster_counts(db)
    with pytest.raises(RuleViolation, match="уже загружен"):
        await confirm_roster_import(uow_at(db), actor=w.actor("admin"), import_id=checked.id)
    assert await roster_counts(db) == after_first
    assert len(await students_named(db, "Зайцев")) == 1


async def test_a_row_that_became_a_duplicate_before_confirming_stops_the_import(
    db: Database,
) -> None:
    w = await build_world(db)
    checked = await preview(db, w, csv_file(GOOD_ROWS))
    # Meanwhile Gleb arrives and is enrolled by hand; the same file again would add him twice.
    first = await preview(db, w, csv_file(GOOD_ROWS[:1]))
    await confirm_roster_import(uow_at(db), actor=w.actor("admin"), import_id=first.id)
    before = await roster_counts(db)

    with pytest.raises(RuleViolation, match="и теперь в файле 1 ошибка"):
        await confirm_roster_import(uow_at(db), actor=w.actor("admin"), import_id=checked.id)

    assert await roster_counts(db) == before
    again = await roster_import(uow_at(db), actor=w.actor("admin"), import_id=checked.id)
    assert problems(again) == [(2, "", "Зайцев Глеб Ильич уже учится в школе (7Б).")]


async def test_a_large_file_is_checked_and_imported_with_progress(db: Database) -> None:
    w = await build_world(db)
    content = big_file(2000)
    reported: list[tuple[str, int, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        reported.append((stage, done, total))

    started = time.monotonic()
    uploaded = await upload_roster(
        uow_at(db), actor=w.actor("admin"), filename="all.csv", content=content, enrol_on=TODAY
    )
    checked = await check_roster_import(
        uow_at(db), actor=w.actor("admin"), import_id=uploaded.id, progress=progress
    )
    checked_in = time.monotonic() - started
    assert checked.report is not None and checked.report.problems == []
    assert checked.report.students == 2000 and checked.report.guardians_new == 2000
    assert ("checking", 2000, 2000) in reported and ("checking", 1000, 2000) in reported

    reported.clear()
    started = time.monotonic()
    done = await confirm_roster_import(
        uow_at(db), actor=w.actor("admin"), import_id=checked.id, progress=progress
    )
    imported_in = time.monotonic() - started

    assert done.result is not None and done.result.students == 2000
    writing = [r for r in reported if r[0] == "writing"]
    assert writing == [("writing", n, 2000) for n in (500, 1000, 1500, 2000)]
    assert reported[-1] == ("done", 2000, 2000)
    counts = await roster_counts(db)
    assert (counts["Student"], counts["StudentGuardian"]) == (2005, 2000 + 5)
    # A shared two-core machine: generous bounds that still catch row-by-row writing.
    assert checked_in < 20 and imported_in < 40, (checked_in, imported_in)


async def test_cancel_and_expiry_remove_the_file(db: Database) -> None:
    w = await build_world(db)
    cancelled = await preview(db, w, csv_file(GOOD_ROWS))
    await cancel_roster_import(uow_at(db), actor=w.actor("admin"), import_id=cancelled.id)
    stored = await load(db, RosterImport, cancelled.id)
    assert (stored.status, stored.content, stored.report) == ("cancelled", None, None)
    with pytest.raises(RuleViolation, match="отменена"):
        await confirm_roster_import(uow_at(db), actor=w.actor("admin"), import_id=cancelled.id)

    left = await preview(db, w, csv_file(GOOD_ROWS))
    later = NOW + KEEP + dt.timedelta(seconds=1)
    with pytest.raises(RuleViolation, match="уже удалён"):
        await confirm_roster_import(uow_at(db, later), actor=w.actor("admin"), import_id=left.id)
    assert await purge_expired_imports(uow_at(db, later)) == 1
    stored = await load(db, RosterImport, left.id)
    assert (stored.status, stored.content, stored.report) == ("expired", None, None)
    assert (await roster_counts(db))["Student"] == 5


@pytest.mark.parametrize(
    ("who", "error"), [("math", Forbidden), ("deputy", Forbidden), ("russian", Forbidden)]
)
async def test_only_the_roster_keepers_upload(
    sqlite_db: Database, who: str, error: type[Exception]
) -> None:
    w = await build_world(sqlite_db)
    with pytest.raises(error, match="только администрации"):
        await preview(sqlite_db, w, csv_file(GOOD_ROWS), who=who)


async def test_another_schools_administrator_cannot_see_or_confirm(db: Database) -> None:
    w = await build_world(db)
    checked = await preview(db, w, csv_file(GOOD_ROWS))
    for call in (roster_import, confirm_roster_import, cancel_roster_import):
        with pytest.raises(NotFound):
            await call(uow_at(db), actor=w.actor("stranger"), import_id=checked.id)


async def test_the_worker_cron_removes_files_nobody_confirmed(db: Database) -> None:
    """The worker's half-hourly cron purges by the real clock, with no upload to trigger it."""
    w = await build_world(db)
    long_ago = NOW - dt.timedelta(days=2)
    uploaded = await upload_roster(
        uow_at(db, long_ago),
        actor=w.actor("secretary"),
        filename="список.csv",
        content=csv_file(GOOD_ROWS),
        enrol_on=TODAY,
    )
    assert await purge_roster_files({"db": db}) == 1
    stored = await load(db, RosterImport, uploaded.id)
    assert (stored.status, stored.content) == ("expired", None)
