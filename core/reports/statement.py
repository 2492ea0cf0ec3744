"""The summary statement as a printable PDF (A4 landscape) and as an XLSX workbook.

Both are rendered from a `core.reading.statement.Statement` and carry, inside the
file, the time the statement was made and the SHA-256 of its content (the statement's
data in canonical JSON, `StatementContent.canonical()`). A file cannot contain the
hash of its own bytes: that one (`file_sha256`) is kept with the archived export
(`core.reports.statement_exports`) and shown on the page that links the file.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from core import formats
from core.i18n import DEFAULT_LANGUAGE, STAFF_LANGUAGES, texts
from core.reading import words
from core.reading.statement import Cell, Statement
from core.reports.cells import put, sheet_title
from core.reports.filenames import slug
from core.reports.pdf import typeset_pdf


@dataclass(frozen=True)
class Labels:
    """The statement's words in one language, shared by the PDF and the XLSX."""

    title: str
    number: str
    student: str
    average: str
    class_average: str
    preliminary: str
    legend: str
    generated: str  # with the time the statement was made, and the time zone
    content_hash: str  # with the content's SHA-256
    hash_note: str
    page: str


def labels(statement: Statement, language: str) -> Labels:
    t = texts("core", language)
    made = statement.generated_at
    return Labels(
        title=t._("Summary statement of period marks"),
        number=t.pgettext("row number", "#"),
        student=t._("Last name, first name, patronymic"),
        average=t._("Average"),
        class_average=t._("Class average"),
        preliminary=t._("* — preliminary mark (no final mark yet)"),
        legend=t._("осв — exempt, н/а — not attested; averages are of marks 2–5"),
        generated=t._(
            "Generated %(date)s %(time)s (%(zone)s)",
            date=formats.numeric_date(made, t.language),
            time=formats.time_of_day(made, t.language),
            zone=statement.timezone,
        ),
        content_hash=t._("Content SHA-256: %(hash)s", hash=statement.content_sha256),
        hash_note=t._(
            "The content SHA-256 is computed over the statement's data as canonical JSON "
            "(without the time it was made); the file's own SHA-256 is kept in the journal's "
            "archive."
        ),
        # TRANSLATORS: before the page number in the footer: "p. 2 / 3".
        page=t.pgettext("page footer", "p."),
    )


# A4 landscape, 10 mm margins: 277 mm of width; the number and name columns take 56.
_TABLE_MM = 277 - 56
_COLUMN_MM = 7.6


def cell_text(cell: Cell | None) -> str:
    """«4», «4*» (preliminary), «осв», «н/а»; "" for no mark."""
    if cell is None:
        return ""
    return f"{cell.value}*" if cell.preliminary else cell.value


def average_text(value: float | None, language: str) -> str:
    return "" if value is None else words.average_text(value, language)


def filename(statement: Statement, fmt: str) -> str:
    """ "svodnaia-vedomost-7b-2026-2027-20261123-1000.pdf"."""
    content = statement.content
    who = slug(f"{content.class_name} {content.year}") or "klass"
    return f"svodnaia-vedomost-{who}-{statement.generated_at:%Y%m%d-%H%M}.{fmt}"


@dataclass(frozen=True)
class Block:
    """The subjects one printed page holds (the averages come last, as a group)."""

    subjects: tuple[int, ...]
    averages: bool


def blocks(statement: Statement) -> list[Block]:
    """Subjects in page-wide blocks, so 7 mm columns never shrink past legibility."""
    content = statement.content
    per_group = max(len(content.periods), 1) * _COLUMN_MM
    fits = max(math.floor(_TABLE_MM / per_group), 1)
    groups: list[int | None] = [*range(len(content.subjects)), None]
    chunks = [groups[i : i + fits] for i in range(0, len(groups), fits)]
    return [
        Block(tuple(g for g in chunk if g is not None), averages=None in chunk) for chunk in chunks
    ]


