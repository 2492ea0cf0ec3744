"""The settings screens: a guardian's `Preferences` as text and inline keyboards.

Pure: the same preferences and language always give the same screen. Every button
carries a `SettingsButton` (prefix "set"), which `bots.handlers.settings` answers.
"""

from __future__ import annotations

import datetime as dt
import html

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bots.i18n import Catalog
from core.models import ChannelName, Mode, Topic
from core.services.guardian_settings import ContactPoint, Preferences

T = Catalog(
    {
        "title": ("⚙️ <b>Настройки</b>", "⚙️ <b>Settings</b>"),
        "what": ("Что присылать", "What to send"),
        "channels": ("Каналы", "Channels"),
        "contacts": ("Контакты", "Contacts"),
        "quiet": ("Тихие часы", "Quiet hours"),
        "digest": ("Время сводки", "Digest time"),
        "language": ("Язык", "Language"),
        "back": ("« Назад", "« Back"),
        "cancel": ("Отмена", "Cancel"),
        "saved": ("✅ Сохранено.", "✅ Saved."),
        "school_default": ("как в школе", "the school's"),
        "no_quiet": ("без тихих часов", "none"),
        "quiet_line": ("Тихие часы: {value}", "Quiet hours: {value}"),
        "digest_line": ("Сводка за день: в {value}", "Daily digest: at {value}"),
        "channels_line": ("Каналы: {value}", "Channels: {value}"),
        "language_line": ("Язык: {value}", "Language: {value}"),
        "modes_intro": (
            "<b>Что присылать и когда</b>\nВыберите вид сообщений, чтобы изменить.",
            "<b>What to send, and when</b>\nChoose a kind of message to change it.",
        ),
        "topic_intro": (
            "<b>{topic}</b>: сейчас — {mode}.\nКак присылать?",
            "<b>{topic}</b>: now {mode}.\nHow should they come?",
        ),
        "channels_intro": (
            "<b>Каналы</b>\nСообщение идёт по первому каналу; если не доставлено — по следующему.",
            "<b>Channels</b>\nA message goes by the first channel; if it is not delivered, "
            "by the next one.",
        ),
        "up": ("⬆ {channel}", "⬆ {channel}"),
        "this_chat": ("этот чат ✓", "this chat ✓"),
        "confirmed": ("{address} ✓", "{address} ✓"),
        "dead": ("{address} ⚠ не доставляется", "{address} ⚠ not delivered"),
        "no_email": ("нет адреса", "no address"),
        "no_phone": ("нет номера", "no number"),
        "contacts_intro": (
            "<b>Контакты</b>\nEmail: {email}\nТелефон для SMS: {phone}",
            "<b>Contacts</b>\nEmail: {email}\nPhone for SMS: {phone}",
        ),
        "pending": (
            "Ждёт подтверждения кодом: {address}",
            "Waiting for its code: {address}",
        ),
        "change_email": ("Изменить email", "Change email"),
        "change_phone": ("Изменить телефон", "Change phone"),
        "quiet_intro": (
            "<b>Тихие часы</b>: {value}\nВ это время несрочные сообщения ждут их конца; "
            "срочные объявления приходят сразу.",
            "<b>Quiet hours</b>: {value}\nNon-urgent messages wait until they end; urgent "
            "announcements come at once.",
        ),
        "quiet_none": ("Без тихих часов", "No quiet hours"),
        "as_school": ("Как в школе", "As the school has it"),
        "type_own": ("Ввести своё…", "Type my own…"),
        "digest_intro": (
            "<b>Время сводки</b>: {value}\nВ это время приходит сводка за день (и раз в "
            "неделю — недельная).",
            "<b>Digest time</b>: {value}\nThe daily digest (and the weekly one) comes at "
            "this time.",
        ),
        "language_intro": ("<b>Язык</b>: {value}", "<b>Language</b>: {value}"),
        "language_changed": (
            "Язык: русский. Меню обновлено.",
            "Language: English. The menu is updated.",
        ),
    }
)

