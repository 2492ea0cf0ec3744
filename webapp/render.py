"""Server-rendered pages: Jinja2 templates under webapp/templates, autoescaped.

`render(request, "page.html", viewer=..., **context)` fills every page's layout
(`base.html`): the school and the staff member, the navigation for their roles, the
language switch, the CSRF token for forms and htmx. Texts are gettext calls of the
`web` domain (`jinja2.ext.i18n`, newstyle): `{{ _("Hello, %(name)s", name=...) }}`,
`{{ ngettext("%(num)d lesson", "%(num)d lessons", count) }}`, `pgettext(...)`. There is
one Jinja environment per staff language (`environment(lang)`), holding that language's
catalog, its date and number formats (core/formats.py) and the words for codes
(`labels`, webapp/labels.py). A template that does not extend `base.html` is a
fragment, rendered the same way for an htmx request to swap in.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from core import formats
from core.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, STAFF_LANGUAGES, install_jinja
from core.models import Role, WorkType
from core.models.journal import HOMEWORK_MINUTES_MAX
from core.reading import words
from core.services.school_setup import setting_label
from webapp.auth import Viewer, request_language
from webapp.csrf import csrf_token, keep_nonce
from webapp.labels import labels
from webapp.limits import limit_attributes
from webapp.nav import sections_for


def staff_language(lang: str) -> str:
    return lang if lang in STAFF_LANGUAGES else DEFAULT_LANGUAGE


@functools.cache
def environment(lang: str) -> Environment:
    """The templates in `lang` (one environment per staff language, built once)."""
    lang = staff_language(lang)
    env = Environment(
        loader=PackageLoader("webapp", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,  # a misspelt variable fails the page's test, not a user
        trim_blocks=True,
        lstrip_blocks=True,
    )
    install_jinja(env, "web", lang)
    env.globals.update(_formats(lang))
    env.globals.update(
        role_keys=[role.value for role in Role],
        labels=labels(lang),
        work_types=[work_type.value for work_type in WorkType],
        work_type=lambda code: words.work_type_short(code, lang),
        work_type_name=lambda code: words.work_type(code, lang),  # «контрольная работа»
        remark_kind=lambda kind: words.remark_kind(kind, lang),
        # A field's length limit for the counter: `<textarea {{ limit("remark") }}>`.
        limit=lambda field: limit_attributes(field, lang),
        homework_minutes_max=HOMEWORK_MINUTES_MAX,  # the homework form's estimate field
        # The switch offers the other staff languages, each named in itself.
        other_languages=[(code, LANGUAGE_NAMES[code]) for code in STAFF_LANGUAGES if code != lang],
    )
    return env


def _formats(lang: str) -> dict[str, Any]:
    """Dates and numbers as the language writes them (core/formats.py)."""
    return {
        "long_date": lambda day: formats.long_date(day, lang),  # «понедельник, 23 ноября 2026 г.»
        "short_date": lambda day: formats.short_date(day, lang),  # «23.11»
        "weekday_date": lambda day: formats.weekday_date(day, lang),  # «пн, 23.11»
        "numeric_date": lambda day: formats.numeric_date(day, lang) if day else "",  # «23.11.2026»
        "month_year": lambda day: formats.date_skeleton(day, "yMMMM", lang),  # «ноябрь 2026 г.»
        "average": lambda value: "" if value is None else formats.fixed(value, lang),  # «4,50»
        "file_size": lambda size: formats.file_size(size, lang),  # «56,6 кБ»
        "duration": lambda delta: formats.duration(delta, lang),  # «25 часов»
    }


def local_time(instant: dt.datetime | None, lang: str, zone: str | None) -> str:
    """«23.11.2026, 10:05» on the school's clock (UTC without a school), "" for None."""
    if instant is None:
        return ""
    return formats.date_time(instant, lang, ZoneInfo(zone) if zone else dt.UTC)


def deadline(instant: dt.datetime | None, lang: str, zone: str | None) -> str:
    """A deadline as people say it: «26.11.2026» for one ending a day (at the school's
    midnight after it), «23.11.2026, 16:15» for one at a time of day; "" for None."""
    if instant is None:
        return ""
    local = instant.astimezone(ZoneInfo(zone) if zone else dt.UTC)
    if local.time() == dt.time(0):
        return formats.numeric_date(local.date() - dt.timedelta(days=1), lang)
    return formats.date_time(instant, lang, local.tzinfo)


def _context(request: Request, viewer: Viewer | None) -> dict[str, Any]:
    lang = staff_language(viewer.lang if viewer else request_language(request))
    zone = viewer.school_timezone if viewer else None
    return {
        "request": request,
        "viewer": viewer,
        "setting_label": lambda name: setting_label(name, lang),
        "csrf_token": viewer.csrf_token if viewer and viewer.csrf_token else csrf_token(request),
        "sections": sections_for(viewer.staff) if viewer else [],
        "path": request.url.path,
        "local_time": lambda instant: local_time(instant, lang, zone),
        "deadline": lambda instant: deadline(instant, lang, zone),
    }


def render(
    request: Request,
    template: str,
    *,
    viewer: Viewer | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A whole page in the viewer's language (the switch's choice for someone not signed in)."""
    lang = viewer.lang if viewer else request_language(request)
    page = environment(staff_language(lang)).get_template(template)
    response = HTMLResponse(
        page.render(**_context(request, viewer), **context), status_code=status_code
    )
    keep_nonce(request, response)
    return response


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
