"""Roster files for the import tests, written as a secretary's spreadsheet would be."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook  # type: ignore[import-untyped]

HEADER = [
    "Фамилия",
    "Имя",
    "Отчество",
    "Дата рождения",
    "Класс",
    "Родитель 1",
    "Родитель 1 телефон",
    "Родитель 1 email",
    "Родитель 1 кем приходится",
    "Родитель 2",
    "Родитель 2 телефон",
    "Родитель 2 email",
    "Родитель 2 кем приходится",
]

Cell = str | int | float | dt.date | None


def row(
    last: str,
    first: str,
    middle: str = "",
    born: Cell = "",
    klass: str = "7Б",
    g1: Sequence[str] = (),
    g2: Sequence[str] = (),
) -> list[Cell]:
    """One student; `g1`/`g2`: (ФИО, phone, email, relation), shorter is fine."""
    guardians: list[Cell] = []
    for g in (g1, g2):
        guardians += [*g, *[""] * (4 - len(g))]
    return [last, first, middle, born, klass, *guardians]


def csv_file(
    rows: Sequence[Sequence[Cell]],
    *,
    header: Sequence[str] = HEADER,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for line in rows:
        writer.writerow(["" if cell is None else cell for cell in line])
    return buffer.getvalue().encode(encoding)


def xlsx_file(rows: Sequence[Sequence[Cell]], *, header: Sequence[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for line in rows:
        sheet.append([None if cell == "" else cell for cell in line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewritten(content: bytes, parts: dict[str, bytes]) -> bytes:
    """The XLSX (a zip) with some of its parts replaced."""
    source, buffer = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, parts.get(item.filename, source.read(item.filename)))
    return buffer.getvalue()


def xlsx_without_sheets() -> bytes:
    """A workbook whose list of sheets is empty (a program wrote it so, or it was cut)."""
    content = xlsx_file([row("Иванов", "Иван")])
    book = zipfile.ZipFile(io.BytesIO(content)).read("xl/workbook.xml")
    return _rewritten(
        content, {"xl/workbook.xml": re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", book)}
    )


def xlsx_reaching_row(last: int) -> bytes:
    """One student, and a sheet that claims rows down to `last` (Excel's bottom is
    1,048,576): an empty row element there and the dimension saying so."""
    content = xlsx_file([row("Иванов", "Иван")])
    name = "xl/worksheets/sheet1.xml"
    sheet = zipfile.ZipFile(io.BytesIO(content)).read(name)
    sheet = re.sub(rb'<dimension ref="[^"]+" ?/>', b'<dimension ref="A1:XFD%d"/>' % last, sheet)
    sheet = sheet.replace(b"</sheetData>", b'<row r="%d"/></sheetData>' % last)
    return _rewritten(content, {name: sheet})


def big_file(count: int, classes: Sequence[str] = ("1А", "7Б", "10А")) -> bytes:
    """`count` distinct students, each with a parent of their own."""
    rows = [
        row(
            f"Тестов-{n}",
            "Иван",
            "Петрович",
            "01.09.2012",
            classes[n % len(classes)],
            g1=(
                f"Тестова-{n} Анна",
                f"8 (917) {n // 10000:03d}-{n % 10000 // 100:02d}-{n % 100:02d}",
            ),
        )
        for n in range(count)
    ]
    return csv_file(rows, delimiter=";", encoding="cp1251")