TOPICS = Catalog(
    {
        Topic.marks: ("Оценки", "Marks"),
        Topic.attendance: ("Пропуски и опоздания", "Absences and lateness"),
        Topic.homework: ("Домашние задания", "Homework"),
        Topic.remarks: ("Замечания и благодарности", "Remarks and praise"),
        Topic.announcements: ("Объявления", "Announcements"),
        Topic.period_marks: ("Итоговые оценки", "Period marks"),
    }
)
MODES = Catalog(
    {
        Mode.instant: ("сразу", "instantly"),
        Mode.daily: ("в сводке за день", "in the daily digest"),
        Mode.weekly: ("раз в неделю", "once a week"),
        Mode.off: ("не присылать", "don't send"),
    }
)
LANGUAGES = {"ru": "Русский", "en": "English"}
CHANNEL_NAMES = {
    ChannelName.telegram: "Telegram",
    ChannelName.email: "Email",
    ChannelName.sms: "SMS",
}
QUIET_CHOICES = (
    (dt.time(21), dt.time(7, 30)),
    (dt.time(22), dt.time(7)),
    (dt.time(20), dt.time(8)),
)
DIGEST_CHOICES = tuple(dt.time(h) for h in (8, 14, 16, 18, 19, 20))


class SettingsButton(CallbackData, prefix="set"):
    """screen: which screen; op: what to do there (empty: just show it); arg: its value."""

    screen: str
    op: str = ""
    arg: str = ""


Keyboard = list[list[InlineKeyboardButton]]
Screen = tuple[str, InlineKeyboardMarkup]


def button(text: str, screen: str, op: str = "", arg: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=SettingsButton(screen=screen, op=op, arg=arg).pack()
    )


def back(lang: str, to: str = "home") -> list[InlineKeyboardButton]:
    return [button(T(lang, "back"), to)]


def markup(rows: Keyboard) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=rows)


def clock(value: dt.time) -> str:
    return value.strftime("%H:%M")


def clock_arg(value: dt.time) -> str:
    """A time inside callback data, where «:» separates the fields: «2130»."""
    return value.strftime("%H%M")


def quiet_text(lang: str, prefs: Preferences) -> str:
    if prefs.quiet is None:
        return T(lang, "no_quiet")
    text = f"{clock(prefs.quiet[0])}–{clock(prefs.quiet[1])}"
    return f"{text} ({T(lang, 'school_default')})" if prefs.quiet_is_school_default else text


def digest_text(lang: str, prefs: Preferences) -> str:
    text = clock(prefs.digest_time)
    return f"{text} ({T(lang, 'school_default')})" if prefs.digest_is_school_default else text


def saved(lang: str, text: str, note: bool) -> str:
    return f"{T(lang, 'saved')}\n\n{text}" if note else text


def home(lang: str, prefs: Preferences, *, note: bool = False) -> Screen:
    modes = "\n".join(
        f"• {TOPICS(lang, topic)}: {MODES(lang, mode)}" for topic, mode in prefs.modes.items()
    )
    order = " → ".join(CHANNEL_NAMES[p.channel] for p in prefs.channels)
    text = "\n".join(
        [
            T(lang, "title"),
            "",
            modes,
            "",
            T(lang, "channels_line", value=order),
            T(lang, "quiet_line", value=quiet_text(lang, prefs)),
            T(lang, "digest_line", value=digest_text(lang, prefs)),
            T(lang, "language_line", value=LANGUAGES.get(prefs.language, prefs.language)),
        ]
    )
    rows = [
        [button(T(lang, "what"), "modes")],
        [button(T(lang, "channels"), "channels"), button(T(lang, "contacts"), "contacts")],
        [button(T(lang, "quiet"), "quiet"), button(T(lang, "digest"), "digest")],
        [button(T(lang, "language"), "lang")],
    ]
    return saved(lang, text, note), markup(rows)


def modes(lang: str, prefs: Preferences, *, note: bool = False) -> Screen:
    rows = [
        [button(f"{TOPICS(lang, topic)} · {MODES(lang, mode)}", "topic", arg=topic.value)]
        for topic, mode in prefs.modes.items()
    ]
    return saved(lang, T(lang, "modes_intro"), note), markup([*rows, back(lang)])


