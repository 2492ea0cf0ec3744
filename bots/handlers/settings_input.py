"""Settings the parent types: a new email or phone and its code, own quiet hours, own
digest time. The conversation state lives in Redis (aiogram's FSM), so a restarted bot
still knows it is waiting for a code.

A new address is used for nothing but its code until the parent typed the code back
(`core.services.contact_changes`).
"""

from __future__ import annotations

import html

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from magic_filter import MagicFilter
from redis.asyncio import Redis

from bots.handlers import settings_view as view
from bots.handlers.settings_codes import MINUTES, can_send, send_code
from bots.handlers.settings_view import SettingsButton
from bots.menu import menu_texts
from core.actors import GuardianActor
from core.db import Database
from core.errors import Forbidden, RuleViolation
from core.reading.chats import ChatLinks
from core.reading.preferences import read_preferences
from core.services.contact_changes import (
    cancel_contact_change,
    confirm_contact_change,
    request_contact_change,
)
from core.services.guardian_settings import (
    parse_clock,
    parse_quiet_hours,
    set_digest_time,
    set_quiet_hours,
)
from core.uow import UnitOfWork
from notifier.channels import Channels


class SettingsInput(StatesGroup):
    address = State()  # the new email or phone; data: channel
    code = State()
    quiet = State()
    digest = State()


def actors_of(links: ChatLinks | None) -> list[GuardianActor]:
    """Every guardian row of the chat (one person, several schools)."""
    if links is None:
        # In a private chat the context has no links only when the database could not
        # be reached: the error handler says the journal is unavailable.
        raise ConnectionError("journal database unreachable")
    if not links.guardians:
        raise Forbidden("guardian_unknown")  # tells a stranger only how to subscribe
    return [GuardianActor(guardian_id=g.id or 0, school_id=g.school_id) for g in links.guardians]


async def edit_screen(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup) -> None:
    """Edit the settings message in place and stop the button's spinner. Pressing the
    value already shown is no error (Telegram refuses an edit that changes nothing)."""
    if isinstance(query.message, Message):
        try:
            await query.message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as error:
            if "not modified" not in error.message:
                raise
    await query.answer()


async def _prompt(query: CallbackQuery, text: str, back_to: str) -> None:
    await edit_screen(query, text, view.cancel_markup(back_to))


def cannot_send(channel: str) -> str:
    if channel == "email":
        return _(
            "Sending e-mail is not set up right now: the class teacher can change the address."
        )
    return _("Sending SMS is not set up right now: the class teacher can change the number.")


def ask_address(channel: str) -> str:
    if channel == "email":
        return _(
            "Type the new e-mail address. A confirmation code will be sent to it; the "
            "address changes only once you type the code here."
        )
    return _(
        "Type the new phone number, e.g. +7 916 123-45-67. An SMS with a code will be "
        "sent to it; the number changes only once you type the code here."
    )


def ask_time(which: str) -> str:
    if which == "quiet":
        return _("Type the quiet hours, e.g. 22:00–07:00, or “none” to have none.")
    return _("Type the digest time, e.g. 19:30.")


async def start_change(
    query: CallbackQuery,
    callback_data: SettingsButton,
    links: ChatLinks | None,
    state: FSMContext,
    channels: Channels,
) -> None:
    actors_of(links)
    channel = "sms" if callback_data.arg == "sms" else "email"
    if not can_send(channels, channel):
        await query.answer(cannot_send(channel), show_alert=True)
        return
    await state.set_state(SettingsInput.address)
    await state.update_data(channel=channel)
    await _prompt(query, ask_address(channel), "contacts")