def statement_data(
    statement: Statement, *, language: str, fingerprint: str | None = None
) -> dict[str, Any]:
    """What the statement's template prints (templates/statement.typ): every text in
    `language`, every cell as printed."""
    lang = language if language in STAFF_LANGUAGES else DEFAULT_LANGUAGE
    t, words_ = texts("core", lang), labels(statement, lang)
    content = statement.content
    chain = fingerprint and t._("Audit chain: %(fingerprint)s", fingerprint=fingerprint)
    periods = [
        t._(
            "%(label)s — %(name)s (%(start)s–%(end)s)",
            label=p.label(lang),
            name=p.name,
            start=formats.numeric_date(p.starts_on, lang),
            end=formats.numeric_date(p.ends_on, lang),
        )
        for p in content.periods
    ]
    notes = [t._("The class has no students.")] if not content.rows else []
    if not content.marks_given:
        notes.append(t._("This class gets no marks."))
    legend = [
        t._("Periods: %(periods)s", periods="; ".join(periods)),
        words_.legend,
        words_.preliminary,
        (f"{words_.generated}.", words_.content_hash),
        *([chain] if chain else []),
        words_.hash_note,
    ]
    return {
        "lang": lang,
        "title": t._("Summary statement of period marks, %(klass)s", klass=content.class_name),
        "heading": words_.title,
        "who": [
            {"label": t._("School"), "value": content.school, "bold": False},
            {"label": t._("Class"), "value": content.class_name, "bold": True},
            {"label": t._("Academic year"), "value": content.year, "bold": False},
        ],
        "notes": notes,
        "number": words_.number,
        "student": words_.student,
        "class_average": words_.class_average,
        "labels": [p.label(lang) for p in content.periods],
        "blocks": [_block(statement, block, words_.average, lang) for block in blocks(statement)],
        "legend": [
            {"text": line[0], "hash": line[1]}
            if isinstance(line, tuple)
            else {"text": line, "hash": None}
            for line in legend
        ],
        "signatures": [
            {"who": t._("Class teacher"), "name": statement.class_teacher or ""},
            {"who": t._("Deputy director"), "name": ""},
            {"who": t._("Head of school"), "name": t.pgettext("signature", "Seal")},
        ],
        "footer": " · ".join(
            part for part in (words_.generated, words_.content_hash, chain) if part
        ),
        "page_label": words_.page,
    }


def _block(statement: Statement, block: Block, average: str, lang: str) -> dict[str, Any]:
    """One page-wide block: its heads, then each pupil's cells and the class's averages,
    as many cells a row as the heads span (a period each, one when there are none)."""
    content = statement.content
    per = max(len(content.periods), 1)

    def padded(cells: list[dict[str, str]], kind: str = "") -> list[dict[str, str]]:
        return cells + [{"text": "", "kind": kind}] * (per - len(cells))

    class_averages = content.subject_averages()
    rows = []
    for row in content.rows:
        cells = []
        for s in block.subjects:
            cells += padded(
                [
                    {"text": cell_text(c), "kind": "pre" if c and c.preliminary else ""}
                    for c in row.cells[s]
                ]
            )
        if block.averages:
            values = [{"text": average_text(v, lang), "kind": "avg"} for v in row.averages]
            cells += padded(values, "avg")
        left = row.left_on and _left(row.left_on, lang)
        rows.append({"name": row.full_name, "left": left or None, "cells": cells})
    totals = []
    for s in block.subjects:
        totals += padded([{"text": average_text(v, lang)} for v in class_averages[s]])
    if block.averages:
        totals += padded([], "avg")
    heads = [{"name": content.subjects[s], "avg": False} for s in block.subjects]
    if block.averages:
        heads.append({"name": average, "avg": True})
    return {"heads": heads, "rows": rows, "class_row": totals}


def _left(day: dt.date, lang: str) -> str:
    return texts("core", lang)._("(left %(date)s)", date=formats.numeric_date(day, lang))


def statement_pdf(
    statement: Statement, *, language: str = DEFAULT_LANGUAGE, fingerprint: str | None = None
) -> bytes:
    """The statement on A4 landscape pages, set by Typst. CPU-bound: run it in a thread.

    With the audit chain's `fingerprint` (`ChainHead.fingerprint`) it is the archive's
    copy: the fingerprint printed on every page, the file PDF/A-3b.
    """
    data = statement_data(statement, language=language, fingerprint=fingerprint)
    return typeset_pdf(
        "statement.typ", data, archival=fingerprint is not None, created=statement.generated_at
    )


_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_PRELIMINARY = Font(italic=True, color="555555")
_BAND = PatternFill("solid", fgColor="EEEEEE")


