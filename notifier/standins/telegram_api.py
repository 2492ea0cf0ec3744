"""A Telegram Bot API emulator over HTTP, for tests, benchmarks and offline runs.

The real aiogram session talks to it: `TelegramAPIServer.from_base(base_url)`.
`/bot{token}/{method}` speaks the Bot API (JSON, urlencoded and multipart bodies, the
`{"ok": ...}` envelope, Telegram's error texts and flood limits); `/_emulator/...` is a JSON
control API to inject updates and failures and to read what the bot sent.

`/chat/` is a page where a person writes to the bot as a parent (`telegram_chat_page`).

Run alone: `python -m notifier.standins.telegram_api --port 8081 --token 123:ABC`.
In-process: `notifier.standins.telegram_control.run_telegram_emulator`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from notifier.standins.telegram_chat_page import ChatPageApi
from notifier.standins.telegram_emulator import CHAT_FAILURES, InjectedFailure, TelegramEmulator
from notifier.standins.telegram_injection import inject_callback, inject_message
from notifier.standins.telegram_methods import BotApi
from notifier.standins.telegram_params import Params, UploadedFile
from notifier.standins.telegram_rules import FloodLimits, Rate

DEFAULT_TOKEN = "123456789:ZVONOK-emulated-token"  # noqa: S105  (a fake bot's token)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
Endpoint = Callable[[Request], Awaitable[Response]]


class ControlError(Exception):
    """A malformed control request: answered with 400 and a reason."""


async def read_params(request: Request) -> Params:
    """Query string plus body, whichever encoding the client chose (aiogram: forms)."""
    params = Params(dict(request.query_params))
    content_type = request.headers.get("content-type", "")
    if request.method != "POST":
        return params
    if content_type.startswith("application/json"):
        body = json.loads(await request.body() or b"{}")
        if isinstance(body, dict):
            params.values.update(body)
    elif content_type.startswith(_FORM_TYPES):
        async with request.form() as form:
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    data = await value.read()
                    filename = value.filename or key
                    params.files[key] = UploadedFile(filename, data, value.content_type)
                else:
                    params.values[key] = value
    return params


def bot_api_endpoint(api: BotApi) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            params = await read_params(request)
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = {"ok": False, "error_code": 400, "description": "Bad Request: can't parse JSON"}
            return JSONResponse(body, status_code=400)
        status, body = await api.call(
            request.path_params["token"], request.path_params["method"], params
        )
        return JSONResponse(body, status_code=status)

    return endpoint


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except json.JSONDecodeError as error:
        raise ControlError(f"invalid JSON: {error}") from None
    if not isinstance(body, dict):
        raise ControlError("expected a JSON object")
    return body


def _rate(value: Any, current: Rate) -> Rate:
    if value is None:
        return current
    return Rate(int(value["limit"]), float(value["period"]))


class ControlApi:
    """`/_emulator/...`: the test's hands on the emulator."""

    def __init__(self, emulator: TelegramEmulator) -> None:
        self.emu = emulator

    async def message(self, request: Request) -> dict[str, Any]:
        return inject_message(self.emu, await _body(request))

    async def callback(self, request: Request) -> dict[str, Any]:
        return inject_callback(self.emu, await _body(request))

    async def update(self, request: Request) -> dict[str, Any]:
        return {"update_id": self.emu.updates.push(await _body(request))}

    async def sent(self, request: Request) -> dict[str, Any]:
        query = request.query_params
        chat_id = int(query["chat_id"]) if "chat_id" in query else None
        found = await self.emu.wait_sent(
            chat_id, int(query.get("wait_count", 0)), float(query.get("within", 0))
        )
        return {"messages": [message.to_json() for message in found]}

    async def callback_answers(self, request: Request) -> dict[str, Any]:
        return {"answers": self.emu.callback_answers}

    async def stats(self, request: Request) -> dict[str, Any]:
        return self.emu.stats_json()

    async def chat_state(self, request: Request) -> dict[str, Any]:
        chat_id, state = int(request.path_params["chat_id"]), (await _body(request)).get("state")
        if state == "ok":
            self.emu.chat_states.pop(chat_id, None)
        elif state in CHAT_FAILURES:
            self.emu.chat_states[chat_id] = state
        else:
            raise ControlError(f"state must be ok or one of {sorted(CHAT_FAILURES)}")
        return {"chat_id": chat_id, "state": state}

    async def failures(self, request: Request) -> dict[str, Any]:
        body = await _body(request)
        methods = body.get("methods")
        self.emu.failures.append(
            InjectedFailure(
                remaining=int(body.get("count", 1)),
                status=int(body.get("status", 502)),
                description=str(body.get("description", "Bad Gateway")),
                methods=frozenset(m.lower() for m in methods) if methods else None,
                after=int(body.get("after", 0)),
                retry_after=int(body["retry_after"]) if "retry_after" in body else None,
            )
        )
        return {"pending": sum(f.remaining for f in self.emu.failures)}

    async def latency(self, request: Request) -> dict[str, Any]:
        self.emu.latency = float((await _body(request)).get("seconds", 0))
        return {"seconds": self.emu.latency}

    async def limits(self, request: Request) -> dict[str, Any]:
        body, now = await _body(request), self.emu.flood.limits
        self.emu.flood.limits = FloodLimits(
            per_bot=_rate(body.get("per_bot"), now.per_bot),
            per_chat=_rate(body.get("per_chat"), now.per_chat),
            per_group=_rate(body.get("per_group"), now.per_group),
            tolerance=float(body.get("tolerance", now.tolerance)),
            enabled=bool(body.get("enabled", now.enabled)),
        )
        return {"limits": repr(self.emu.flood.limits)}

    async def reset(self, request: Request) -> dict[str, Any]:
        await self.emu.reset()
        return {"reset": True}

    async def document(self, request: Request) -> Response:
        message_id = int(request.path_params["message_id"])
        for message in self.emu.sent:
            if message.message_id == message_id and message.document is not None:
                return Response(message.document, media_type="application/octet-stream")
        return JSONResponse({"error": "no such document"}, status_code=404)

    def routes(self) -> list[Route]:
        def json_route(
            path: str, handler: Callable[[Request], Awaitable[dict[str, Any]]], method: str
        ) -> Route:
            async def endpoint(request: Request) -> Response:
                try:
                    return JSONResponse(await handler(request))
                except (ControlError, KeyError, ValueError, TypeError) as error:
                    return JSONResponse({"error": str(error)}, status_code=400)

            return Route(f"/_emulator/{path}", endpoint, methods=[method])

        return [
            json_route("updates/message", self.message, "POST"),
            json_route("updates/callback", self.callback, "POST"),
            json_route("updates", self.update, "POST"),
            json_route("sent", self.sent, "GET"),
            json_route("callback_answers", self.callback_answers, "GET"),
            json_route("stats", self.stats, "GET"),
            json_route("chats/{chat_id}", self.chat_state, "POST"),
            json_route("failures", self.failures, "POST"),
            json_route("latency", self.latency, "POST"),
            json_route("limits", self.limits, "POST"),
            json_route("reset", self.reset, "POST"),
            Route("/_emulator/documents/{message_id:int}", self.document, methods=["GET"]),
        ]


def create_app(emulator: TelegramEmulator, *, invites_file: Path | None = None) -> Starlette:
    """The Bot API, its control API and the chat page (`/chat/`, which shows the demo
    school's invite codes from `invites_file`)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await emulator.updates.close()

    bot_api = bot_api_endpoint(BotApi(emulator))
    routes = [
        Route("/bot{token}/{method}", bot_api, methods=["GET", "POST"]),
        *ControlApi(emulator).routes(),
        *ChatPageApi(emulator, invites_file).routes(),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Telegram Bot API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--no-limits", action="store_true", help="disable flood limits")
    parser.add_argument(
        "--invites-file", type=Path, help="demo invite codes to show on the chat page (/chat/)"
    )
    parser.add_argument(
        "--log-level", default="info", choices=["debug", "info", "warning", "error"]
    )
    args = parser.parse_args(argv)
    emulator = TelegramEmulator(args.token, limits=FloodLimits(enabled=not args.no_limits))
    # Long polls would hold a graceful shutdown for their whole timeout: cap the wait.
    uvicorn.run(
        create_app(emulator, invites_file=args.invites_file),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        timeout_graceful_shutdown=2,
    )


if __name__ == "__main__":
    main()
