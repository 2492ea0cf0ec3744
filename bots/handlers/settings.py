"""/settings and the «⚙️ Настройки» button: one message edited in place as the parent
navigates (what to send, channels, contacts, quiet hours, digest time, language).

Every change goes through `core.services.guardian_settings` for every guardian row of
the chat (one person, several schools); the screen then shows the value now in force.
Typed input (a new address, its code, own quiet hours or digest time) is in
`bots.handlers.settings_input`.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bots.handlers import settings_input
from bots.handlers import settings_view as view
from bots.handlers.settings_input import actors_of, edit_screen
from bots.handlers.settings_view import SettingsButton
from bots.i18n import speaking
from bots.menu import main_menu, menu_button
from bots.routers import private_router
from core.db import Database
from core.models import Topic
from core.reading.chats import ChatLinks
from core.reading.preferences import Preferences, read_preferences
from core.services.guardian_settings import (
    move_channel_up,
    parse_clock,
    set_digest_time,
    set_language,
    set_mode,
    set_quiet_hours,
)
from core.uow import UnitOfWork


async def show(query: CallbackQuery, screen: tuple[str, InlineKeyboardMarkup]) -> None:
    await edit_screen(query, *screen)


async def open_settings(
    message: Message, links: ChatLinks | None, lang: str, db: Database, state: FSMContext
) -> None:
    actors = actors_of(links)
    await state.clear()  # whatever was being typed is abandoned
    prefs = await read_preferences(UnitOfWork(db), actor=actors)
    text, markup = view.home(lang, prefs)
    await message.answer(text, reply_markup=markup)


async def navigate(
    query: CallbackQuery,
    callback_data: SettingsButton,
    links: ChatLinks | None,
    lang: str,
    db: Database,
    state: FSMContext,
) -> None:
    """A button that only opens a screen."""
    actors = actors_of(links)
    await state.clear()
    prefs = await read_preferences(UnitOfWork(db), actor=actors)
    if callback_data.screen == "topic" and callback_data.arg in Topic.__members__:
        await show(query, view.topic(lang, prefs, Topic(callback_data.arg)))
        return
    screen = view.SCREENS.get(callback_data.screen, view.home)
    await show(query, screen(lang, prefs))


async def choose_mode(
    query: CallbackQuery,
    callback_data: SettingsButton,
    links: ChatLinks | None,
    lang: str,
    db: Database,
) -> None:
    topic, _, mode = callback_data.arg.partition("=")
    prefs = await set_mode(UnitOfWork(db), actor=actors_of(links), topic=topic, mode=mode)
    await show(query, view.modes(lang, prefs, note=True))


async def raise_channel(
    query: CallbackQuery,
    callback_data: SettingsButton,
    links: ChatLinks | None,
    lang: str,
    db: Database,
) -> None:
    actors = actors_of(links)
    prefs = await move_channel_up(UnitOfWork(db), actor=actors, channel=callback_data.arg)
    await show(query, view.channels(lang, prefs, note=True))


async def choose_quiet(
    query: CallbackQuery,
    callback_data: SettingsButton,
    links: ChatLinks | None,
    lang: str,
    db: Database,
) -> None:
    arg, uow, actors = callback_data.arg, UnitOfWork(db), actors_of(links)
    if arg == "school":
        prefs = await set_quiet_hours(uow, actor=actors, hours=None, school_default=True)
    elif arg == "none":
        prefs = await set_quiet_hours(uow, actor=actors, hours=None)
    else:
        start, _, end = arg.partition("-")
        prefs = await set_quiet_hours(
            uow, actor=actors, hours=(parse_clock(start), parse_clock(end))
        )
    await show(query, view.quiet(lang, prefs, note=True))


async def choose_digest(
    query: CallbackQuery,
    callback_data: SettingsButton,
    links: ChatLinks | None,
    lang: str,
    db: Database,
) -> None:
    arg = callback_data.arg
    at = None if arg == "school" else parse_clock(arg)
    prefs = await set_digest_time(UnitOfWork(db), actor=actors_of(links), at=at)
    await show(query, view.digest(lang, prefs, note=True))


async def choose_language(
    query: CallbackQuery, callback_data: SettingsButton, links: ChatLinks | None, db: Database
) -> None:
    prefs: Preferences = await set_language(
        UnitOfWork(db), actor=actors_of(links), language=callback_data.arg
    )
    lang = prefs.language
    with speaking(lang):  # the screen answers in the language just chosen
        await show(query, view.language(lang, prefs, note=True))
        if isinstance(query.message, Message):
            # The reply keyboard belongs to an older message: send it again, translated.
            text = view.language_changed()
            await query.message.answer(text, reply_markup=main_menu())


def build_router() -> Router:
    router = private_router("settings")
    router.message.register(open_settings, Command("settings"))
    router.message.register(open_settings, menu_button("settings"))
    on = SettingsButton.filter
    router.callback_query.register(choose_mode, on((F.screen == "topic") & (F.op == "set")))
    router.callback_query.register(raise_channel, on((F.screen == "channels") & (F.op == "up")))
    router.callback_query.register(choose_quiet, on((F.screen == "quiet") & (F.op == "set")))
    router.callback_query.register(choose_digest, on((F.screen == "digest") & (F.op == "set")))
    router.callback_query.register(choose_language, on((F.screen == "lang") & (F.op == "set")))
    settings_input.register(router)
    router.callback_query.register(navigate, on(F.op == ""))
    return router