def statement_xlsx(statement: Statement, *, language: str = DEFAULT_LANGUAGE) -> bytes:
    """One sheet: the table, the class averages, then the time and the content hash."""
    language = language if language in STAFF_LANGUAGES else DEFAULT_LANGUAGE
    t = labels(statement, language)
    words_of = texts("core", language)
    content = statement.content
    book = Workbook()
    sheet = book.active
    # Every cell goes through `put`: names typed by people stay text (core/reports/cells).
    sheet.title = sheet_title(content.class_name)
    put(sheet, 1, 1, t.title).font = Font(bold=True, size=13)
    put(sheet, 2, 1, words_of._("School: %(school)s", school=content.school))
    klass = words_of._(
        "Class: %(klass)s    Academic year: %(year)s", klass=content.class_name, year=content.year
    )
    put(sheet, 3, 1, klass)
    _xlsx_head(sheet, statement, language, first_row=5)
    row = 7
    for number, line in enumerate(content.rows, start=1):
        name = line.full_name
        if line.left_on is not None:
            left = formats.numeric_date(line.left_on, words_of.language)
            name = words_of._("%(name)s (left %(date)s)", name=name, date=left)
        values: list[Any] = [number, name]
        values += [_xlsx_value(cell) for by_subject in line.cells for cell in by_subject]
        values += [_rounded(value) for value in line.averages]
        _xlsx_row(sheet, row, values, line.cells)
        row += 1
    averages: list[Any] = ["", t.class_average]
    averages += [_rounded(v) for by_subject in content.subject_averages() for v in by_subject]
    averages += [None] * len(content.periods)
    _xlsx_row(sheet, row, averages, ())
    for column in range(1, len(averages) + 1):
        sheet.cell(row=row, column=column).fill = _BAND
    _xlsx_footer(sheet, statement, t, row + 2)
    _xlsx_layout(sheet, statement)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _xlsx_value(cell: Cell | None) -> Any:
    if cell is None:
        return None
    return cell.number if cell.number is not None else cell.value


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _xlsx_head(sheet: Any, statement: Statement, language: str, *, first_row: int) -> None:
    t = labels(statement, language)
    content = statement.content
    width = max(len(content.periods), 1)
    top, second = first_row, first_row + 1
    for column, text in ((1, t.number), (2, t.student)):
        put(sheet, top, column, text)
        sheet.merge_cells(start_row=top, start_column=column, end_row=second, end_column=column)
    groups = [*content.subjects, t.average]
    for index, name in enumerate(groups):
        start = 3 + index * width
        put(sheet, top, start, name)
        sheet.merge_cells(
            start_row=top, start_column=start, end_row=top, end_column=start + width - 1
        )
        for offset, period in enumerate(content.periods):
            put(sheet, second, start + offset, period.label(language))
    for row in (top, second):
        for column in range(1, 3 + len(groups) * width):
            cell = sheet.cell(row=row, column=column)
            cell.font, cell.alignment, cell.border, cell.fill = (
                Font(bold=True),
                _CENTER,
                _BOX,
                _BAND,
            )


def _xlsx_row(
    sheet: Any, row: int, values: list[Any], cells: tuple[tuple[Cell | None, ...], ...]
) -> None:
    flat = [cell for by_subject in cells for cell in by_subject]
    for column, value in enumerate(values, start=1):
        target = put(sheet, row, column, value)
        target.border = _BOX
        if column > 2:
            target.alignment = _CENTER
        if 3 <= column < 3 + len(flat):
            mark = flat[column - 3]
            if mark is not None and mark.preliminary:
                target.font = _PRELIMINARY
        if isinstance(value, float):
            target.number_format = "0.00"


def _xlsx_footer(sheet: Any, statement: Statement, t: Labels, row: int) -> None:
    if any(
        cell is not None and cell.preliminary
        for r in statement.content.rows
        for s in r.cells
        for cell in s
    ):
        put(sheet, row, 2, t.preliminary)
        row += 1
    for offset, text in enumerate((t.legend, t.generated, t.content_hash, t.hash_note)):
        put(sheet, row + offset, 2, text)


def _xlsx_layout(sheet: Any, statement: Statement) -> None:
    sheet.column_dimensions["A"].width = 4
    sheet.column_dimensions["B"].width = 34
    columns = (len(statement.content.subjects) + 1) * max(len(statement.content.periods), 1)
    for column in range(3, 3 + columns):
        sheet.column_dimensions[get_column_letter(column)].width = 6
    sheet.freeze_panes = "C7"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
