"""The MAX Bot API's failures as typed errors, mapped once from status and code.

MAX answers an error with its HTTP status and `{"code": "...", "message": "..."}`
(docs/max.md). Callers classify by class, never by parsing texts: a `MaxRateLimited`
is retried after `retry_after`, a `MaxServerError` or `MaxNetworkError` after a backoff,
a `recipient_gone` error means the parent's MAX contact is dead (fall back), the rest
are mistakes retrying cannot mend.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Mapping
from typing import Any, Final

# The user stopped or blocked the bot, or deleted the dialog (observed in production:
# 403 `chat.denied` with `Key: error.dialog.suspended`).
_DENIED_CODES: Final = frozenset({"chat.denied", "access.denied", "error.dialog.suspended"})
# The dialog or chat does not exist for this bot (never started, deleted).
_GONE_CODES: Final = frozenset({"dialog.not.found", "chat.not.found", "error.dialog.notfound"})
_NOT_READY: Final = "attachment.not.ready"
_RATE_LIMITED: Final = "too.many.requests"


class MaxError(Exception):
    """Any failure of a MAX Bot API call. `what` is the call ("POST /messages")."""

    def __init__(self, what: str, description: str) -> None:
        super().__init__(f"{what}: {description}")
        self.what = what
        self.description = description

    @property
    def recipient_gone(self) -> bool:
        """True when the user or chat cannot receive from this bot any more."""
        return False


class MaxNetworkError(MaxError):
    """No answer: connection refused or dropped, timeout, a broken response."""


class MaxApiError(MaxError):
    """MAX answered with an error status (or `success: false`)."""

    def __init__(self, what: str, status: int, code: str | None, description: str) -> None:
        super().__init__(what, f"{status} {code or '-'}: {description}")
        self.status = status
        self.code = code


class MaxBadRequest(MaxApiError):
    """The request itself is wrong (400, 405, other 4xx): retrying it cannot help."""


class MaxAttachmentNotReady(MaxBadRequest):
    """A file sent before MAX finished processing it: send again after a pause."""


class MaxUnauthorized(MaxApiError):
    """The token is wrong or revoked (401)."""


class MaxForbidden(MaxApiError):
    """The user stopped or blocked the bot, or the bot may not write there (403)."""

    @property
    def recipient_gone(self) -> bool:
        return True


class MaxNotFound(MaxApiError):
    """A message, chat or dialog that does not exist (404)."""

    @property
    def recipient_gone(self) -> bool:
        # A missing message (an edit too late) says nothing about the dialog.
        return self.code in _GONE_CODES or any(code in self.description for code in _GONE_CODES)


class MaxRateLimited(MaxApiError):
    """Over MAX's requests a second (429); `retry_after` in seconds when MAX said."""

    def __init__(
        self, what: str, status: int, code: str | None, description: str, retry_after: float | None
    ) -> None:
        super().__init__(what, status, code, description)
        self.retry_after = retry_after


class MaxServerError(MaxApiError):
    """MAX is unwell (5xx): the same request may pass later."""


def _error_body(content: bytes) -> tuple[str | None, str]:
    try:
        body = json.loads(content)
    except ValueError:
        return None, content.decode(errors="replace")[:200]
    if not isinstance(body, dict):
        return None, str(body)[:200]
    code = body.get("code") or body.get("error")
    return (str(code) if code else None), str(body.get("message") or "")


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """`Retry-After` as seconds (a number or an HTTP date), None when absent or unreadable."""
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def error_from_response(
    what: str, status: int, content: bytes, headers: Mapping[str, str]
) -> MaxApiError:
    """The typed error for a non-200 answer: by code where MAX's code is telling, else
    by status."""
    code, message = _error_body(content)
    both = f"{code or ''} {message}"
    if status == 429 or code == _RATE_LIMITED:
        return MaxRateLimited(what, status, code, message, retry_after_seconds(headers))
    if code == _NOT_READY:
        return MaxAttachmentNotReady(what, status, code, message)
    if any(denied in both for denied in _DENIED_CODES):
        return MaxForbidden(what, status, code, message)
    if any(gone in both for gone in _GONE_CODES):
        return MaxNotFound(what, status, code, message)
    by_status: dict[int, type[MaxApiError]] = {
        401: MaxUnauthorized,
        403: MaxForbidden,
        404: MaxNotFound,
    }
    if status in by_status:
        return by_status[status](what, status, code, message)
    if status >= 500:
        return MaxServerError(what, status, code, message)
    return MaxBadRequest(what, status, code, message)


def refused(what: str, result: Any) -> MaxApiError | None:
    """The error for a 200 answer `{"success": false, "message": ...}`, else None."""
    if isinstance(result, dict) and result.get("success") is False:
        return MaxBadRequest(what, 200, None, str(result.get("message") or "success: false"))
    return None
