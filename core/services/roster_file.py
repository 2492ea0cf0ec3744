"""Reading a roster file into rows of text: CSV or XLSX, columns found by their headers.

Pure: bytes in, rows out; no database. The format is described in docs/roster-import.md.
CSV comes as Russian Excel writes it (cp1251, semicolons) or as UTF-8 with or without
a byte-order mark (commas, semicolons or tabs); XLSX is read from its first sheet, its
first MAX_SHEET_ROWS rows and MAX_SHEET_COLUMNS columns.
Row numbers are the spreadsheet's own (the header is usually row 1), so a secretary
finds a named row where Excel shows it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from core.errors import RuleViolation

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000  # a big school has about 2,000 students
# How much of an XLSX sheet is read, empty cells included. A sheet may claim all of
# Excel's 1,048,576 rows and 16,384 columns (one stray cell at the bottom does it):
# read-only openpyxl then makes up every empty row in between, 16,384 cells wide,
# which would take hours. A roster fits in a few thousand rows and a dozen columns.
MAX_SHEET_ROWS = 2 * MAX_ROWS
MAX_SHEET_COLUMNS = 100
# An XLSX is a zip: refuse one that would unpack into far more than a roster needs.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
GUARDIANS_PER_ROW = 2

Value = str | dt.date


def _guardian_aliases(n: int) -> dict[str, tuple[str, ...]]:
    prefixes = (
        f"родитель {n}",
        f"законный представитель {n}",
        f"представитель {n}",
        f"guardian {n}",
        f"parent {n}",
    )
    suffixes = {
        "name": ("", "фио", "name", "full name"),
        "phone": ("телефон", "тел", "phone", "mobile"),
        "email": ("email", "e mail", "почта", "эл почта", "электронная почта"),
        "relation": ("кем приходится", "степень родства", "relation", "relationship"),
    }
    return {
        f"guardian{n}_{field}": tuple(f"{p} {s}".strip() for p in prefixes for s in words)
        for field, words in suffixes.items()
    }


# Column key → header spellings after `normalize_header` (Russian and English).
COLUMNS: dict[str, tuple[str, ...]] = {
    "last_name": ("фамилия", "фамилия ученика", "фамилия обучающегося", "last name", "surname"),
    "first_name": ("имя", "имя ученика", "имя обучающегося", "first name"),
    "middle_name": ("отчество", "отчество ученика", "отчество обучающегося", "middle name"),
    "full_name": ("фио", "фио ученика", "фио обучающегося", "ученик", "student", "full name"),
    "birth_date": ("дата рождения", "birth date", "date of birth", "birthday"),
    "class": ("класс", "class"),
}
for _n in range(1, GUARDIANS_PER_ROW + 1):
    COLUMNS.update(_guardian_aliases(_n))
_BY_HEADER = {alias: key for key, aliases in COLUMNS.items() for alias in aliases}


@dataclass(frozen=True)
class RosterRow:
    number: int  # the row's number in the spreadsheet
    values: dict[str, Value]  # column key → trimmed text, or a date from an XLSX cell

    def text(self, key: str) -> str:
        value = self.values.get(key, "")
        return value if isinstance(value, str) else value.isoformat()


@dataclass(frozen=True)
class RosterFile:
    headers: dict[str, str]  # column key → the header as written in the file
    ignored: list[str]  # headers of no known column
    rows: list[RosterRow]


def normalize_header(header: str) -> str:
    """«Родитель 1: телефон» → "родитель 1 телефон"; "guardian1_phone" → "guardian 1 phone"."""
    text = header.casefold().replace("ё", "е")
    text = re.sub(r"[\W_]+", " ", text)
    text = re.sub(r"(?<=[^\W\d])(?=\d)|(?<=\d)(?=[^\W\d])", " ", text)
    return " ".join(text.split())


def read_roster_file(content: bytes) -> RosterFile:
    """The file's header and data rows; RuleViolation when the file as a whole is unusable."""
    if not content.strip():
        raise RuleViolation("roster_file_empty")
    if len(content) > MAX_FILE_BYTES:
        raise RuleViolation("roster_file_too_big", limit=MAX_FILE_BYTES // (1024 * 1024))
    if content.startswith(b"\xd0\xcf\x11\xe0"):  # the old binary .xls (an OLE container)
        raise RuleViolation("roster_old_xls")
    records = _xlsx_records(content) if content.startswith(b"PK\x03\x04") else _csv_records(content)
    return _table(records)


def _table(records: Iterable[tuple[int, list[Value]]]) -> RosterFile:
    found = iter(records)
    for _number, cells in found:
        if any(cells):
            headers, ignored, keys = _columns(cells)
            break
    else:
        raise RuleViolation("roster_file_empty")
    rows: list[RosterRow] = []
    for number, cells in found:
        values = {key: cell for key, cell in zip(keys, cells, strict=False) if key and cell}
        if values:
            if len(rows) == MAX_ROWS:
                raise RuleViolation("roster_too_many_rows", limit=MAX_ROWS)
            rows.append(RosterRow(number, values))
    if not rows:
        raise RuleViolation("roster_no_rows")
    return RosterFile(headers, ignored, rows)


def _columns(cells: list[Value]) -> tuple[dict[str, str], list[str], list[str | None]]:
    headers: dict[str, str] = {}
    ignored: list[str] = []
    keys: list[str | None] = []
    for cell in cells:
        header = cell if isinstance(cell, str) else cell.isoformat()
        key = _BY_HEADER.get(normalize_header(header))
        if key is None:
            if header:
                ignored.append(header)
        elif key in headers:
            raise RuleViolation("roster_duplicate_column", column=header, first=headers[key])
        else:
            headers[key] = header
        keys.append(key)
    has_name = {"last_name", "first_name"} <= headers.keys() or "full_name" in headers
    missing = [key for key in ("last_name", "first_name") if not has_name and key not in headers]
    missing += [] if "class" in headers else ["class"]
    if missing:
        raise RuleViolation("roster_missing_columns", columns=missing)
    return headers, ignored, keys


# CSV -------------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    text = _decoded(content)
    if "\x00" in text:  # UTF-16 without its byte-order mark, or not text at all
        raise RuleViolation("roster_bad_encoding")
    return text


def _decoded(content: bytes) -> str:
    if content.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Excel's "Unicode text"
    else:
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "cp1251"  # Russian Excel's "CSV (разделители — точка с запятой)"
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as error:
        raise RuleViolation("roster_bad_encoding") from error


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _csv_records(content: bytes) -> Iterator[tuple[int, list[Value]]]:
    text = _decode(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for number, record in enumerate(reader, start=1):
            yield number, [" ".join(cell.split()) for cell in record]
    except csv.Error as error:
        raise RuleViolation("roster_bad_csv", row=reader.line_num) from error


# XLSX ------------------------------------------------------------------------------


def _xlsx_records(content: bytes) -> Iterator[tuple[int, list[Value]]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # only XLSX needs it

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise RuleViolation("roster_file_too_big", limit=MAX_FILE_BYTES // (1024 * 1024))
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except RuleViolation:
        raise
    except Exception as error:  # a damaged file or not a workbook: the same answer
        raise RuleViolation("roster_bad_xlsx") from error
    try:
        if not book.worksheets:  # only a chart sheet, or a list of sheets cut off
            raise RuleViolation("roster_xlsx_no_sheet")
        rows = book.worksheets[0].iter_rows(
            min_row=1, max_row=MAX_SHEET_ROWS + 1, max_col=MAX_SHEET_COLUMNS, values_only=True
        )
        for number, cells in enumerate(rows, start=1):
            if number > MAX_SHEET_ROWS:
                raise RuleViolation("roster_sheet_too_long")
            yield number, [_cell_value(cell) for cell in cells]
    finally:
        book.close()


def _cell_value(cell: object) -> Value:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # a phone typed as a number: 89161234567.0
    return " ".join(str(cell).split())