async def take_address(
    message: Message,
    links: ChatLinks | None,
    db: Database,
    state: FSMContext,
    channels: Channels,
    redis: Redis,
) -> None:
    actors = actors_of(links)
    assert links is not None
    channel = str((await state.get_data()).get("channel", "email"))
    code = await request_contact_change(
        UnitOfWork(db), actor=actors, channel=channel, address=message.text or ""
    )
    school = links.schools[links.guardians[0].school_id]
    address = html.escape(code.address)
    if not await send_code(channels, redis, school, code):
        await cancel_contact_change(UnitOfWork(db), actor=actors)
        await message.answer(
            _("Could not send the code to %(address)s. Check the address and type it again.")
            % {"address": address}
        )
        return
    await state.set_state(SettingsInput.code)
    sent = ngettext(
        "The code was sent to %(address)s. Type it here: it is valid for %(num)d minute.",
        "The code was sent to %(address)s. Type it here: it is valid for %(num)d minutes.",
        MINUTES,
    ) % {"address": address, "num": MINUTES}
    await message.answer(sent, reply_markup=view.cancel_markup("contacts"))


async def take_code(
    message: Message, links: ChatLinks | None, lang: str, db: Database, state: FSMContext
) -> None:
    actors = actors_of(links)
    code = "".join((message.text or "").split())
    try:
        confirmed = await confirm_contact_change(UnitOfWork(db), actor=actors, code=code)
    except RuleViolation as error:
        if error.key_used != "contact_code_wrong":
            await state.clear()  # locked, expired or gone: a new code is needed
        raise
    await state.clear()
    prefs = await read_preferences(UnitOfWork(db), actor=actors)
    text, markup = view.contacts(lang, prefs)
    done = _("✅ Confirmed: %(address)s.") % {"address": html.escape(confirmed.address)}
    await message.answer(f"{done}\n\n{text}", reply_markup=markup)


async def start_typing(
    query: CallbackQuery,
    callback_data: SettingsButton,
    links: ChatLinks | None,
    state: FSMContext,
) -> None:
    actors_of(links)
    which = "quiet" if callback_data.screen == "quiet" else "digest"
    await state.set_state(SettingsInput.quiet if which == "quiet" else SettingsInput.digest)
    await _prompt(query, ask_time(which), which)


async def take_quiet(
    message: Message, links: ChatLinks | None, lang: str, db: Database, state: FSMContext
) -> None:
    actors = actors_of(links)
    hours = parse_quiet_hours(message.text or "")
    prefs = await set_quiet_hours(UnitOfWork(db), actor=actors, hours=hours)
    await state.clear()
    text, markup = view.quiet(lang, prefs, note=True)
    await message.answer(text, reply_markup=markup)


async def take_digest(
    message: Message, links: ChatLinks | None, lang: str, db: Database, state: FSMContext
) -> None:
    actors = actors_of(links)
    at = parse_clock(message.text or "")
    prefs = await set_digest_time(UnitOfWork(db), actor=actors, at=at)
    await state.clear()
    text, markup = view.digest(lang, prefs, note=True)
    await message.answer(text, reply_markup=markup)


async def cancel(
    query: CallbackQuery,
    callback_data: SettingsButton,
    links: ChatLinks | None,
    lang: str,
    db: Database,
    state: FSMContext,
) -> None:
    actors = actors_of(links)
    if await state.get_state() in (SettingsInput.address.state, SettingsInput.code.state):
        await cancel_contact_change(UnitOfWork(db), actor=actors)
    await state.clear()
    prefs = await read_preferences(UnitOfWork(db), actor=actors)
    screen = view.SCREENS.get(callback_data.screen, view.home)
    await edit_screen(query, *screen(lang, prefs))


def typed() -> MagicFilter:
    """Text the parent typed: not a command, not a menu button in any language."""
    return F.text & ~F.text.startswith("/") & ~F.text.in_(menu_texts())


def register(router: Router) -> None:
    """Add the typed-input handlers to the settings router."""
    on = SettingsButton.filter
    text = typed()
    router.callback_query.register(start_change, on((F.screen == "contacts") & (F.op == "change")))
    router.callback_query.register(start_typing, on(F.op == "type"))
    router.callback_query.register(cancel, on(F.op == "cancel"))
    router.message.register(take_address, SettingsInput.address, text)
    router.message.register(take_code, SettingsInput.code, text)
    router.message.register(take_quiet, SettingsInput.quiet, text)
    router.message.register(take_digest, SettingsInput.digest, text)
