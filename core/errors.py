"""Typed errors of the core. Each carries a message a teacher or parent can act on.

An error is a stable code and JSON parameters (`RuleViolation("bad_mark_value",
value=7)`: `error.code`, `error.params`); its text is rendered in the reader's
language when read (`error.message("en")`, core/error_texts). `str(error)` is the
Russian text. Entry points map the class to a status (HTTP 404/403/422, a bot reply)
and the code to an API's error code, without parsing text.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from core.error_texts import error_text, json_safe
from core.i18n import DEFAULT_LANGUAGE

# What `NotFound(what=...)` says was not found (core/error_texts/journal.py names them).
Thing = Literal[
    "announcement",
    "assignment",
    "class",
    "export",
    "group",
    "guardian",
    "holiday",
    "homework",
    "invite",
    "lesson",
    "link",  # an email's unsubscribe link (core.reading.unsubscription)
    "mark",
    "period",
    "roster_import",
    "school",
    "staff",
    "student",
    "subject",
    "teacher",
    "test",
    "timetable_entry",
    "token",
    "voided_entry",  # an entry a breach report voided (core.models.BreachVoid)
    "year",
]


class ZvonokError(Exception):
    """Base of every error the core raises on purpose."""

    key: ClassVar[str] = "bad_value"

    def __init__(self, key: str | None = None, **params: object) -> None:
        self.code = key or self.key
        self.params: dict[str, object] = {name: json_safe(v) for name, v in params.items()}
        super().__init__(self.message())

    @property
    def key_used(self) -> str:
        """The code (the name entry points used before `code`)."""
        return self.code

    def message(self, language: str = DEFAULT_LANGUAGE) -> str:
        return error_text(self.code, language, self.params)


class NotFound(ZvonokError):
    key = "not_found"


class Forbidden(ZvonokError):
    """The actor may not do this (role, assignment, or another school's data)."""

    key = "forbidden"


class AccountLocked(Forbidden):
    key = "account_locked"


class LoginBlocked(Forbidden):
    """Too many failed sign-ins with this login: it is closed for a while."""

    key = "login_blocked"


class RuleViolation(ZvonokError):
    """The input breaks a rule of the journal (a mark of 7, a lesson on a holiday...)."""


class BackupError(ZvonokError):
    """A backup, a restore or a drill cannot go on (core/backup); the message says what
    the IT person should do."""

    key = "backup_failed"


class InviteError(ZvonokError):
    """An invite code that cannot be redeemed."""


class InviteUnknown(InviteError):
    key = "invite_unknown"


class InviteExpired(InviteError):
    key = "invite_expired"


class InviteUsed(InviteError):
    key = "invite_used"


class InviteRevoked(InviteError):
    key = "invite_revoked"


class InviteElsewhere(InviteError):
    """A code typed in a messenger its school does not offer (`messenger`), with the
    one it does (`offered`)."""

    key = "invite_other_messenger"


class InviteMalformed(InviteError):
    """Text that cannot be an invite code (checked before any database look-up)."""

    key = "invite_malformed"
