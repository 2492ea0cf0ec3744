"""Staff errors of the roster import: the file, its rows, and the import itself."""

from __future__ import annotations

from collections.abc import Mapping

from core.error_texts.base import ErrorTable
from core.i18n import N_, Texts

ERRORS: dict[str, str] = {
    "roster_date_too_early": N_(
        "%(student)s has been in %(klass)s since %(since)s: the date %(date)s must be later."
    ),
    "roster_file_empty": N_("The file is empty: no header and no rows."),
    "roster_no_rows": N_("The file has a header but no rows of students."),
    "roster_file_too_big": N_("The file is larger than %(limit)s MB: split it into several."),
    "roster_old_xls": N_(
        "This is an old Excel file (.xls): save it as an Excel workbook (.xlsx) or as CSV."
    ),
    "roster_bad_xlsx": N_(
        "The file cannot be read as an Excel workbook (.xlsx); it may be damaged. "
        "Save it again, or as CSV."
    ),
    "roster_xlsx_no_sheet": N_(
        "The Excel workbook has no sheet at all: put the list on the first sheet and "
        "save the file again."
    ),
    "roster_sheet_too_long": N_(
        "The sheet goes on far below the list (rows that look empty count too): delete the "
        "rows under the list, or copy the list to a new workbook, and upload it again."
    ),
    "roster_bad_encoding": N_("The file's text cannot be read: save it as UTF-8 or Windows-1251."),
    "roster_bad_csv": N_("The CSV file is damaged near row %(row)s (an unclosed quote, say)."),
    "roster_duplicate_column": N_("Column “%(column)s” repeats column “%(first)s”: keep one."),
    "roster_missing_columns": N_(
        "The file lacks required columns: %(columns)s. Its first row must hold the column "
        "headers, as in the sample."
    ),
    "roster_bad_date": N_("Date “%(value)s” not understood: write DD.MM.YYYY, e.g. 02.04.2013."),
    "roster_unknown_class": N_(
        "There is no class “%(klass)s” in the school year of %(date)s. Classes: %(known)s."
    ),
    "roster_duplicate_in_file": N_("%(student)s is already in the file, in row %(row)s."),
    "roster_student_exists": N_("%(student)s is already at the school (%(klass)s)."),
    "roster_guardian_name_required": N_(
        "Give guardian %(n)s's last and first name (e.g. “Sokolova Anna Petrovna”)."
    ),
    "roster_phone_in_file": N_(
        "Number %(phone)s is given for someone else in row %(row)s: %(guardian)s."
    ),
    "roster_guardian_twice": N_("%(guardian)s is given twice in the row."),
    "roster_import_done": N_("This file has already been imported into the journal."),
    "roster_import_cancelled": N_("This file's import was cancelled: upload the file again."),
    "roster_import_expired": N_(
        "Files are kept at most %(hours)s h and this one was deleted: upload it again."
    ),
    "roster_import_not_checked": N_("The file is still being checked: wait for the check to end."),
}


def _too_many_rows(t: Texts, n: int, p: Mapping[str, object]) -> str:
    return t.ngettext(
        "The file has more than %(num)d row: split it into several.",
        "The file has more than %(num)d rows: split it into several.",
        n,
        **p,
    )


def _fix_first(t: Texts, n: int, p: Mapping[str, object]) -> str:
    return t.ngettext(
        "The file has errors in %(num)d row: fix them and upload the file again.",
        "The file has errors in %(num)d rows: fix them and upload the file again.",
        n,
        **p,
    )


def _has_errors(t: Texts, n: int, p: Mapping[str, object]) -> str:
    return t.ngettext(
        "While the file waited for confirmation the journal changed, and the file now has "
        "%(num)d error. Nothing was written: fix the file and upload it again.",
        "While the file waited for confirmation the journal changed, and the file now has "
        "%(num)d errors. Nothing was written: fix the file and upload it again.",
        n,
        **p,
    )


def columns(t: Texts) -> dict[str, str]:
    """The roster file's required columns, quoted, as the sample file heads them."""
    return {
        "last_name": t.pgettext("roster column", "“Last name”"),
        "first_name": t.pgettext("roster column", "“First name”"),
        "class": t.pgettext("roster column", "“Class”"),
    }


ROSTER = ErrorTable(
    "core",
    ERRORS,
    plurals={
        "roster_too_many_rows": ("limit", _too_many_rows),
        "roster_import_fix_first": ("count", _fix_first),
        "roster_import_has_errors": ("count", _has_errors),
    },
    words={"roster_missing_columns": {"columns": columns}},
)
