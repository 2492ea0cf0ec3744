"""What staff read: a staff composition rendered for Telegram or email.

Pure, like `notifier.render` for families: composition + channel → `OutgoingMessage`.
Staff read Russian by default (English too): the templates under
`notifier/staff_templates/` hold English message ids of the `core` domain (staff's
texts, core/locale/core.cfg), one cached environment per language.

- `reminders.html`: a teacher's bundle, one line per item still owed
  («7Б Математика 23.11: нет домашнего задания (срок 16:15)»);
- `families.html`: the class teacher's weekly note on the class's families;
- `summary.html`, `backlog.html`: the deputy director's weekly summary and alert;
- `alert.html`: the administrators' alerts (core.services.admin_alerts), per code;
- `email.txt`, `email.html`: the email around any of them.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from collections.abc import Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from core import formats
from core.delivery.staff_compose import StaffComposition
from core.i18n import STAFF_LANGUAGES, install_jinja, texts
from core.reading import words
from notifier.base import OutgoingMessage

DOMAIN = "core"
_TAG = re.compile(r"<[^<>]*>")


def _deadline(due: dt.datetime, today: dt.date, lang: str) -> str:
    """A deadline as a teacher says it: «16:15» (today), «сегодня» (by today's end),
    «26.11» (by that day's end), «24.11 16:15»."""
    if due.time() == dt.time(0):  # due by the end of the day before (the school's midnight)
        last_day = due.date() - dt.timedelta(days=1)
        if last_day == today:
            return texts(DOMAIN, lang).gettext("today")
        return formats.short_date(last_day, lang)
    if due.date() == today:
        return formats.time_of_day(due, lang)
    return f"{formats.short_date(due.date(), lang)} {formats.time_of_day(due, lang)}"


def _unreachable(pairs: Sequence[tuple[str, str]], lang: str) -> str:
    t = texts(DOMAIN, lang)
    why = {
        "no_consent": t.gettext("no consent"),
        "consent_withdrawn": t.gettext("consent withdrawn"),
        "switched_off": t.gettext("messages switched off"),
        "no_contact": t.gettext("no contact"),
        "contacts_dead": t.gettext("contacts do not work"),
    }
    return ", ".join(f"{name} ({why.get(code, code)})" for name, code in pairs)


def _line_breaks(text: str) -> Markup:
    return Markup("<br>\n").join(escape(text).split("\n"))


@functools.cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=PackageLoader("notifier", "staff_templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    install_jinja(env, DOMAIN, lang)
    env.filters.update(
        {
            "short_date": lambda d: formats.short_date(d, lang),
            "month_name": lambda d: formats.date_skeleton(d, "yMMMM", lang),
            "work_type": lambda code: words.work_type(code or "written", lang),
            "deadline": lambda due, today: _deadline(due, today, lang),
            "unreachable": lambda pairs: _unreachable(pairs, lang),
            "line_breaks": _line_breaks,
            "instant": lambda at: f"{formats.short_date(at, lang)} {formats.time_of_day(at, lang)}",
        }
    )
    return env


def _render(lang: str, name: str, context: dict[str, Any]) -> str:
    return environment(lang).get_template(name).render(context).strip()


def render_staff(composition: StaffComposition, channel: str, *, today: dt.date) -> OutgoingMessage:
    """The message on `channel` ("telegram", "max" or "email"); `today` on the school's clock
    («срок 16:15» for today's deadlines, a date for others)."""
    lang = composition.language if composition.language in STAFF_LANGUAGES else "ru"
    t = texts(DOMAIN, lang)
    context: dict[str, Any] = {
        "lines": composition.reminders,
        "notes": composition.families,
        "summary": composition.summary,
        "backlog": composition.backlog,
        "threshold": composition.threshold,
        "alerts": composition.alerts,
        "today": today,
        "kinds": [
            ("topic", t.gettext("Lesson topics")),
            ("attendance", t.gettext("Roll calls")),
            ("homework", t.gettext("Homework")),
            ("marks", t.gettext("Marks for written work")),
        ],
    }
    markup = _render(lang, f"{composition.kind}.html", context)
    plain = html.unescape(_TAG.sub("", markup))
    if channel in ("telegram", "max"):  # a chat: the same HTML in either messenger
        return OutgoingMessage(address="", text=plain, html=markup)
    if channel != "email":
        raise ValueError(f"staff messages go by Telegram, MAX or email, not {channel!r}")
    subject = plain.partition("\n")[0]
    page: dict[str, Any] = {"body": plain, "html": plain, "subject": subject, "lang": lang}
    page["reminders"] = composition.kind != "alert"  # the footer on switching them off
    page["school_name"] = composition.school_name
    return OutgoingMessage(
        address="",
        subject=subject,
        text=_render(lang, "email.txt", page),
        html=_render(lang, "email.html", page),
    )
