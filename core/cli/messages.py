"""`zvonok messages`: what the stand-ins of a running `zvonok run` received, newest first,
and what the workers still hold back, with why (quiet hours, the digest...).

The addresses come from `<data_dir>/run.json`; the Telegram, MAX and SMS stand-ins are
asked over their control API, the SMTP stand-in's mail is read from its directory.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from core import formats
from core.cli.common import LANGUAGE, console, settings_or_exit, t
from core.cli.state import read_state
from core.db import Database
from core.delivery.holds import Held, held_notifications

HELP = t._("Show what the Telegram, MAX, mail and SMS stand-ins of a running `zvonok run` got.")
TEXT_WIDTH = 90
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")  # the tags Telegram's HTML allows: b, i, a href...


@dataclass(frozen=True)
class Received:
    """One message as a stand-in got it."""

    at: float  # unix time
    channel: str
    to: str
    text: str


def plain_text(html_text: str | None) -> str:
    """A Telegram HTML message as its reader sees it: no tags, entities decoded."""
    return html.unescape(_TAG.sub("", html_text or ""))


def _one_line(text: str | None) -> str:
    flat = re.sub(r"\s+", " ", text or "").strip()
    return flat if len(flat) <= TEXT_WIDTH else flat[: TEXT_WIDTH - 1] + "…"


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310  (run.json's http URL)
        return json.load(response)


def telegram_messages(info: dict[str, Any]) -> list[Received]:
    """What the bot sent (sendMessage, sendDocument, ...) according to the emulator."""
    found = _get_json(f"{info['url']}/_emulator/sent")["messages"]
    return [
        Received(
            at=float(m["sent_at"]),
            channel="Telegram",
            to=t._("chat %(chat)s", chat=m["chat_id"]),
            text=_one_line(
                f"[{m['document_name']}] {plain_text(m['text'])}"
                if m["document_name"]
                else plain_text(m["text"])
            ),
        )
        for m in found
        if not m.get("deleted")
    ]


def max_messages(info: dict[str, Any]) -> list[Received]:
    """What the MAX bot sent, according to the MAX stand-in."""
    found = _get_json(f"{info['url']}/_standin/sent")["messages"]
    return [
        Received(
            at=float(m["sent_at"]),
            channel="MAX",
            to=t._("user %(user)s", user=m["user_id"])
            if m["user_id"] is not None
            else t._("chat %(chat)s", chat=m["chat_id"]),
            text=_one_line(
                f"[{m['file']['filename']}] {plain_text(m['text'])}"
                if m["file"]
                else plain_text(m["text"])
            ),
        )
        for m in found
        if not m.get("deleted")
    ]


def _email_time(date_header: object, path: Path) -> float:
    """The Date header's instant; the file's time when there is none or it is unreadable."""
    try:
        return parsedate_to_datetime(str(date_header)).timestamp()
    except (TypeError, ValueError):
        return path.stat().st_mtime


def email_messages(info: dict[str, Any]) -> list[Received]:
    """The `.eml` files the SMTP stand-in wrote: recipients and subject."""
    parser = BytesHeaderParser(policy=policy.default)
    found: list[Received] = []
    for path in Path(info["mail_dir"]).glob("*.eml"):
        headers = parser.parsebytes(path.read_bytes())
        found.append(
            Received(
                at=_email_time(headers.get("Date"), path),
                channel=t.pgettext("channel", "Mail"),
                to=str(headers.get("To", "")),
                text=_one_line(f"{headers.get('Subject', '')}   ({path.name})"),
            )
        )
    return found


def sms_messages(info: dict[str, Any]) -> list[Received]:
    """What the SMS gateway emulator accepted."""
    found = _get_json(f"{info['url']}/_emulator/sent")["sent"]
    return [
        Received(
            at=float(s["sent_at"]), channel="SMS", to=f"+{s['phone']}", text=_one_line(s["text"])
        )
        for s in found
    ]


READERS: dict[str, tuple[str, Callable[[dict[str, Any]], list[Received]]]] = {
    "telegram": ("Telegram", telegram_messages),
    "max": ("MAX", max_messages),
    "smtp": (t.pgettext("channel", "Mail"), email_messages),
    "sms": ("SMS", sms_messages),
}


def collect(standins: dict[str, dict[str, Any]]) -> tuple[list[Received], list[str]]:
    """Every stand-in's messages, and notes on the channels that could not be read."""
    received: list[Received] = []
    notes: list[str] = []
    for key, (label, reader) in READERS.items():
        info = standins.get(key)
        if info is None:
            notes.append(
                t._("%(channel)s: a real service, not a stand-in: not seen here", channel=label)
            )
            continue
        try:
            received += reader(info)
        except (OSError, urllib.error.URLError, ValueError, KeyError) as error:
            notes.append(
                t._("%(channel)s: could not be read (%(error)s)", channel=label, error=error)
            )
    return received, notes


