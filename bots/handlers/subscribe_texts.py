"""Texts about subscribing, shared by /start, /help, /stop and the catch-all.

None of them names a school, class or child unless the chat is linked to them.
Read in the update's language (`bots.i18n`).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from bots.commands import command_description
from bots.i18n import _, ngettext
from core import formats
from core.models import Messenger
from core.reading.chats import ChatLinks, Child, LinkedStaff

MOSCOW = ZoneInfo("Europe/Moscow")
PARENT_COMMANDS = (
    "homework",
    "diary",
    "tests",
    "marks",
    "absences",
    "summary",
    "settings",
    "stop",
)
STAFF_COMMANDS = ("hw", "stop")


MESSENGER_NAMES = {Messenger.telegram: "Telegram", Messenger.max: "MAX"}


def messenger_name(messenger: Messenger) -> str:
    return MESSENGER_NAMES[messenger]


def no_code() -> str:
    """What a stranger reads: what the bot is and how to subscribe."""
    return _(
        "Hello! This is the «Zvonok» school journal bot: marks, absences, homework and "
        "school messages arrive here.\n\n"
        "To connect, ask your class teacher for your personal invite code or QR code. "
        "Scan the QR code or open the link in the invitation and the bot opens with the "
        "code; or simply send the code here as a message."
    )


def stale() -> str:
    return _("This request is out of date. Please send the code again.")


def children_lines(children: Iterable[Child]) -> str:
    return "\n".join(f"• {html.escape(child.label)}" for child in children)


def staff_names(staff: Iterable[LinkedStaff]) -> str:
    return ", ".join(html.escape(s.short_name) for s in staff)


def welcome_back(links: ChatLinks) -> str:
    """What a linked chat's /start says: who it follows, or as whom it is linked."""
    parts = []
    if links.guardians:
        children = children_lines(links.children) or "—"
        parts.append(
            _(
                "You are already connected. This chat follows:\n%(children)s\n\n"
                "Actions are in the menu below; all commands: /help."
            )
            % {"children": children}
        )
    if links.staff:
        parts.append(
            _("You are connected as %(names)s. Send homework: /hw; all commands: /help.")
            % {"names": staff_names(links.staff)}
        )
    return "\n\n".join(parts)


def command_lines(names: Iterable[str]) -> str:
    return "\n".join(f"/{name} — {command_description(name)}" for name in names)


def help_text(links: ChatLinks | None) -> str:
    """The commands for who is asking: a parent's, a teacher's; a stranger learns how to
    subscribe. With the journal unreachable (`links` None) both lists, naming no one."""
    if links is not None and links.is_stranger:
        return no_code()
    parent = links is None or bool(links.guardians)
    staff = links is None or bool(links.staff)
    parts = []
    if parent:
        heading = _("Commands:")
        parts.append(f"{heading}\n{command_lines(PARENT_COMMANDS)}")
        parts.append(
            _("The same actions are in the menu below. Another child? Send their invite code here.")
        )
    if staff:
        names = ("hw",) if parent else STAFF_COMMANDS
        heading = _("Teacher commands:")
        parts.append(f"{heading}\n{command_lines(names)}")
    return "\n\n".join(parts)


def retry_text(retry_after_seconds: int, links: ChatLinks | None, lang: str) -> str:
    """When a throttled chat may try again, on the clock of its school (Moscow when the
    chat is linked to none)."""
    schools = list(links.schools.values()) if links else []
    zone = ZoneInfo(schools[0].timezone) if schools else MOSCOW
    now = dt.datetime.now(dt.UTC).astimezone(zone)
    at = now + dt.timedelta(seconds=retry_after_seconds)
    minutes = max(1, -(-retry_after_seconds // 60))
    time = formats.time_of_day(at, lang)
    if minutes <= 60:
        return _retry_soon(minutes, time, moscow=not schools)
    return _retry_later(formats.numeric_date(at.date(), lang), time, moscow=not schools)


def _retry_soon(minutes: int, time: str, *, moscow: bool) -> str:
    values = {"num": minutes, "time": time}
    if moscow:
        return (
            ngettext(
                "Too many attempts with a wrong code. Codes from this chat are not checked for "
                "now; please try again in %(num)d minute, at %(time)s Moscow time.",
                "Too many attempts with a wrong code. Codes from this chat are not checked for "
                "now; please try again in %(num)d minutes, at %(time)s Moscow time.",
                minutes,
            )
            % values
        )
    return (
        ngettext(
            "Too many attempts with a wrong code. Codes from this chat are not checked for "
            "now; please try again in %(num)d minute, at %(time)s.",
            "Too many attempts with a wrong code. Codes from this chat are not checked for "
            "now; please try again in %(num)d minutes, at %(time)s.",
            minutes,
        )
        % values
    )


def _retry_later(date: str, time: str, *, moscow: bool) -> str:
    values = {"date": date, "time": time}
    if moscow:
        return (
            _(
                "Too many attempts with a wrong code. Codes from this chat are not checked for "
                "now; please try again on %(date)s at %(time)s Moscow time."
            )
            % values
        )
    return (
        _(
            "Too many attempts with a wrong code. Codes from this chat are not checked for "
            "now; please try again on %(date)s at %(time)s."
        )
        % values
    )


def consent_text(school_name: str, child_first_names: Iterable[str], body: str) -> str:
    """The consent a guardian gives by tapping «Accept» (152-FZ, art. 9): `body` is the
    school's current consent text as shown (`core.consent_texts.shown_text`)."""
    school = html.escape(school_name)
    names = html.escape(", ".join(child_first_names))
    if names:
        intro = _(
            "<b>Consent to personal-data processing</b>\n\n"
            "%(school)s connects you to the school journal's messages about: %(names)s."
        ) % {"school": school, "names": names}
    else:
        intro = _(
            "<b>Consent to personal-data processing</b>\n\n"
            "%(school)s connects you to the school journal's messages."
        ) % {"school": school}
    return f"{intro}\n\n{html.escape(body)}\n\n" + _("Tap «Accept» to give this consent.")


def accepted_text(new: Sequence[Child], children: Sequence[Child]) -> str:
    """After consent: the children just linked, and all the chat follows if more."""
    text = _(
        "Done! Messages about these children now come here:\n%(children)s\n\n"
        "Actions are in the menu below; all commands: /help."
    ) % {"children": children_lines(new)}
    if len(children) > len(new):
        more = _("Altogether this chat follows:\n%(children)s") % {
            "children": children_lines(children)
        }
        text += "\n\n" + more
    return text
