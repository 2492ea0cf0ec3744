"""A thin async client of the MAX Bot API on aiohttp (docs/max.md says what it relies on).

    api = MaxApi(token, settings.max_api_url)
    sent = await api.send_message(user_id=42, text="<b>5</b> по алгебре",
                                  attachments=[inline_keyboard([[CallbackButton("Ознакомлен", "ack:7")]])])
    batch = await api.get_updates(marker=marker)

The token travels only in the `Authorization` header: never in a URL, a log line, an
error or the client's repr. Failures raise the typed errors of `notifier.max_errors`.
Pacing is the caller's (MAX allows about 30 requests a second per bot).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any, Final, Literal

from notifier.http import HttpAnswer, HttpClient, HttpFailure
from notifier.max_errors import (
    MaxNetworkError,
    MaxServerError,
    error_from_response,
    refused,
)
from notifier.max_models import (
    MaxMessage,
    MaxUser,
    NewMessage,
    Subscription,
    TextFormat,
    UpdateBatch,
    parse_update,
)

MAX_API_URL: Final = "https://platform-api2.max.ru"
UploadType = Literal["file", "image", "video", "audio"]
# A long poll holds the request up to its `timeout`: the HTTP timeout must outlast it.
_POLL_GRACE: Final = 10.0

log = logging.getLogger(__name__)


class MaxApi:
    """One bot's client; open once per process, `close()` at the end."""

    def __init__(self, token: str, base_url: str = MAX_API_URL, *, timeout: float = 20.0) -> None:
        if not token:
            raise ValueError("a MAX bot token is required")
        self._token = token
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        # No default Authorization: the upload host (another domain) must not get the token.
        self._http = HttpClient(timeout=timeout)

    def __repr__(self) -> str:
        return f"MaxApi({self.base_url!r})"

    @property
    def token(self) -> str:
        """The bot's token (for the Redis key of its limit, hashed: `max_bot_key`)."""
        return self._token

    async def __aenter__(self) -> MaxApi:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.close()

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        http_timeout: float | None = None,
    ) -> Any:
        what = f"{method} {path}"
        query = {key: value for key, value in (params or {}).items() if value is not None}
        try:
            response = await self._http.request(
                method,
                self.base_url + path,
                params=query,
                json=body,
                headers={"Authorization": self._token},
                time_limit=http_timeout,
            )
        except HttpFailure as error:
            raise MaxNetworkError(what, str(error)) from None
        log.debug("MAX %s -> %s", what, response.status)
        if response.status != 200:
            raise error_from_response(what, response.status, response.body, response.headers)
        return _json(what, response)

    async def _simple(self, method: str, path: str, **kwargs: Any) -> None:
        """A call answering SimpleQueryResult: `success: false` raises too."""
        failure = refused(f"{method} {path}", await self._call(method, path, **kwargs))
        if failure is not None:
            raise failure

    async def me(self) -> MaxUser:
        """The bot itself (GET /me): a cheap check that the token works."""
        return MaxUser.from_json(await self._call("GET", "/me"))

    async def set_commands(self, commands: Sequence[tuple[str, str]]) -> None:
        """PATCH /me/commands: the (name, description) hints users see on typing «/»."""
        body = {"commands": [{"name": n, "description": d} for n, d in commands]}
        await self._call("PATCH", "/me/commands", body=body)

    async def send_message(
        self,
        *,
        user_id: int | None = None,
        chat_id: int | None = None,
        text: str | None,
        format: TextFormat | None = "html",
        attachments: Sequence[dict[str, Any]] = (),
        notify: bool = True,
    ) -> MaxMessage:
        """POST /messages to a user (their dialog) or a chat; exactly one of the two."""
        if (user_id is None) == (chat_id is None):
            raise ValueError("give exactly one of user_id and chat_id")
        body = NewMessage(text, format, attachments, notify).to_json()
        result = await self._call(
            "POST", "/messages", params={"user_id": user_id, "chat_id": chat_id}, body=body
        )
        return MaxMessage.from_json(result["message"])

    async def edit_message(
        self,
        message_id: str,
        *,
        text: str | None,
        format: TextFormat | None = "html",
        attachments: Sequence[dict[str, Any]] | None = None,
        notify: bool = True,
    ) -> None:
        """PUT /messages: a new text; `attachments` None keeps them, () removes them."""
        body = NewMessage(text, format, attachments or (), notify).to_json()
        if attachments is None:
            body["attachments"] = None
        await self._simple("PUT", "/messages", params={"message_id": message_id}, body=body)

    async def delete_message(self, message_id: str) -> None:
        await self._simple("DELETE", "/messages", params={"message_id": message_id})

    async def answer_callback(
        self,
        callback_id: str,
        *,
        notification: str | None = None,
        message: NewMessage | None = None,
    ) -> None:
        """POST /answers: a one-off notice and/or a replacement of the pressed message."""
        if notification is None and message is None:
            raise ValueError("an answer needs a notification or a message")
        body: dict[str, Any] = {}
        if notification is not None:
            body["notification"] = notification
        if message is not None:
            body["message"] = message.to_json()
        await self._simple("POST", "/answers", params={"callback_id": callback_id}, body=body)

    async def get_updates(
        self,
        *,
        marker: int | None = None,
        timeout: int = 30,  # noqa: ASYNC109  (MAX's long-poll wait, a parameter of the API)
        limit: int = 100,
        types: Iterable[str] | None = None,
    ) -> UpdateBatch:
        """GET /updates (long polling): waits up to `timeout` seconds for updates.

        Passing the previous batch's `marker` acknowledges everything before it.
        """
        params = {
            "marker": marker,
            "timeout": timeout,
            "limit": limit,
            "types": ",".join(types) if types is not None else None,
        }
        result = await self._call(
            "GET", "/updates", params=params, http_timeout=timeout + _POLL_GRACE
        )
        updates = [parse_update(update) for update in result.get("updates") or []]
        next_marker = result.get("marker")
        return UpdateBatch(updates, None if next_marker is None else int(next_marker))

    async def upload_file(
        self, filename: str, data: bytes, type: UploadType = "file"
    ) -> dict[str, Any]:
        """Upload in MAX's two steps; returns the attachment to put in a message
        (`{"type": "file", "payload": {"token": ...}}`)."""
        endpoint = await self._call("POST", "/uploads", params={"type": type})
        what = f"POST <upload url for {type}>"
        try:
            # The URL is self-authorizing and on another host: no token goes there.
            response = await self._http.request(
                "POST",
                str(endpoint["url"]),
                files={"data": (filename, data)},
                time_limit=self.timeout * 3,
            )
        except HttpFailure as error:
            raise MaxNetworkError(what, str(error)) from None
        if response.status != 200:
            raise error_from_response(what, response.status, response.body, response.headers)
        if type in ("video", "audio"):  # their token comes with the URL, not the upload
            return {"type": type, "payload": {"token": endpoint["token"]}}
        payload = _json(what, response)
        if not isinstance(payload, dict) or not payload:
            raise MaxServerError(what, 200, None, "the upload answered no token")
        return {"type": type, "payload": payload}

    async def subscribe(
        self, url: str, secret: str | None, update_types: Iterable[str] | None = None
    ) -> None:
        """POST /subscriptions: updates are then POSTed to `url` (and long polling stops)."""
        body: dict[str, Any] = {"url": url}
        if update_types is not None:
            body["update_types"] = list(update_types)
        if secret is not None:
            body["secret"] = secret
        await self._simple("POST", "/subscriptions", body=body)

    async def unsubscribe(self, url: str) -> None:
        await self._simple("DELETE", "/subscriptions", params={"url": url})

    async def subscriptions(self) -> list[Subscription]:
        result = await self._call("GET", "/subscriptions")
        return [
            Subscription(str(s["url"]), int(s.get("time") or 0), tuple(s.get("update_types") or ()))
            for s in result.get("subscriptions") or []
        ]


def _json(what: str, response: HttpAnswer) -> Any:
    try:
        return response.json()
    except ValueError:
        raise MaxServerError(what, response.status, None, "the answer is not JSON") from None
