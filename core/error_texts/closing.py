"""Staff errors of a closed journal: closing a year or a period, and corrections after."""

from __future__ import annotations

from core.error_texts.base import ErrorTable
from core.i18n import N_

ERRORS: dict[str, str] = {
    "journal_closed_year": N_(
        "The journal of %(date)s is closed: the academic year %(name)s was closed by the "
        "administrator and is read-only. Only the administrator can correct it, with a reason."
    ),
    "journal_closed_period": N_(
        "The journal of %(date)s is closed: the period “%(name)s” was closed by the "
        "administrator and is read-only. Only the administrator can correct it, with a reason."
    ),
    "journal_closed_year_admin": N_(
        "The journal of %(date)s is closed with the academic year %(name)s. To change it, "
        "make a correction and write its reason."
    ),
    "journal_closed_period_admin": N_(
        "The journal of %(date)s is closed with the period “%(name)s”. To change it, "
        "make a correction and write its reason."
    ),
    "correction_of_open_journal": N_(
        "The journal of %(date)s is not closed: its teachers write it; a correction is only "
        "for a closed period or year."
    ),
    "correction_reason_required": N_(
        "Write the reason for the correction: a few words, at least %(min)s characters."
    ),
    "year_not_ended": N_(
        "The academic year %(name)s ends on %(date)s: it can be closed from the next day on."
    ),
    "period_not_ended": N_(
        "The period “%(name)s” ends on %(date)s: it can be closed from the next day on."
    ),
    "calendar_closed": N_(
        "The academic year %(name)s is closed: its periods and holidays stay as they were "
        "when it was closed."
    ),
    "period_closed_kept": N_("The period “%(name)s” is closed: it cannot be deleted."),
    "close_year_instead": N_(
        "“%(name)s” is the whole year's marks: close the academic year instead."
    ),
}

CLOSING = ErrorTable("core", ERRORS)
