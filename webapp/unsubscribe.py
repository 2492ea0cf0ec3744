"""One-click unsubscribe (RFC 8058): the link in every family email's `List-Unsubscribe`.

Public and without sign-in: the signed URL (core.reading.unsubscription) is the
credential, and a mail provider's one-click POST (`List-Unsubscribe=One-Click`) carries
no CSRF token. GET shows what the link switches off and a button; POST switches it
off and says so. The page speaks the parent's language (the `family` domain); a link
that does not check out gets the same 404 whether the parent exists or not.
"""

from __future__ import annotations

import functools
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from core.errors import NotFound
from core.family_texts import topics as topic_words
from core.i18n import install_jinja, pick_language, texts
from core.reading.unsubscription import (
    PATH_PREFIX,
    UnsubscribeLink,
    Unsubscription,
    parse_topics,
    read_unsubscription,
)
from core.services.unsubscribe import unsubscribe
from webapp.params import Id
from webapp.state import reading_uow, uow, web_state

router = APIRouter(prefix=PATH_PREFIX, include_in_schema=False)
State = Literal["ask", "done", "broken"]


@functools.cache
def _environment(lang: str) -> Environment:
    env = Environment(
        loader=PackageLoader("webapp", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return install_jinja(env, "family", lang)


def _page(state: State, lang: str, found: Unsubscription | None, status: int) -> HTMLResponse:
    t = texts("family", lang)
    titles = {
        "ask": t._("Stop these emails?"),
        "done": t._("You are unsubscribed"),
        "broken": t._("This link does not work"),
    }
    words = topic_words(t)
    html = (
        _environment(lang)
        .get_template("unsubscribe.html")
        .render(
            state=state,
            title=titles[state],
            email=found.email if found else "",
            topics=", ".join(words[topic] for topic in found.topics) if found else "",
        )
    )
    return HTMLResponse(html, status_code=status)


def _link(guardian_id: Id, topics: str, token: str) -> UnsubscribeLink:
    return UnsubscribeLink(guardian_id, parse_topics(topics), token)


@router.get("/{guardian_id}/{topics}/{token}", response_class=HTMLResponse)
async def ask(request: Request, guardian_id: Id, topics: str, token: str) -> HTMLResponse:
    """What the link switches off, with the button (an email's link opens this)."""
    web = web_state(request)
    try:
        found = await read_unsubscription(
            reading_uow(request),
            secret=web.secret,
            link=_link(guardian_id, topics, token),
        )
    except NotFound:
        return _page("broken", pick_language(request.headers.get("accept-language")), None, 404)
    return _page("done" if found.off else "ask", found.language, found, 200)


@router.post("/{guardian_id}/{topics}/{token}", response_class=HTMLResponse)
async def one_click(request: Request, guardian_id: Id, topics: str, token: str) -> HTMLResponse:
    """Switch the link's kinds of message off for email: the mail provider's one-click
    POST, or the page's button."""
    web = web_state(request)
    try:
        done = await unsubscribe(
            uow(request),
            secret=web.secret,
            link=_link(guardian_id, topics, token),
        )
    except NotFound:
        return _page("broken", pick_language(request.headers.get("accept-language")), None, 404)
    return _page("done", done.language, done, 200)
