"""The settings screens: a guardian's `Preferences` as text and inline keyboards.

Pure: the same preferences and language always give the same screen. Every button
carries a `SettingsButton` (prefix "set"), which `bots.handlers.settings` answers.
Texts come in the update's language (`bots.i18n`); `lang` formats the times (every
screen takes it, so `SCREENS` share one signature).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

from bots.dialog.payload import Payload
from bots.dialog.ui import Button, Keyboard
from bots.handlers.consent_texts import withdraw_button
from bots.i18n import _, __
from core import formats
from core.i18n import LANGUAGE_NAMES
from core.models import ChannelName, Mode, Topic
from core.reading.preferences import ContactPoint, Preferences

TOPICS = {
    Topic.marks: __("Marks"),
    Topic.attendance: __("Absences and lateness"),
    Topic.homework: __("Homework"),
    Topic.remarks: __("Remarks and praise"),
    Topic.announcements: __("Announcements"),
    Topic.period_marks: __("Period marks"),
}
MODES = {
    Mode.instant: __("instantly"),
    Mode.daily: __("in the daily digest"),
    Mode.weekly: __("once a week"),
    Mode.off: __("don't send"),
}
CHANNEL_NAMES = {
    ChannelName.telegram: "Telegram",
    ChannelName.email: "Email",
    ChannelName.sms: "SMS",
    ChannelName.max: "MAX",
}
QUIET_CHOICES = (
    (dt.time(21), dt.time(7, 30)),
    (dt.time(22), dt.time(7)),
    (dt.time(20), dt.time(8)),
)
DIGEST_CHOICES = tuple(dt.time(h) for h in (8, 14, 16, 18, 19, 20))
# Every language of core.i18n.LANGUAGES, two rows that fit a phone.
LANGUAGE_ROWS = (("ru", "en"), ("uz", "tg", "ky"))


class SettingsButton(Payload, prefix="set"):
    """screen: which screen; op: what to do there (empty: just show it); arg: its value."""

    screen: str
    op: str = ""
    arg: str = ""


Rows = list[list[Button]]
Screen = tuple[str, Keyboard]


def button(text: str, screen: str, op: str = "", arg: str = "") -> Button:
    return Button(text, data=SettingsButton(screen=screen, op=op, arg=arg).pack())


def back(to: str = "home") -> list[Button]:
    return [button(_("« Back"), to)]


def markup(rows: Rows) -> Keyboard:
    return tuple(tuple(row) for row in rows if row)


def clock_arg(value: dt.time) -> str:
    """A time inside callback data, where «:» separates the fields: «2130»."""
    return value.strftime("%H%M")


def hours(start: dt.time, end: dt.time, lang: str) -> str:
    return f"{formats.time_of_day(start, lang)}–{formats.time_of_day(end, lang)}"


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def as_school(text: str, school_default: bool) -> str:
    # TRANSLATORS: after a time the parent did not choose: «21:00–07:30 (as the school has it)».
    return _("%(value)s (the school's)") % {"value": text} if school_default else text


def quiet_text(lang: str, prefs: Preferences) -> str:
    if prefs.quiet is None:
        # TRANSLATORS: quiet hours: none.
        return _("none")
    return as_school(hours(*prefs.quiet, lang), prefs.quiet_is_school_default)


def digest_text(lang: str, prefs: Preferences) -> str:
    value = formats.time_of_day(prefs.digest_time, lang)
    return as_school(value, prefs.digest_is_school_default)


def saved(text: str, note: bool) -> str:
    if not note:
        return text
    done = _("✅ Saved.")
    return f"{done}\n\n{text}"


def mode_line(topic: Topic, mode: Mode) -> str:
    return f"• {TOPICS[topic]}: {MODES[mode]}"


def home(lang: str, prefs: Preferences, *, note: bool = False) -> Screen:
    order = " → ".join(CHANNEL_NAMES[p.channel] for p in prefs.channels)
    title = _("⚙️ <b>Settings</b>")
    lines = [
        _("Channels: %(value)s") % {"value": order},
        _("Quiet hours: %(value)s") % {"value": quiet_text(lang, prefs)},
        _("Daily digest: at %(value)s") % {"value": digest_text(lang, prefs)},
        _("Language: %(value)s") % {"value": language_name(prefs.language)},
    ]
    modes = [mode_line(topic, mode) for topic, mode in prefs.modes.items()]
    text = "\n".join([title, "", *modes, "", *lines])
    rows = [
        [button(_("What to send"), "modes")],
        [button(_("Channels"), "channels"), button(_("Contacts"), "contacts")],
        [button(_("Quiet hours"), "quiet"), button(_("Digest time"), "digest")],
        [button(_("Language"), "lang")],
        [withdraw_button()],
    ]
    return saved(text, note), markup(rows)


def modes(lang: str, prefs: Preferences, *, note: bool = False) -> Screen:
    rows = [
        [button(f"{TOPICS[topic]} · {MODES[mode]}", "topic", arg=topic.value)]
        for topic, mode in prefs.modes.items()
    ]
    intro = _("<b>What to send, and when</b>\nChoose a kind of message to change it.")
    return saved(intro, note), markup([*rows, back()])


def topic(lang: str, prefs: Preferences, chosen: Topic) -> Screen:
    current = prefs.modes[chosen]
    # Payload fields are flat and «:»-separated: the pair travels as «marks=daily».
    rows = [
        [
            button(
                ("✓ " if mode is current else "") + str(MODES[mode]),
                "topic",
                "set",
                f"{chosen.value}={mode.value}",
            )
        ]
        for mode in Mode
    ]
    text = _("<b>%(topic)s</b>: now %(mode)s.\nHow should they come?") % {
        "topic": TOPICS[chosen],
        "mode": MODES[current],
    }
    return text, markup([*rows, back("modes")])


MESSENGERS = (ChannelName.telegram, ChannelName.max)


def contact_state(point: ContactPoint, here: ChannelName | None = None) -> str:
    """`here`: the messenger the screen is shown in («this chat»)."""
    if point.channel in MESSENGERS:
        if not point.address:
            return _("not connected")
        return _("this chat ✓") if point.channel is here else _("connected ✓")
    if point.address is None:
        return _("no address") if point.channel is ChannelName.email else _("no number")
    address = html.escape(point.address)
    if point.dead:
        return _("%(address)s ⚠ not delivered") % {"address": address}
    return f"{address} ✓"


def channels(
    lang: str, prefs: Preferences, *, note: bool = False, here: ChannelName | None = None
) -> Screen:
    lines = [
        f"{n}. {CHANNEL_NAMES[p.channel]} — {contact_state(p, here)}"
        for n, p in enumerate(prefs.channels, start=1)
    ]
    ups = [
        button(f"⬆ {CHANNEL_NAMES[p.channel]}", "channels", "up", p.channel.value)
        for p in prefs.channels[1:]
    ]
    intro = _(
        "<b>Channels</b>\nA message goes by the first channel; if it is not delivered, "
        "by the next one."
    )
    text = "\n".join([intro, "", *lines])
    rows = [ups, [button(_("Contacts"), "contacts")], back()]
    return saved(text, note), markup(rows)


def contacts(lang: str, prefs: Preferences, *, note: bool = False) -> Screen:
    by_channel = {p.channel: p for p in prefs.channels}
    text = _("<b>Contacts</b>\nEmail: %(email)s\nPhone for SMS: %(phone)s") % {
        "email": contact_state(by_channel[ChannelName.email]),
        "phone": contact_state(by_channel[ChannelName.sms]),
    }
    if prefs.pending is not None:
        address = html.escape(prefs.pending.address)
        pending = _("Waiting for its code: %(address)s") % {"address": address}
        text = f"{text}\n\n{pending}"
    rows = [
        [button(_("Change email"), "contacts", "change", "email")],
        [button(_("Change phone"), "contacts", "change", "sms")],
        back(),
    ]
    return saved(text, note), markup(rows)


def quiet(lang: str, prefs: Preferences, *, note: bool = False) -> Screen:
    presets = [
        button(hours(a, b, lang), "quiet", "set", f"{clock_arg(a)}-{clock_arg(b)}")
        for a, b in QUIET_CHOICES
    ]
    rows = [
        presets,
        [button(_("No quiet hours"), "quiet", "set", "none")],
        [button(_("As the school has it"), "quiet", "set", "school")],
        [button(_("Type my own…"), "quiet", "type")],
        back(),
    ]
    text = _(
        "<b>Quiet hours</b>: %(value)s\nNon-urgent messages wait until they end; urgent "
        "announcements come at once."
    ) % {"value": quiet_text(lang, prefs)}
    return saved(text, note), markup(rows)


def digest(lang: str, prefs: Preferences, *, note: bool = False) -> Screen:
    times = [
        button(formats.time_of_day(t, lang), "digest", "set", clock_arg(t)) for t in DIGEST_CHOICES
    ]
    rows = [
        times[:3],
        times[3:],
        [button(_("As the school has it"), "digest", "set", "school")],
        [button(_("Type my own…"), "digest", "type")],
        back(),
    ]
    text = _(
        "<b>Digest time</b>: %(value)s\nThe daily digest (and the weekly one) comes at this time."
    ) % {"value": digest_text(lang, prefs)}
    return saved(text, note), markup(rows)


def language(lang: str, prefs: Preferences, *, note: bool = False) -> Screen:
    """Every language the bot speaks, each named in itself."""
    rows = [
        [
            button(
                ("✓ " if code == prefs.language else "") + language_name(code), "lang", "set", code
            )
            for code in row
        ]
        for row in LANGUAGE_ROWS
    ]
    text = _("<b>Language</b>: %(value)s") % {"value": language_name(prefs.language)}
    return saved(text, note), markup([*rows, back()])


def language_changed() -> str:
    # TRANSLATORS: said in the language just chosen: name your own language.
    return _("Language: English. The menu is updated.")


def cancel_markup(to: str) -> Keyboard:
    return markup([[button(_("Cancel"), to, "cancel")]])


SCREENS: dict[str, Callable[[str, Preferences], Screen]] = {
    "home": home,
    "modes": modes,
    "channels": channels,
    "contacts": contacts,
    "quiet": quiet,
    "digest": digest,
    "lang": language,
}
