"""A Telegram Bot API emulator over HTTP, for tests, benchmarks and offline runs.

The real aiogram session talks to it: `TelegramAPIServer.from_base(base_url)`.
`/bot{token}/{method}` speaks the Bot API (JSON, urlencoded and multipart bodies, the
`{"ok": ...}` envelope, Telegram's error texts and flood limits); `/_emulator/...` is a JSON
control API to inject updates and failures and to read what the bot sent.

`/chat/` is a page where a person writes to the bot as a parent (`chat_page`).

Run alone: `python -m notifier.standins.telegram_api --port 8081 --token 123:ABC`.
In-process: `notifier.standins.telegram_control.run_telegram_emulator`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from notifier.standins.chat_page import ChatPage, PageMessenger
from notifier.standins.control_api import ControlApi as SharedControlApi
from notifier.standins.control_api import ControlError, read_body
from notifier.standins.faults import ConnectionDropped, DroppedResponse
from notifier.standins.serving import serve_main, standin_app, standin_arguments
from notifier.standins.telegram_emulator import CHAT_FAILURES, TelegramEmulator
from notifier.standins.telegram_injection import inject_callback, inject_message
from notifier.standins.telegram_methods import BotApi
from notifier.standins.telegram_params import Params, UploadedFile
from notifier.standins.telegram_rules import FloodControl, FloodLimits

DEFAULT_TOKEN = "123456789:ZVONOK-emulated-token"  # noqa: S105  (a fake bot's token)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
Endpoint = Callable[[Request], Awaitable[Response]]


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


def bot_api_endpoint(api: BotApi, others: Mapping[str, BotApi] | None = None) -> Endpoint:
    """`/bot{token}/{method}`: answered by the bot whose token it is (`others`: more bots
    on the same server, as Telegram serves every bot at one address); an unknown token
    reaches `api`, which answers 401 as Telegram does."""
    by_token = dict(others or {})

    async def endpoint(request: Request) -> Response:
        try:
            params = await read_params(request)
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = {"ok": False, "error_code": 400, "description": "Bad Request: can't parse JSON"}
            return JSONResponse(body, status_code=400)
        try:
            token = request.path_params["token"]
            bot = by_token.get(token, api)
            status, body = await bot.call(token, request.path_params["method"], params)
        except ConnectionDropped:
            return DroppedResponse()
        return JSONResponse(body, status_code=status)

    return endpoint


class ControlApi(SharedControlApi[TelegramEmulator]):
    """`/_emulator/...`: the test's hands on the emulator."""

    prefix = "/_emulator"
    recipient = "chat_id"

    def limited(self) -> FloodControl:
        return self.state.flood

    async def message(self, request: Request) -> dict[str, Any]:
        return inject_message(self.state, await read_body(request))

    async def callback(self, request: Request) -> dict[str, Any]:
        return inject_callback(self.state, await read_body(request))

    async def update(self, request: Request) -> dict[str, Any]:
        return {"update_id": self.state.updates.push(await read_body(request))}

    async def callback_answers(self, request: Request) -> dict[str, Any]:
        return {"answers": self.state.callback_answers}

    async def chat_state(self, request: Request) -> dict[str, Any]:
        chat_id = int(request.path_params["chat_id"])
        state = (await read_body(request)).get("state")
        if state == "ok":
            self.state.chat_states.pop(chat_id, None)
        elif state in CHAT_FAILURES:
            self.state.chat_states[chat_id] = state
        else:
            raise ControlError(f"state must be ok or one of {sorted(CHAT_FAILURES)}")
        return {"chat_id": chat_id, "state": state}

    async def document(self, request: Request) -> Response:
        message_id = int(request.path_params["message_id"])
        for message in self.state.sent:
            if message.message_id == message_id and message.document is not None:
                return Response(message.document, media_type="application/octet-stream")
        return JSONResponse({"error": "no such document"}, status_code=404)

    def routes(self) -> list[Route]:
        return [
            *self.shared_routes(),
            self.route("updates/message", self.message, "POST"),
            self.route("updates/callback", self.callback, "POST"),
            self.route("updates", self.update, "POST"),
            self.route("callback_answers", self.callback_answers, "GET"),
            self.route("chats/{chat_id}", self.chat_state, "POST"),
            Route(f"{self.prefix}/documents/{{message_id:int}}", self.document, methods=["GET"]),
        ]


def chat_page(emulator: TelegramEmulator, invites_file: Path | None) -> ChatPage:
    messenger = PageMessenger(
        "telegram",
        ControlApi.prefix,
        ControlApi.recipient,
        bot=lambda: emulator.bot_user,
        received=emulator.received_in,
        chats=emulator.chats_seen,
    )
    return ChatPage(messenger, invites_file)


def school_bot_prefix(bot_id: int) -> str:
    """The control API of a school's own bot (by its id) served beside the main one."""
    return f"{ControlApi.prefix}/bots/{bot_id}"


def create_app(
    emulator: TelegramEmulator,
    *,
    invites_file: Path | None = None,
    school_bots: Sequence[TelegramEmulator] = (),
) -> Starlette:
    """The Bot API, its control API and the chat page (`/chat/`, which shows the demo
    school's invite codes from `invites_file`); `school_bots` are more bots at the same
    address, each with its own limits and control API (`school_bot_prefix`)."""
    others = {bot.token: BotApi(bot) for bot in school_bots}
    endpoint = bot_api_endpoint(BotApi(emulator), others)
    routes = [
        Route("/bot{token}/{method}", endpoint, methods=["GET", "POST"]),
        *ControlApi(emulator).routes(),
        *(
            r
            for bot in school_bots
            for r in ControlApi(bot, school_bot_prefix(bot.bot_id)).routes()
        ),
        *chat_page(emulator, invites_file).routes(),
    ]
    return standin_app(routes, [emulator.updates, *(bot.updates for bot in school_bots)])


def main(argv: list[str] | None = None) -> None:
    parser = standin_arguments("Telegram Bot API emulator", port=8081, token=DEFAULT_TOKEN)
    parser.add_argument(
        "--school-token",
        action="append",
        default=[],
        help="another bot at the same address (a school's own), by its token; repeatable",
    )
    args = parser.parse_args(argv)
    limits = FloodLimits(enabled=not args.no_limits)
    emulator = TelegramEmulator(args.token, limits=limits)
    others = [TelegramEmulator(token, limits=limits) for token in args.school_token]
    app = create_app(emulator, invites_file=args.invites_file, school_bots=others)
    serve_main(app, args)


if __name__ == "__main__":
    main()