def topic(lang: str, prefs: Preferences, chosen: Topic) -> Screen:
    current = prefs.modes[chosen]
    # CallbackData fields are flat and «:»-separated: the pair travels as «marks=daily».
    rows = [
        [
            button(
                ("✓ " if mode is current else "") + MODES(lang, mode),
                "topic",
                "set",
                f"{chosen.value}={mode.value}",
            )
        ]
        for mode in Mode
    ]
    text = T(lang, "topic_intro", topic=TOPICS(lang, chosen), mode=MODES(lang, current))
    return text, markup([*rows, back(lang, "modes")])


def contact_state(lang: str, point: ContactPoint) -> str:
    if point.channel is ChannelName.telegram:
        return T(lang, "this_chat") if point.address else T(lang, "no_email")
    if point.address is None:
        return T(lang, "no_email" if point.channel is ChannelName.email else "no_phone")
    key = "dead" if point.dead else "confirmed"
    return T(lang, key, address=html.escape(point.address))


def channels(lang: str, prefs: Preferences, *, note: bool = False) -> Screen:
    lines = [
        f"{n}. {CHANNEL_NAMES[p.channel]} — {contact_state(lang, p)}"
        for n, p in enumerate(prefs.channels, start=1)
    ]
    ups = [
        button(T(lang, "up", channel=CHANNEL_NAMES[p.channel]), "channels", "up", p.channel.value)
        for p in prefs.channels[1:]
    ]
    text = "\n".join([T(lang, "channels_intro"), "", *lines])
    rows = [ups, [button(T(lang, "contacts"), "contacts")], back(lang)]
    return saved(lang, text, note), markup(rows)


def contacts(lang: str, prefs: Preferences, *, note: bool = False) -> Screen:
    by_channel = {p.channel: p for p in prefs.channels}
    text = T(
        lang,
        "contacts_intro",
        email=contact_state(lang, by_channel[ChannelName.email]),
        phone=contact_state(lang, by_channel[ChannelName.sms]),
    )
    if prefs.pending is not None:
        pending = T(lang, "pending", address=html.escape(prefs.pending.address))
        text = f"{text}\n\n{pending}"
    rows = [
        [button(T(lang, "change_email"), "contacts", "change", "email")],
        [button(T(lang, "change_phone"), "contacts", "change", "sms")],
        back(lang),
    ]
    return saved(lang, text, note), markup(rows)


def quiet(lang: str, prefs: Preferences, *, note: bool = False) -> Screen:
    presets = [
        button(f"{clock(a)}–{clock(b)}", "quiet", "set", f"{clock_arg(a)}-{clock_arg(b)}")
        for a, b in QUIET_CHOICES
    ]
    rows = [
        presets,
        [button(T(lang, "quiet_none"), "quiet", "set", "none")],
        [button(T(lang, "as_school"), "quiet", "set", "school")],
        [button(T(lang, "type_own"), "quiet", "type")],
        back(lang),
    ]
    text = T(lang, "quiet_intro", value=quiet_text(lang, prefs))
    return saved(lang, text, note), markup(rows)


def digest(lang: str, prefs: Preferences, *, note: bool = False) -> Screen:
    times = [button(clock(t), "digest", "set", clock_arg(t)) for t in DIGEST_CHOICES]
    rows = [
        times[:3],
        times[3:],
        [button(T(lang, "as_school"), "digest", "set", "school")],
        [button(T(lang, "type_own"), "digest", "type")],
        back(lang),
    ]
    text = T(lang, "digest_intro", value=digest_text(lang, prefs))
    return saved(lang, text, note), markup(rows)


def language(lang: str, prefs: Preferences, *, note: bool = False) -> Screen:
    rows = [
        [
            button(("✓ " if code == prefs.language else "") + name, "lang", "set", code)
            for code, name in LANGUAGES.items()
        ],
        back(lang),
    ]
    value = LANGUAGES.get(prefs.language, prefs.language)
    return saved(lang, T(lang, "language_intro", value=value), note), markup(rows)


def cancel_markup(lang: str, to: str) -> InlineKeyboardMarkup:
    return markup([[button(T(lang, "cancel"), to, "cancel")]])


SCREENS = {
    "home": home,
    "modes": modes,
    "channels": channels,
    "contacts": contacts,
    "quiet": quiet,
    "digest": digest,
    "lang": language,
}
