"""Server-rendered pages: Jinja2 templates under webapp/templates, autoescaped.

`render(request, "page.html", viewer=..., **context)` fills every page's layout
(`base.html`): the school and the staff member, the navigation for their roles, the
language switch, the CSRF token for forms and htmx, and `t(key, **params)` for the
page's texts in the viewer's language. A template that does not extend `base.html`
is a fragment, rendered the same way for an htmx request to swap in.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from core.models import Role
from core.services.school_setup import setting_label
from webapp.auth import Viewer, request_language
from webapp.csrf import csrf_token, keep_nonce
from webapp.nav import sections_for
from webapp.texts import TEXTS

MONTHS_RU = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
WEEKDAYS_RU = ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"]


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("webapp", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,  # a misspelt variable fails the page's test, not a user
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["role_keys"] = [role.value for role in Role]
    return env


def long_date(day: dt.date, lang: str) -> str:
    """«понедельник, 23 ноября 2026» / «Monday, 23 November 2026»."""
    if lang == "en":
        return f"{day:%A}, {day.day} {day:%B} {day.year}"
    return f"{WEEKDAYS_RU[day.weekday()]}, {day.day} {MONTHS_RU[day.month - 1]} {day.year}"


def short_instant(instant: dt.datetime | None, zone: dt.tzinfo | None = None) -> str:
    """«23.11.2026 10:05» (in `zone`, else UTC), "" for None."""
    if instant is None:
        return ""
    return instant.astimezone(zone or dt.UTC).strftime("%d.%m.%Y %H:%M")


def _context(request: Request, viewer: Viewer | None, lang: str) -> dict[str, Any]:
    def t(key: str, /, **params: object) -> str:
        return TEXTS(lang, key, **params)

    return {
        "request": request,
        "viewer": viewer,
        "lang": lang,
        "t": t,
        "setting_label": lambda name: setting_label(name, lang),
        "csrf_token": viewer.csrf_token if viewer and viewer.csrf_token else csrf_token(request),
        "sections": sections_for(viewer.staff) if viewer else [],
        "path": request.url.path,
        "long_date": lambda day: long_date(day, lang),
        "local_time": lambda instant: short_instant(
            instant, ZoneInfo(viewer.school_timezone) if viewer else None
        ),
    }


def render(
    request: Request,
    template: str,
    *,
    viewer: Viewer | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A whole page in the viewer's language (Russian for someone not signed in)."""
    lang = viewer.lang if viewer else request_language(request)
    page = environment().get_template(template)
    response = HTMLResponse(
        page.render(**_context(request, viewer, lang), **context), status_code=status_code
    )
    keep_nonce(request, response)
    return response


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