def print_received(received: list[Received], limit: int) -> None:
    newest = sorted(received, key=lambda r: r.at, reverse=True)[:limit]
    title = t.ngettext(
        "What the stand-ins got: %(num)d of %(total)d message, newest first",
        "What the stand-ins got: %(num)d of %(total)d messages, newest first",
        len(received),
        num=len(newest),
        total=len(received),
    )
    table = Table(title=title)
    for column in (t._("Time"), t._("Channel"), t._("To"), t._("Text / subject")):
        table.add_column(column)
    for item in newest:
        at = dt.datetime.fromtimestamp(item.at)
        when = t._(
            # TRANSLATORS: a date and a time of day, e.g. 23.11 10:05:07.
            "%(date)s %(time)s",
            date=formats.short_date(at, LANGUAGE),
            time=formats.time_with_seconds(at, LANGUAGE),
        )
        table.add_row(when, item.channel, item.to, item.text)
    console.print(table)


async def _held(database_url: str) -> list[Held]:
    db = Database(database_url)
    try:
        async with db.session() as session:
            return await held_notifications(session)
    finally:
        await db.dispose()


def held_lines(held: list[Held]) -> list[str]:
    """What is held back and why, one line per reason («тихие часы до 07:30: 3 сообщения»)."""
    if not held:
        return [t._("No message is held back: whatever is due has gone out.")]
    total = sum(group.count for group in held)
    lines = [
        t.ngettext(
            "Not sent yet, and why: %(num)d message",
            "Not sent yet, and why: %(num)d messages",
            total,
        )
    ]
    for group in held:
        reason = group.reason.text(LANGUAGE)
        lines.append(
            "  "
            + t.ngettext(
                "%(reason)s: %(num)d message",
                "%(reason)s: %(num)d messages",
                group.count,
                reason=reason,
            )
        )
    return lines


def print_held(database_url: str) -> None:
    """What the workers owe parents and hold back, grouped by why (quiet hours...)."""
    try:
        held = asyncio.run(_held(database_url))
    except (OSError, SQLAlchemyError) as error:
        note = t._("Held messages could not be read from the database: %(error)s", error=error)
        console.print(f"[yellow]{note}[/]")
        return
    for line in held_lines(held):
        console.print(line)


def messages(
    limit: Annotated[
        int,
        typer.Option("--limit", "-n", min=1, help=t._("How many of the latest messages to show.")),
    ] = 20,
) -> None:
    """Show what the stand-ins got."""
    settings = settings_or_exit()
    state = read_state(settings.data_dir)
    standins: dict[str, dict[str, Any]] = state.get("standins") or {}
    received, notes = collect(standins)
    print_received(received, limit)
    print_held(settings.database_url_resolved)
    for note in notes:
        console.print(f"[yellow]{note}[/]")
    for key, (label, _) in READERS.items():
        where = standins.get(key, {}).get("sent") or standins.get(key, {}).get("mail_dir")
        if where:
            console.print(f"{label}: {where}")
