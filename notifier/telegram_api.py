"""A thin async client of the Telegram Bot API on aiohttp, for the processes that only send.

    api = TelegramApi(token, "https://api.telegram.org")
    message_id = await api.send_message(42, "<b>5</b> по алгебре", parse_mode="HTML")

The workers send two kinds of request, `sendMessage` and `sendDocument`; aiogram (which
the bot keeps, for its updates) builds a pydantic model of every Bot API type on import
and validates each request and answer through them: seconds of CPU per process start
and a share of every send. This client posts JSON (a document: multipart), reads
`{"ok": ..., "result": ..., "error_code": ..., "description": ..., "parameters": ...}`
and raises the typed errors below; `notifier.telegram.classify` maps them once.

The token is part of the Bot API's URLs (`/bot<token>/<method>`): it never appears in an
error, a repr or a log line of ours (aiohttp's client logs no request lines).
"""

from __future__ import annotations

import json
from typing import Any, Final

from notifier.http import HttpClient, HttpFailure

TELEGRAM_API_URL: Final = "https://api.telegram.org"


class TelegramError(Exception):
    """Any failure of a Bot API call; `method` is the Bot API method."""

    def __init__(self, method: str, description: str) -> None:
        super().__init__(f"{method}: {description}")
        self.method = method
        self.description = description


class TelegramNetworkError(TelegramError):
    """No usable answer: connection refused or dropped, a timeout, a body that is not
    the Bot API's JSON (a proxy's error page)."""


class TelegramApiError(TelegramError):
    """Telegram answered `ok: false`: `error_code` (the HTTP status it gives), its
    description, and the `parameters` it may add (`retry_after`, `migrate_to_chat_id`)."""

    def __init__(
        self, method: str, error_code: int, description: str, parameters: dict[str, Any]
    ) -> None:
        super().__init__(method, f"{error_code} {description}")
        self.error_code = error_code
        self.text = description
        self.retry_after = _number(parameters.get("retry_after"))
        migrate = parameters.get("migrate_to_chat_id")
        self.migrate_to_chat_id = migrate if isinstance(migrate, int) else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def bot_id(token: str) -> int:
    """The bot's numeric id: the part of its token before the colon."""
    head, colon, tail = token.partition(":")
    if not head.isdigit() or not colon or not tail or any(c.isspace() for c in token):
        raise ValueError("a Telegram bot token looks like 123456:ABC…")
    return int(head)


class TelegramApi:
    """One bot's client; open once per process, `close()` at the end."""

    def __init__(
        self, token: str, base_url: str = TELEGRAM_API_URL, *, timeout: float = 30.0
    ) -> None:
        self.id = bot_id(token)
        self._token = token
        self.base_url = base_url.rstrip("/")
        self._http = HttpClient(timeout=timeout)

    def __repr__(self) -> str:
        return f"TelegramApi(bot {self.id} at {self.base_url!r})"

    async def close(self) -> None:
        await self._http.close()

    async def call(
        self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]] | None = None
    ) -> Any:
        """One Bot API method: JSON parameters, or a multipart form when sending files.
        Returns the answer's `result`; raises TelegramApiError or TelegramNetworkError."""
        given = {key: value for key, value in params.items() if value is not None}
        url = f"{self.base_url}/bot{self._token}/{method}"
        try:
            if files:
                form = {
                    key: value if isinstance(value, str) else json.dumps(value)
                    for key, value in given.items()
                }
                response = await self._http.request("POST", url, form=form, files=files)
            else:
                response = await self._http.request("POST", url, json=given)
        except HttpFailure as error:
            # The error's text may hold the URL, and so the token.
            text = str(error).replace(self._token, "<token>")
            raise TelegramNetworkError(method, text) from None
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or "ok" not in answer:
            raise TelegramNetworkError(method, f"HTTP {response.status}, not a Bot API answer")
        if answer["ok"] is not True:
            code = answer.get("error_code")
            parameters = answer.get("parameters")
            raise TelegramApiError(
                method,
                code if isinstance(code, int) else response.status,
                str(answer.get("description") or ""),
                parameters if isinstance(parameters, dict) else {},
            )
        return answer.get("result")

    async def send_message(
        self,
        chat_id: int | str,
        text: str,
        *,
        parse_mode: str | None = None,
        reply_markup: dict[str, Any] | None = None,
        allow_paid_broadcast: bool = False,
    ) -> int:
        """sendMessage; returns the new message's id. `allow_paid_broadcast`: beyond the
        bot's free rate, for 0.1 Star (`notifier.paid_broadcast`)."""
        params = {
            "chat_id": chat_id,
            "text": text,
            "parse_mode": parse_mode,
            "reply_markup": reply_markup,
            "allow_paid_broadcast": True if allow_paid_broadcast else None,
        }
        return _message_id("sendMessage", await self.call("sendMessage", params))

    async def send_document(
        self,
        chat_id: int | str,
        filename: str,
        data: bytes,
        *,
        caption: str | None = None,
        parse_mode: str | None = None,
    ) -> int:
        """sendDocument with the file uploaded in the request; returns the message's id."""
        params = {"chat_id": str(chat_id), "caption": caption, "parse_mode": parse_mode}
        result = await self.call("sendDocument", params, files={"document": (filename, data)})
        return _message_id("sendDocument", result)


def _message_id(method: str, result: Any) -> int:
    message_id = result.get("message_id") if isinstance(result, dict) else None
    if not isinstance(message_id, int):
        raise TelegramNetworkError(method, "the answer holds no message id")
    return message_id
