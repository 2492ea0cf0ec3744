"""What a family reads: a composition rendered for one channel, in the guardian's language.

Pure: the same composition, channel and school always give the same message, with no
clock, database or network involved. The address stays empty; the worker fills it in
(and the idempotency key) with `dataclasses.replace`.

Templates are files under `notifier/templates/<lang>/`:

- `items/<kind>.html`: one journal entry, a heading line («Математика, пн 23.11») then
  what happened; Telegram-safe HTML, shared by Telegram and email;
- `header.txt`: the title of a bundle or a digest («Новое в дневнике»);
- `message.html`: the message as a chat shows it (Telegram's HTML; stripped of its tags,
  the plain text of Telegram and of email);
- `email_subject.txt`, `email.html`, `email.txt`: the email around it, with its footer;
- `sms/<kind>.txt`, `sms/summary.txt`: one short line per entry, or a count of them;
- `ack_button.txt`: the label of an announcement's «Ознакомлен» button.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from core.delivery.compose import Composition, Item
from notifier.base import OutgoingMessage
from notifier.render_filters import FILTERS

LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"
# Three concatenated UCS-2 segments of 67 characters. Longer bundles are summarized
# rather than sent as a costly run of parts (notifier/sms_segments.py counts exactly).
SMS_LIMIT = 201
# Within one child: what matters most first.
KIND_ORDER = ("announcement", "period_mark", "mark", "attendance", "remark", "homework")

_TAG = re.compile(r"<[^<>]*>")


@dataclass(frozen=True)
class Entry:
    """An item with its rendered HTML: a heading line, then the body."""

    item: Item
    html: Markup

    @property
    def heading(self) -> Markup:
        return self.html.partition("\n")[0]

    @property
    def body(self) -> Markup:
        return self.html.partition("\n")[2]


@dataclass(frozen=True)
class Group:
    """A child's entries, or (student None) the class's and school's ones."""

    student: str | None
    entries: tuple[Entry, ...]


