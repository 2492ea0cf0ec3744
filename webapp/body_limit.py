"""The request size cap (`ZVONOK_MAX_REQUEST_BYTES`): a bigger body is answered 413
before the app reads it, and before any work on who is asking.

A plain ASGI middleware, outside everything but Starlette's error page: a declared
`Content-Length` over the cap is refused without calling the app at all; a body sent
in chunks (no length, or a lying one) is counted as it is read, and the moment it
passes the cap the request is refused. Whatever the app made of the cut-off body
(FastAPI turns a failed read into a 400 of its own) is replaced by the 413.
"""

from __future__ import annotations

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core import formats
from core.i18n import texts
from webapp.auth import request_language
from webapp.errors import error_response, is_api


class BodyTooLarge(Exception):
    """Raised into the app's read of a body that passed the cap."""


class RequestSizeLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit: int = scope["app"].state.settings.max_request_bytes
        if _declared_length(scope) > limit:
            await _refuse(scope, receive, send, limit)
            return
        counted, refused, started = 0, False, False

        async def receive_counted() -> Message:
            nonlocal counted, refused
            message = await receive()
            if message["type"] == "http.request":
                counted += len(message.get("body", b""))
                if counted > limit:
                    refused = True
                    raise BodyTooLarge
            return message

        async def send_unless_refused(message: Message) -> None:
            nonlocal started
            if refused:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _refuse(scope, receive, send, limit)
                return  # the app's own answer to the cut-off body is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive_counted, send_unless_refused)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(scope, receive, send, limit)


def _declared_length(scope: Scope) -> int:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0  # the server refuses a malformed length before we see it
    return 0


async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    request = Request(scope, receive)
    lang = request_language(request, api=is_api(request))
    message = texts("web", lang)._(
        "The request is too large: at most %(size)s can be sent at once.",
        size=formats.file_size(limit, lang),
    )
    response = error_response(request, status=413, code="too_large", message=message, lang=lang)
    response.headers["Connection"] = "close"  # the rest of the body is not read
    await response(scope, receive, send)
