"""Typed errors of the core. Each carries a message a teacher or parent can act on.

`str(error)` is the Russian text; `error.message("en")` gives English. Entry points
map the class to a status (HTTP 404/403/422, a bot reply) without parsing text.
"""

from __future__ import annotations

from typing import ClassVar

from core.error_messages import translate


class ZvonokError(Exception):
    """Base of every error the core raises on purpose."""

    key: ClassVar[str] = "bad_value"

    def __init__(self, key: str | None = None, **params: object) -> None:
        self.key_used = key or self.key
        self.params = params
        super().__init__(self.message())

    def message(self, language: str = "ru") -> str:
        return translate(self.key_used, language, **self.params)


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


class InviteMalformed(InviteError):
    """Text that cannot be an invite code (checked before any database look-up)."""

    key = "invite_malformed"
