"""The rules the MAX stand-in enforces, apart from HTTP: its errors, limits and text checks.

Written from MAX's documentation (docs/max.md), not from our client: the stand-ins import
nothing of ours, so a mistake in notifier.max_api is met by the stand-in's refusals
instead of being mirrored by it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, Final

from notifier.standins.rates import Rate, Windows, admit, retry_after_seconds

MAX_TEXT_LENGTH: Final = 4000  # NewMessageBody.text maxLength
MAX_BUTTON_TEXT: Final = 128
MAX_CALLBACK_PAYLOAD: Final = 1024
MAX_LINK_URL: Final = 2048
BUTTON_TYPES: Final = frozenset(
    {
        "callback",
        "link",
        "request_geo_location",
        "request_contact",
        "open_app",
        "message",
        "clipboard",
    }
)
ATTACHMENT_TYPES: Final = frozenset(
    {
        "image",
        "video",
        "audio",
        "file",
        "sticker",
        "contact",
        "inline_keyboard",
        "location",
        "share",
    }
)
UPLOAD_TYPES: Final = frozenset({"image", "video", "audio", "file"})
SECRET: Final = re.compile(r"[a-zA-Z0-9_-]{5,256}")
_TAG: Final = re.compile(r"<[^<>]*>")


class Refusal(Exception):
    """An API error: its status and MAX's `{"code", "message"}` body."""

    def __init__(
        self, status: int, code: str, message: str, *, retry_after: int | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


def bad_request(message: str) -> Refusal:
    return Refusal(400, "proto.payload", message)


def not_found(message: str, code: str = "not.found") -> Refusal:
    return Refusal(404, code, message)


# Documented: 401 `verify.token`. Observed in production: `chat.denied` with
# `error.dialog.suspended` for a user who stopped or blocked the bot, and
# `dialog.not.found` / `error.dialog.notfound` for one who never started it.
INVALID_TOKEN: Final = Refusal(401, "verify.token", "Invalid access_token")
DIALOG_SUSPENDED: Final = ("chat.denied", "Key: error.dialog.suspended")
DIALOG_NOT_FOUND: Final = ("dialog.not.found", "Key: error.dialog.notfound")
NOT_READY: Final = Refusal(
    400, "attachment.not.ready", "Key: errors.process.attachment.file.not.processed"
)


def too_many_requests(retry_after: float) -> Refusal:
    return Refusal(
        429, "too.many.requests", "Too many requests", retry_after=retry_after_seconds(retry_after)
    )


def visible_text(text: str, text_format: str | None) -> str:
    """What a reader sees: MAX strips HTML tags it does not support instead of refusing."""
    if text_format == "html":
        return html.unescape(_TAG.sub("", text))
    return text


BOT_RATE: Final = Rate(30, 1.0)
ANSWER_RATE: Final = Rate(2, 1.0)


@dataclass(frozen=True)
class Limits:
    """30 requests a second per bot (the POST /uploads page), and the issue's two answers
    a second per dialog. `tolerance` shortens each window by that fraction, so a client
    pacing exactly at the rate is never refused for a few milliseconds of jitter."""

    per_bot: Rate = BOT_RATE
    answers_per_dialog: Rate = ANSWER_RATE
    tolerance: float = 0.05
    enabled: bool = True


class RateControl:
    """The bot's window and each dialog's answers window."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._windows = Windows()

    def _take(self, key: str, rate: Rate, now: float) -> None:
        if not self.limits.enabled:
            return
        wait = admit([self._windows.get(key, rate)], now, self.limits.tolerance)
        if wait > 0:
            raise too_many_requests(wait)

    def request(self, now: float) -> None:
        """Count one request of the bot, or refuse it with 429."""
        self._take("bot", self.limits.per_bot, now)

    def answer(self, dialog_id: int, now: float) -> None:
        self._take(f"answers:{dialog_id}", self.limits.answers_per_dialog, now)


def check_keyboard(payload: Any) -> list[list[dict[str, Any]]]:
    buttons = payload.get("buttons") if isinstance(payload, dict) else None
    if not isinstance(buttons, list) or not buttons:
        raise bad_request("inline_keyboard.payload.buttons: a two-dimensional array is required")
    for row in buttons:
        if not isinstance(row, list):
            raise bad_request("inline_keyboard.payload.buttons: each row is an array")
        for button in row:
            _check_button(button)
    return buttons


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or button.get("type") not in BUTTON_TYPES:
        raise bad_request(f"button: unknown type in {button!r}")
    text = button.get("text")
    if not isinstance(text, str) or not 1 <= len(text) <= MAX_BUTTON_TEXT:
        raise bad_request(f"button.text: 1 to {MAX_BUTTON_TEXT} characters")
    if button["type"] == "callback":
        payload = button.get("payload")
        if not isinstance(payload, str) or len(payload) > MAX_CALLBACK_PAYLOAD:
            raise bad_request(f"button.payload: required, at most {MAX_CALLBACK_PAYLOAD}")
    if button["type"] == "link":
        url = button.get("url")
        if not isinstance(url, str) or not 1 <= len(url) <= MAX_LINK_URL:
            raise bad_request(f"button.url: required, at most {MAX_LINK_URL}")
