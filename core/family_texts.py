"""What core says to parents, in every parents' language (the `family` domain).

The errors a parent can meet through the bot (an invite code, consent, their own
settings and contacts, quiet hours, an acknowledgement, reading a diary), the names
of the channels, kinds of message and modes they choose from, and the invite slip
they are handed. English message ids; Russian, Uzbek, Tajik and Kyrgyz in
`core/locale/<language>/LC_MESSAGES/family.po`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core import formats
from core.error_texts.base import ErrorTable
from core.i18n import N_, Texts, texts

ERRORS: dict[str, str] = {
    "invite_unknown": N_("Invite code not found. Check it or ask the class teacher for a new one."),
    "invite_expired": N_("This code expired on %(date)s. Ask the class teacher for a new one."),
    "invite_used": N_("This code has already been used. Ask the class teacher for a new one."),
    "invite_revoked": N_("This code was revoked. Ask the class teacher for a new one."),
    "invite_malformed": N_("This does not look like an invite code."),
    "invite_other_messenger": N_(
        "Your school does not use %(messenger)s for messages about children. "
        "Open the school's bot in %(offered)s and send the code there."
    ),
    "consent_missing": N_("No consent to personal-data processing."),
    "consent_required": N_(
        "To get messages about your child, please consent to the processing of personal data."
    ),
    "bad_phone": N_(
        "Phone number “%(phone)s” not recognised: enter the full number, "
        "e.g. +7 916 123-45-67 or 8 (916) 123-45-67."
    ),
    "bad_email": N_("“%(email)s” does not look like an e-mail address."),
    "bad_language": N_("Language “%(value)s” is not supported: use %(allowed)s."),
    "not_your_child": N_("Not allowed: this is not your child."),
    "diary_readers_only": N_(
        "A student's diary is read by their guardians and the school's teachers."
    ),
    "guardian_unknown": N_(
        "Settings are available once you subscribe with an invite code from the class teacher."
    ),
    "bad_topic": N_("Unknown kind of message “%(value)s”: use %(allowed)s."),
    "bad_mode": N_("Unknown mode “%(value)s”: use %(allowed)s."),
    "bad_channel": N_("Unknown channel “%(value)s”: use %(allowed)s."),
    "channels_required": N_("Give at least one channel."),
    "duplicate_channel": N_("Channel “%(value)s” is given twice."),
    "channel_without_address": N_(
        "%(channel)s cannot be the first channel: there is no address for it. "
        "Add one under “Contacts” first."
    ),
    "channel_not_offered": N_("Your school does not use %(channel)s for messages."),
    "bad_time": N_("Time “%(value)s” not recognised: write it like 18:30."),
    "bad_quiet_hours": N_(
        "Quiet hours “%(value)s” not recognised: write them like 21:00–07:30, "
        "or “none” to have none."
    ),
    "quiet_hours_empty": N_(
        "Quiet hours start and end at the same time. To have none, choose “No quiet hours”."
    ),
    "bad_contact_channel": N_("Only an e-mail address or a phone number for SMS can be confirmed."),
    "contact_unchanged": N_("You already have this address."),
    "contact_too_many": N_("Too many code requests today. Please try again tomorrow."),
    "contact_no_pending": N_("No address is waiting for confirmation. Please start again."),
    "contact_code_locked": N_("Too many wrong attempts. Please ask for a new code."),
    "contact_code_expired": N_("The code has expired. Please ask for a new code."),
    "ack_refused": N_("This acknowledgement is not available to you."),
}


def _contact_code_wrong(t: Texts, n: int, p: Mapping[str, object]) -> str:
    return t.ngettext(
        "Wrong code. %(num)d attempt left.", "Wrong code. %(num)d attempts left.", n, **p
    )


def channels(t: Texts) -> dict[str, str]:
    """The channels a message can come by (core.models.ChannelName)."""
    return {
        "telegram": t.pgettext("channel", "Telegram"),
        "email": t.pgettext("channel", "Email"),
        "sms": t.pgettext("channel", "SMS"),
        "max": t.pgettext("channel", "MAX"),
    }


def topics(t: Texts) -> dict[str, str]:
    """The kinds of message a parent sets a mode for (core.models.Topic)."""
    return {
        "marks": t.pgettext("topic", "marks"),
        "attendance": t.pgettext("topic", "attendance"),
        "homework": t.pgettext("topic", "homework"),
        "remarks": t.pgettext("topic", "notes from teachers"),
        "announcements": t.pgettext("topic", "announcements"),
        "period_marks": t.pgettext("topic", "period marks"),
    }


def modes(t: Texts) -> dict[str, str]:
    """How a kind of message comes (core.models.Mode)."""
    return {
        "instant": t.pgettext("mode", "at once"),
        "daily": t.pgettext("mode", "once a day"),
        "weekly": t.pgettext("mode", "once a week"),
        "off": t.pgettext("mode", "never"),
    }


FAMILY_ERRORS = ErrorTable(
    "family",
    ERRORS,
    plurals={"contact_code_wrong": ("left", _contact_code_wrong)},
    words={
        "bad_topic": {"allowed": topics},
        "bad_mode": {"allowed": modes},
        "bad_channel": {"allowed": channels},
        "channel_without_address": {"channel": channels},
        "invite_other_messenger": {"messenger": channels, "offered": channels},
        "channel_not_offered": {"channel": channels},
    },
)


@dataclass(frozen=True)
class SlipWords:
    """An invite slip's words, in the parent's language (core/reports/invite_sheet.py)."""

    title: str
    child: str
    guardian: str
    code: str
    until: str
    how: str


def slip_words(
    language: str, *, bots: Sequence[tuple[str, str]], offered: str, expires: dt.date
) -> SlipWords:
    """`bots`: (messenger, bot's username) for each QR code on the slip, one or two;
    none when no bot of the messenger the school offers (`offered`) is named."""
    t = texts("family", language)
    return SlipWords(
        title=t._("Joining Zvonok"),
        child=t._("Student"),
        guardian=t._("Parent"),
        code=t._("Code"),
        until=t._("valid until %(date)s", date=formats.numeric_date(expires, t.language)),
        how=_how(t, bots, offered),
    )


def _how(t: Texts, bots: Sequence[tuple[str, str]], offered: str) -> str:
    if len(bots) > 1:
        (first, first_bot), (second, second_bot) = bots[:2]
        return t._(
            "Point your phone's camera at the QR code of your messenger, or find "
            "@%(first_bot)s in %(first)s or @%(second_bot)s in %(second)s and send it the "
            "code. The code works in either, once.",
            first=first,
            first_bot=first_bot,
            second=second,
            second_bot=second_bot,
        )
    if bots:
        messenger, bot = bots[0]
        return t._(
            "Point your phone's camera at the QR code, or find @%(bot)s in %(messenger)s "
            "and send it the code.",
            bot=bot,
            messenger=messenger,
        )
    return t._(
        "Send the code to the school's bot in %(messenger)s; the class teacher will tell "
        "you its name.",
        messenger=offered,
    )
