"""What a family reads: a composition rendered for one channel, in the guardian's language.

Pure: the same composition, channel and school always give the same message, with no
clock, database or network involved. The address stays empty; the worker fills it in
(and the idempotency key) with `dataclasses.replace`.

One set of templates under `notifier/templates/` serves every language: the texts are
English message ids, translated through the `messages` catalogs (notifier/templating.py).

- `items/<kind>.html`: one journal entry, a heading line («Математика, пн 23.11») then
  what happened; Telegram-safe HTML, shared by Telegram and email;
- `header.txt`: the title of a bundle or a digest («Новое в дневнике»);
- `message.html`: the message as a chat shows it (Telegram's HTML; stripped of its tags,
  the plain text of Telegram and of email);
- `email_subject.txt`, `email.html`, `email.txt`: the email around it, with its footer;
- `sms/<kind>.txt`, `sms/summary.txt`: one short line per entry, or a count of them
  (notifier/render_sms.py fits them into two SMS);
- `ack_button.txt`: the label of an announcement's «Ознакомлен» button.

MAX, a chat messenger as Telegram is, reads the same HTML (its `format: html`); the
MAX channel splits and sends it. The notice of a messenger the school switched off
(`core.delivery.notices`) carries an invite code: its link to the bot of the
messenger to join is made here, from the bots' usernames the worker passes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup

from core.delivery.compose import NOTICE_KIND, Composition, Item
from core.i18n import LANGUAGES
from core.messengers import start_link
from core.models import Messenger
from notifier.base import OutgoingMessage
from notifier.render_sms import sms_text
from notifier.templating import KIND_ORDER, Entry, Group, language_of, render_template

__all__ = ["KIND_ORDER", "LANGUAGES", "Entry", "Group", "render"]

_TAG = re.compile(r"<[^<>]*>")


def render(
    composition: Composition,
    channel: str,
    *,
    school_name: str,
    unsubscribe_url: str | None = None,
    bots: Mapping[str, str] | None = None,
) -> OutgoingMessage:
    """The message `composition` becomes on `channel` ("telegram", "max", "email" or
    "sms"); `bots` are the bots' usernames by messenger, for the links a notice gives.

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
    composition = _with_links(composition, bots or {})
    return renderer(_view(composition, school_name, unsubscribe_url))


def _with_links(composition: Composition, bots: Mapping[str, str]) -> Composition:
    """A notice's data with the bot to join (`bot`, "" when not configured) and, with
    its code, the link that starts it (`link`, None without a bot or a code)."""

    def linked(item: Item) -> Item:
        if item.kind != NOTICE_KIND:
            return item
        bot, code = bots.get(item.data["join"], ""), item.data["code"]
        link = start_link(Messenger(item.data["join"]), bot, code) if bot and code else None
        return dataclasses.replace(item, data=item.data | {"bot": bot, "link": link})

    return dataclasses.replace(composition, items=[linked(item) for item in composition.items])


def _view(
    composition: Composition, school_name: str, unsubscribe_url: str | None
) -> dict[str, Any]:
    """The context every layout template gets."""
    lang = language_of(composition.language)
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
        # Where else the guardian reads us: an SMS points there only when it exists.
        "channels": composition.channels,
    }
    view["header"] = render_template(lang, "header.txt", view)
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
    text = render_template(lang, f"items/{item.kind}.html", {"item": item})
    return Entry(item, Markup(text))  # noqa: S704  (an autoescaped template's output)


def _latest_day(items: Sequence[Item]) -> dt.date | None:
    """The digest's day: the latest lesson among its items (rendering reads no clock)."""
    days = [item.data["date"] for item in items if isinstance(item.data.get("date"), dt.date)]
    return max(days, default=None)


def _plain(markup: str) -> str:
    """What a reader sees of our HTML: tags dropped, entities decoded.

    Safe on our own output only: every `<` typed by a user is escaped as `&lt;`.
    """
    return html.unescape(_TAG.sub("", markup))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _telegram(view: dict[str, Any]) -> OutgoingMessage:
    markup = render_template(view["lang"], "message.html", view)
    return OutgoingMessage(address="", text=_plain(markup), html=markup, buttons=_ack_buttons(view))


def _ack_buttons(view: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """One «Ознакомлен» per announcement; with several, each names its announcement."""
    announcements = [e.item for e in view["entries"] if e.item.kind == "announcement"]
    several = len(announcements) > 1
    return tuple(
        (
            render_template(
                view["lang"], "ack_button.txt", {"title": item.data["title"] if several else None}
            ),
            f"ack:announcement:{item.data['announcement_id']}",
        )
        for item in announcements
    )


def _email(view: dict[str, Any]) -> OutgoingMessage:
    lang = view["lang"]
    subject = _one_line(render_template(lang, "email_subject.txt", view))
    page = view | {
        "subject": subject,
        "body": _plain(render_template(lang, "message.html", view)),
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
        text=render_template(lang, "email.txt", page),
        html=render_template(lang, "email.html", page),
        headers=headers,
    )


def _sms(view: dict[str, Any]) -> OutgoingMessage:
    return OutgoingMessage(address="", text=sms_text(view))


_CHANNELS: dict[str, Callable[[dict[str, Any]], OutgoingMessage]] = {
    "telegram": _telegram,
    "max": _telegram,  # the same chat HTML and «Ознакомлен» buttons
    "email": _email,
    "sms": _sms,
}
