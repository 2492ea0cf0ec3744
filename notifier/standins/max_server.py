"""A MAX Bot API stand-in over HTTP, for tests, benchmarks and offline runs.

The bot's client talks to it as to `https://platform-api2.max.ru`: the token in the
`Authorization` header, JSON bodies, MAX's `{"code", "message"}` errors, its 30 requests
a second. `/upload/<id>` plays the upload host; `/_standin/...` is the control API to
inject updates and failures and to read what the bot sent (`max_control_api.py`).

`/chat/` is a page where a person writes to the bot as a parent (`chat_page`).

Run alone: `python -m notifier.standins.max_server --port 8082 --token zvonok-demo-max`.
In-process: `notifier.standins.max_control.run_max_standin`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from notifier.standins.chat_page import ChatPage, PageMessenger
from notifier.standins.faults import DroppedResponse, InjectedFailure
from notifier.standins.max_control_api import ControlApi
from notifier.standins.max_methods import BotApi, Call
from notifier.standins.max_rules import (
    INVALID_TOKEN,
    Limits,
    Refusal,
    bad_request,
    not_found,
    too_many_requests,
)
from notifier.standins.max_state import MaxStandin
from notifier.standins.serving import serve_main, standin_app, standin_arguments

DEFAULT_TOKEN = "zvonok-standin-max-token"  # noqa: S105  (a fake bot's token)
# path -> {HTTP method: handler name}; names are what failures can target.
API_ROUTES: dict[str, dict[str, str]] = {
    "/me": {"GET": "me"},
    "/me/commands": {"PATCH": "commands"},
    "/messages": {"POST": "send", "PUT": "edit", "DELETE": "delete"},
    "/answers": {"POST": "answer"},
    "/updates": {"GET": "updates"},
    "/uploads": {"POST": "uploads"},
    "/subscriptions": {"GET": "subscriptions", "POST": "subscribe", "DELETE": "unsubscribe"},
}


def error_response(refusal: Refusal) -> Response:
    headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else None
    return JSONResponse(refusal.body(), status_code=refusal.status, headers=headers)


def _injected(failure: InjectedFailure) -> Response:
    if failure.status is None:
        return DroppedResponse()
    if failure.status == 429:
        return error_response(too_many_requests(failure.retry_after or 1))
    code = "service.unavailable" if failure.status == 503 else "internal.error"
    return error_response(Refusal(failure.status, code, "Injected failure"))


async def _json_body(request: Request) -> dict[str, Any]:
    if request.method not in ("POST", "PUT", "PATCH"):
        return {}
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise bad_request("Invalid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("A JSON object is expected")
    return body


class ApiServer:
    """Token, injected failures, the rate limit, then the method."""

    def __init__(self, standin: MaxStandin, school_bots: Sequence[MaxStandin] = ()) -> None:
        """`school_bots`: more bots at the same address (a school's own), told apart by
        their tokens, each with its own limit and state."""
        self.standin = standin
        self.bots = {bot.token: bot for bot in (standin, *school_bots)}
        self.handlers = {bot.token: BotApi(bot).handlers() for bot in self.bots.values()}

    async def endpoint(self, request: Request) -> Response:
        name = API_ROUTES[request.url.path][request.method]
        # An unknown token reaches the main bot, which refuses it (401).
        standin = self.bots.get(request.headers.get("authorization", ""), self.standin)
        if standin.latency > 0:
            await asyncio.sleep(standin.latency)
        failure = standin.take_failure(name)
        if failure is not None:  # a gateway in front of MAX fails before MAX reads anything
            standin.count(name, failure.status)
            return _injected(failure)
        try:
            # Only the header: "passing the token as a query parameter is no longer supported".
            if request.headers.get("authorization") != standin.token:
                raise INVALID_TOKEN
            standin.rates.request(time.monotonic())
            base_url = str(request.base_url).rstrip("/")
            call = Call(dict(request.query_params), await _json_body(request), base_url)
            result = await self.handlers[standin.token][name](call)
        except Refusal as refusal:
            standin.count(name, refusal.status)
            return error_response(refusal)
        standin.count(name, 200)
        return JSONResponse(result)

    def _uploader(self, upload_id: str) -> MaxStandin:
        """The bot that asked for the upload URL (the main bot for an unknown one)."""
        return next((b for b in self.bots.values() if upload_id in b.uploads), self.standin)

    async def upload(self, request: Request) -> Response:
        """The upload host: one file per URL, multipart field `data` (or a raw body)."""
        standin = self._uploader(request.path_params["upload_id"])
        failure = standin.take_failure("upload")
        if failure is not None:
            standin.count("upload", failure.status)
            return _injected(failure)
        try:
            result = await self._store(standin, request)
        except Refusal as refusal:
            standin.count("upload", refusal.status)
            return error_response(refusal)
        standin.count("upload", 200)
        return JSONResponse(result)

    async def _store(self, standin: MaxStandin, request: Request) -> dict[str, Any]:
        upload = standin.uploads.get(request.path_params["upload_id"])
        if upload is None:
            raise not_found("Upload URL not found")
        if upload.data is not None:
            raise bad_request("This upload URL already has its file")
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            async with request.form() as form:
                data = form.get("data")
                if not isinstance(data, UploadFile):
                    raise bad_request("data: a file is required")
                upload.filename, upload.content_type = data.filename, data.content_type
                upload.data = await data.read()
        else:
            upload.data = await request.body()
            upload.content_type = request.headers.get("content-type")
        upload.ready_at = time.monotonic() + standin.processing_seconds
        standin.files[upload.token] = upload
        if upload.kind in ("video", "audio"):
            return {"retval": "1"}
        return {"token": upload.token}


def chat_page(standin: MaxStandin, invites_file: Path | None) -> ChatPage:
    messenger = PageMessenger(
        "max",
        ControlApi.prefix,
        ControlApi.recipient,
        bot=standin.bot_json,
        received=standin.received_in,
        chats=standin.chats_seen,
    )
    return ChatPage(messenger, invites_file)


def school_bot_prefix(username: str) -> str:
    """The control API of a school's own bot (by its username) served beside the main one."""
    return f"{ControlApi.prefix}/bots/{username}"


def create_app(
    standin: MaxStandin,
    *,
    invites_file: Path | None = None,
    school_bots: Sequence[MaxStandin] = (),
) -> Starlette:
    """The Bot API, the upload host, the control API and the chat page (`/chat/`, which
    shows the demo school's invite codes from `invites_file`); `school_bots` are more
    bots at the same address, each with its control API (`school_bot_prefix`)."""
    server = ApiServer(standin, school_bots)
    routes = [
        *(
            Route(path, server.endpoint, methods=list(methods))
            for path, methods in API_ROUTES.items()
        ),
        Route("/upload/{upload_id}", server.upload, methods=["POST"]),
        *ControlApi(standin).routes(),
        *(
            r
            for bot in school_bots
            for r in ControlApi(bot, school_bot_prefix(bot.username)).routes()
        ),
        *chat_page(standin, invites_file).routes(),
    ]
    return standin_app(routes, [standin.updates, *(bot.updates for bot in school_bots)])


def main(argv: list[str] | None = None) -> None:
    parser = standin_arguments("MAX Bot API stand-in", port=8082, token=DEFAULT_TOKEN)
    parser.add_argument("--username", default="zvonok_demo_bot", help="the bot's nickname")
    parser.add_argument(
        "--school-bot",
        action="append",
        default=[],
        metavar="TOKEN=USERNAME",
        help="another bot at the same address (a school's own); repeatable",
    )
    args = parser.parse_args(argv)
    limits = Limits(enabled=not args.no_limits)
    standin = MaxStandin(args.token, username=args.username, limits=limits)
    others = []
    for spec in args.school_bot:
        token, sep, username = spec.partition("=")
        if not sep or not token or not username:
            parser.error(f"--school-bot takes TOKEN=USERNAME, not {spec!r}")
        others.append(MaxStandin(token, username=username, limits=limits))
    app = create_app(standin, invites_file=args.invites_file, school_bots=others)
    serve_main(app, args)


if __name__ == "__main__":
    main()
