"""The bot stand-ins' chat page: write to the bot as a parent, without a Telegram or MAX
account. One page for both messengers, served by each stand-in at `/chat/`.

`/chat/` serves a page and a small script (files in `chat_page/`, no build step, nothing
fetched from elsewhere), in the browser's language (`?lang=` overrides; texts from the
`core` catalogs, the script's own handed over as JSON in the page, with the messenger it
talks to). The script only uses the stand-in's control API (`/_emulator/...` for
Telegram, `/_standin/...` for MAX): it injects messages, starts and button presses and
reads what the bot sent (`sent`, files), what the user wrote (`received`), the chats
users wrote from (`chats`) and the demo school's invite codes (`demo/invites`, read from
the file `zvonok run` writes when it loads the demo school).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
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

PAGE_DIR = Path(__file__).with_name("chat_page")
_INVITE_FIELDS = ("kind", "code", "name", "about", "expires_at")


@dataclass(frozen=True)
class PageMessenger:
    """The stand-in a page talks to, and what the page reads from it."""

    name: str  # "telegram" | "max": the script's way of talking, the page's words
    prefix: str  # the control API's root: "/_emulator", "/_standin"
    recipient: str  # the query parameter naming a chat: chat_id (Telegram), user_id (MAX)
    bot: Callable[[], dict[str, Any]]  # the bot's profile (its username)
    received: Callable[[int | None], list[dict[str, Any]]]  # what a user wrote, in order
    chats: Callable[[], list[dict[str, Any]]]  # whom users wrote as, newest first


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
        "started": t._("Started the bot"),
        "started_with": t._("Started the bot with the code %(payload)s"),
    }


def _no_file_problem(messenger: str, lang: str) -> str:
    t = texts("core", lang)
    if messenger == "max":
        return t._("the stand-in was started without --invites-file: no codes")
    return t._("the emulator was started without --invites-file: no codes")


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


class ChatPage:
    """The page, its files, and the endpoints it needs beyond the control API."""

    def __init__(self, messenger: PageMessenger, invites_file: Path | None) -> None:
        self.messenger = messenger
        self.invites_file = invites_file

    async def received(self, request: Request) -> Response:
        who = request.query_params.get(self.messenger.recipient)
        try:
            recipient = None if who is None else int(who)
        except ValueError:
            error = f"{self.messenger.recipient} must be a number"
            return JSONResponse({"error": error}, status_code=400)
        return JSONResponse({"messages": self.messenger.received(recipient)})

    async def chats(self, request: Request) -> Response:
        return JSONResponse({"chats": self.messenger.chats()})

    async def page(self, request: Request) -> Response:
        lang = page_language(request)
        languages = [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
        html = (
            _page_environment(lang)
            .get_template("page.html")
            .render(
                messenger=self.messenger.name,
                languages=languages,
                js_texts=_script_texts(lang),
            )
        )
        return HTMLResponse(html)

    async def invites(self, request: Request) -> Response:
        path, lang = self.invites_file, page_language(request)
        sheet: dict[str, Any] = {"bot": self.messenger.bot(), "file": path and str(path)}
        if path is None:
            problem = _no_file_problem(self.messenger.name, lang)
            return JSONResponse(sheet | {"invites": [], "problem": problem})
        if not path.is_file():
            problem = texts("core", lang)._(
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

        prefix = self.messenger.prefix
        return [
            Route("/", to_page, methods=["GET"]),
            Route("/chat/", self.page, methods=["GET"]),
            Mount("/chat", StaticFiles(directory=PAGE_DIR), name="chat"),
            Route(f"{prefix}/received", self.received, methods=["GET"]),
            Route(f"{prefix}/chats", self.chats, methods=["GET"]),
            Route(f"{prefix}/demo/invites", self.invites, methods=["GET"]),
        ]
