"""The emulator's chat page: write to the bot as a parent, without a Telegram account.

`/chat/` serves a page and a small script (files in `chat_page/`, no build step, nothing
fetched from elsewhere), in the browser's language (`?lang=` overrides; texts from the
`core` catalogs, the script's own handed over as JSON in the page). The script only uses the control API: it injects
messages and button taps (`/_emulator/updates/...`) and reads what the bot sent
(`/_emulator/sent`), what the user wrote (`/_emulator/received`), the known chats
(`/_emulator/chats`) and the demo school's invite codes (`/_emulator/demo/invites`,
read from the file `zvonok run` writes when it loads the demo school).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from core.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    STAFF_LANGUAGES,
    install_jinja,
    pick_language,
    texts,
)
from notifier.standins.telegram_emulator import TelegramEmulator

PAGE_DIR = Path(__file__).with_name("chat_page")
_INVITE_FIELDS = ("kind", "code", "name", "about", "expires_at")


def page_language(request: Request) -> str:
    return pick_language(
        request.query_params.get("lang"),
        request.headers.get("accept-language"),
        allowed=STAFF_LANGUAGES,
    )


@functools.cache
def _page_environment(lang: str) -> Environment:
    env = Environment(loader=FileSystemLoader(PAGE_DIR), autoescape=select_autoescape(default=True))
    return install_jinja(env, "core", lang)


def _script_texts(lang: str) -> dict[str, str]:
    """What chat.js writes itself, filled there with `%(name)s` parameters."""
    t = texts("core", lang)
    return {
        "file": t._("file %(id)s"),
        "edited": t._("edited %(when)s"),
        "chat": t._("Chat %(id)s"),
        "chat_named": t._("Chat %(id)s — %(name)s"),
        "teacher": t._("teacher"),
        "parent": t._("parent"),
        "code": t._("code"),
        "write": t._("Write"),
    }


class InvitesFileError(Exception):
    """The invites file exists but cannot be read as an invite sheet."""


def read_invites(path: Path) -> list[dict[str, Any]]:
    """The invites of a sheet written by `zvonok run` / `zvonok demo`."""
    try:
        sheet = json.loads(path.read_text(encoding="utf-8"))
        invites = sheet["invites"]
        if not isinstance(invites, list):
            raise TypeError("`invites` is not a list")
        return [{key: item.get(key) for key in _INVITE_FIELDS} for item in invites]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise InvitesFileError(f"{path}: {type(error).__name__}: {error}") from None


class ChatPageApi:
    """The endpoints the chat page needs beyond the emulator's control API."""

    def __init__(self, emulator: TelegramEmulator, invites_file: Path | None) -> None:
        self.emu = emulator
        self.invites_file = invites_file

    async def received(self, request: Request) -> Response:
        query = request.query_params
        try:
            chat_id = int(query["chat_id"]) if "chat_id" in query else None
        except ValueError:
            return JSONResponse({"error": "chat_id must be a number"}, status_code=400)
        return JSONResponse({"messages": self.emu.received_in(chat_id)})

    async def chats(self, request: Request) -> Response:
        """Private chats the emulator has seen a user write from, newest first."""
        seen: dict[int, dict[str, Any]] = {}
        for message in reversed(self.emu.received):
            chat = message["chat"]
            if chat["type"] == "private" and chat["id"] not in seen:
                seen[chat["id"]] = {"chat_id": chat["id"], "first_name": chat.get("first_name")}
        return JSONResponse({"chats": list(seen.values())})

    async def page(self, request: Request) -> Response:
        lang = page_language(request)
        languages = [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
        html = (
            _page_environment(lang)
            .get_template("page.html")
            .render(languages=languages, js_texts=_script_texts(lang))
        )
        return HTMLResponse(html)

    async def invites(self, request: Request) -> Response:
        path = self.invites_file
        t = texts("core", page_language(request))
        sheet: dict[str, Any] = {"bot": self.emu.bot_user, "file": path and str(path)}
        if path is None:
            problem = t._("the emulator was started without --invites-file: no codes")
            return JSONResponse(sheet | {"invites": [], "problem": problem})
        if not path.is_file():
            problem = t._(
                "no file %(path)s: codes are issued when the demo school is loaded into an "
                "empty database (zvonok run with a new data folder, or zvonok demo)",
                path=path,
            )
            return JSONResponse(sheet | {"invites": [], "problem": problem})
        try:
            invites = read_invites(path)
        except InvitesFileError as error:
            return JSONResponse(sheet | {"error": str(error)}, status_code=500)
        return JSONResponse(sheet | {"invites": invites})

    def routes(self) -> list[BaseRoute]:
        async def to_page(request: Request) -> Response:
            return RedirectResponse("/chat/")

        return [
            Route("/", to_page, methods=["GET"]),
            Route("/chat/", self.page, methods=["GET"]),
            Mount("/chat", StaticFiles(directory=PAGE_DIR), name="chat"),
            Route("/_emulator/received", self.received, methods=["GET"]),
            Route("/_emulator/chats", self.chats, methods=["GET"]),
            Route("/_emulator/demo/invites", self.invites, methods=["GET"]),
        ]