@functools.cache
def environment() -> Environment:
    """The one Jinja2 environment: HTML templates autoescaped, a missing key an error."""
    env = Environment(
        loader=PackageLoader("notifier", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    return env


def render(
    composition: Composition,
    channel: str,
    *,
    school_name: str,
    unsubscribe_url: str | None = None,
) -> OutgoingMessage:
    """The message `composition` becomes on `channel` ("telegram", "email" or "sms").

    One item instantly reads as itself; several items, or a daily/weekly digest, become
    one message with a header, grouped by child, then by kind. Raises ValueError for an
    unknown channel or an empty composition, and jinja2's UndefinedError when an item's
    data lacks a key its template prints.
    """
    renderer = _CHANNELS.get(channel)
    if renderer is None:
        raise ValueError(f"no templates for channel {channel!r}")
    if not composition.items:
        raise ValueError(f"notification {composition.notification_id} has nothing to say")
    return renderer(_view(composition, school_name, unsubscribe_url))


def _view(
    composition: Composition, school_name: str, unsubscribe_url: str | None
) -> dict[str, Any]:
    """The context every layout template gets."""
    lang = composition.language if composition.language in LANGUAGES else DEFAULT_LANGUAGE
    groups = _groups(lang, composition.items)
    entries = [entry for group in groups for entry in group.entries]
    digest = composition.mode in ("daily", "weekly") or len(entries) > 1
    view: dict[str, Any] = {
        "lang": lang,
        "mode": composition.mode,
        # Urgent notifications hold urgent announcements only (core.delivery.dispatch);
        # each announcement also marks itself, wherever it appears.
        "urgent": composition.urgent,
        "groups": groups,
        "entries": entries,
        "single": None if digest else entries[0],
        "count": len(entries),
        "day": _latest_day(composition.items),
        "school_name": school_name,
        "unsubscribe_url": unsubscribe_url,
    }
    view["header"] = _render(lang, "header.txt", view)
    return view


def _groups(lang: str, items: Sequence[Item]) -> list[Group]:
    """Class-wide entries first (no child), then each child in order of appearance."""
    by_student: dict[str | None, list[Item]] = {None: []}
    for item in items:
        by_student.setdefault(item.student, []).append(item)
    return [
        Group(student, tuple(_entry(lang, item) for item in sorted(members, key=_kind_rank)))
        for student, members in by_student.items()
        if members
    ]


def _kind_rank(item: Item) -> int:
    return KIND_ORDER.index(item.kind) if item.kind in KIND_ORDER else len(KIND_ORDER)


def _entry(lang: str, item: Item) -> Entry:
    text = _render(lang, f"items/{item.kind}.html", {"lang": lang, "item": item})
    return Entry(item, Markup(text))  # noqa: S704  (an autoescaped template's output)


def _latest_day(items: Sequence[Item]) -> dt.date | None:
    """The digest's day: the latest lesson among its items (rendering reads no clock)."""
    days = [item.data["date"] for item in items if isinstance(item.data.get("date"), dt.date)]
    return max(days, default=None)


def _render(lang: str, name: str, context: dict[str, Any]) -> str:
    return environment().get_template(f"{lang}/{name}").render(context).strip()


def _plain(markup: str) -> str:
    """What a reader sees of our HTML: tags dropped, entities decoded.

    Safe on our own output only: every `<` typed by a user is escaped as `&lt;`.
    """
    return html.unescape(_TAG.sub("", markup))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _telegram(view: dict[str, Any]) -> OutgoingMessage:
    markup = _render(view["lang"], "message.html", view)
    return OutgoingMessage(address="", text=_plain(markup), html=markup, buttons=_ack_buttons(view))


def _ack_buttons(view: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """One «Ознакомлен» per announcement; with several, each names its announcement."""
    announcements = [e.item for e in view["entries"] if e.item.kind == "announcement"]
    several = len(announcements) > 1
    return tuple(
        (
            _render(
                view["lang"],
                "ack_button.txt",
                {"lang": view["lang"], "title": item.data["title"] if several else None},
            ),
            f"ack:announcement:{item.data['announcement_id']}",
        )
        for item in announcements
    )


def _email(view: dict[str, Any]) -> OutgoingMessage:
    lang = view["lang"]
    subject = _one_line(_render(lang, "email_subject.txt", view))
    page = view | {
        "subject": subject,
        "body": _plain(_render(lang, "message.html", view)),
    }
    headers = {}
    if view["unsubscribe_url"]:
        # RFC 8058 one-click unsubscribe, which Gmail and Yandex expect of bulk senders.
        headers = {
            "List-Unsubscribe": f"<{view['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return OutgoingMessage(
        address="",
        subject=subject,
        text=_render(lang, "email.txt", page),
        html=_render(lang, "email.html", page),
        headers=headers,
    )


def _sms(view: dict[str, Any]) -> OutgoingMessage:
    return OutgoingMessage(address="", text=_sms_text(view))


def _sms_text(view: dict[str, Any]) -> str:
    """Each entry on a short line, joined with «; »; a summary when that is too long."""
    lang = view["lang"]
    lines = []
    previous: str | None = None
    for entry in view["entries"]:
        item = entry.item
        # A child's name once for a run of their entries: «Пётр: 5 (к/р) ...; 4 (дикт.) ...».
        named = item.student is not None and item.student != previous
        context = {"lang": lang, "item": item, "named": named}
        lines.append(_one_line(_render(lang, f"sms/{item.kind}.txt", context)))
        previous = item.student
    if len(lines) == 1:
        return _shorten(lines[0], SMS_LIMIT)
    joined = "; ".join(lines)
    if len(joined) <= SMS_LIMIT:
        return joined
    context = {"lang": lang, "counts": _counts(view["groups"]), "total": len(lines)}
    summary = _one_line(_render(lang, "sms/summary.txt", context | {"brief": False}))
    if len(summary) <= SMS_LIMIT:
        return summary
    return _one_line(_render(lang, "sms/summary.txt", context | {"brief": True}))


def _counts(groups: Sequence[Group]) -> list[dict[str, Any]]:
    """Per child: how many of each thing, e.g. [("mark", 3), ("absence", 1)]."""
    summary = []
    for group in groups:
        counts: dict[str, int] = {}
        for entry in group.entries:
            key = _count_key(entry.item)
            counts[key] = counts.get(key, 0) + 1
        summary.append({"student": group.student, "counts": list(counts.items())})
    return summary


def _count_key(item: Item) -> str:
    if item.kind == "attendance":
        return "late" if item.data["status"] == "оп" else "absence"
    if item.kind == "remark":
        return str(item.data["remark_kind"])
    return item.kind


def _shorten(text: str, limit: int) -> str:
    """`text` within `limit` characters, cut between words and ended with «…»."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:—-") + "…"


_CHANNELS: dict[str, Callable[[dict[str, Any]], OutgoingMessage]] = {
    "telegram": _telegram,
    "email": _email,
    "sms": _sms,
}
