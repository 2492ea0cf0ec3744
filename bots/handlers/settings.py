"""/settings and the «⚙️ Настройки» button: one message edited in place as the parent
navigates (what to send, channels, contacts, quiet hours, digest time, language).

Every change goes through `core.services.guardian_settings` for every guardian row of
the chat (one person, several schools); the screen then shows the value now in force.
Typed input (a new address, its code, own quiet hours or digest time) is in
`bots.handlers.settings_input`.
"""

from __future__ import annotations

from collections.abc import Callable

from bots.dialog.router import Router
from bots.dialog.turn import Turn
from bots.dialog.ui import Keyboard, Menu
from bots.handlers import settings_input
from bots.handlers import settings_view as view
from bots.handlers.settings_input import actors_of, edit_screen
from bots.handlers.settings_view import SettingsButton
from bots.i18n import speaking
from bots.menu import BUTTONS
from core.models import ChannelName, Topic
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


async def show(turn: Turn, screen: tuple[str, Keyboard]) -> None:
    await edit_screen(turn, *screen)


def here(turn: Turn) -> ChannelName:
    """The channel this chat is: «this chat» on the channels screen."""
    return ChannelName(turn.messenger.value)


async def open_settings(turn: Turn) -> None:
    actors = actors_of(turn.links)
    await turn.conversation.clear()  # whatever was being typed is abandoned
    prefs = await read_preferences(UnitOfWork(turn.deps.db), actor=actors)
    await turn.say(*view.home(turn.lang, prefs))


async def navigate(turn: Turn, button: SettingsButton) -> None:
    """A button that only opens a screen."""
    actors = actors_of(turn.links)
    await turn.conversation.clear()
    prefs = await read_preferences(UnitOfWork(turn.deps.db), actor=actors)
    lang = turn.lang
    if button.screen == "topic" and button.arg in Topic.__members__:
        await show(turn, view.topic(lang, prefs, Topic(button.arg)))
    elif button.screen == "channels":
        await show(turn, view.channels(lang, prefs, here=here(turn)))
    else:
        await show(turn, view.SCREENS.get(button.screen, view.home)(lang, prefs))


async def choose_mode(turn: Turn, button: SettingsButton) -> None:
    topic, _, mode = button.arg.partition("=")
    uow, actors = UnitOfWork(turn.deps.db), actors_of(turn.links)
    prefs = await set_mode(uow, actor=actors, topic=topic, mode=mode)
    await show(turn, view.modes(turn.lang, prefs, note=True))


async def raise_channel(turn: Turn, button: SettingsButton) -> None:
    uow, actors = UnitOfWork(turn.deps.db), actors_of(turn.links)
    prefs = await move_channel_up(uow, actor=actors, channel=button.arg)
    await show(turn, view.channels(turn.lang, prefs, note=True, here=here(turn)))


async def choose_quiet(turn: Turn, button: SettingsButton) -> None:
    arg, uow, actors = button.arg, UnitOfWork(turn.deps.db), actors_of(turn.links)
    if arg == "school":
        prefs = await set_quiet_hours(uow, actor=actors, hours=None, school_default=True)
    elif arg == "none":
        prefs = await set_quiet_hours(uow, actor=actors, hours=None)
    else:
        start, _, end = arg.partition("-")
        prefs = await set_quiet_hours(
            uow, actor=actors, hours=(parse_clock(start), parse_clock(end))
        )
    await show(turn, view.quiet(turn.lang, prefs, note=True))


async def choose_digest(turn: Turn, button: SettingsButton) -> None:
    arg = button.arg
    at = None if arg == "school" else parse_clock(arg)
    prefs = await set_digest_time(UnitOfWork(turn.deps.db), actor=actors_of(turn.links), at=at)
    await show(turn, view.digest(turn.lang, prefs, note=True))


async def choose_language(turn: Turn, button: SettingsButton) -> None:
    prefs: Preferences = await set_language(
        UnitOfWork(turn.deps.db), actor=actors_of(turn.links), language=button.arg
    )
    lang = prefs.language
    with speaking(lang):  # the screen answers in the language just chosen
        await show(turn, view.language(lang, prefs, note=True))
        # The menu belongs to an older message: it comes again, translated.
        await turn.say(view.language_changed(), menu=Menu.show)


def build_router() -> Router:
    router = Router("settings")
    router.command("settings", open_settings)
    router.menu("settings", BUTTONS["settings"], open_settings)

    def on(screen: str, op: str) -> Callable[[SettingsButton], bool]:
        return lambda button: button.screen == screen and button.op == op

    router.press(SettingsButton, choose_mode, where=on("topic", "set"))
    router.press(SettingsButton, raise_channel, where=on("channels", "up"))
    router.press(SettingsButton, choose_quiet, where=on("quiet", "set"))
    router.press(SettingsButton, choose_digest, where=on("digest", "set"))
    router.press(SettingsButton, choose_language, where=on("lang", "set"))
    settings_input.register(router)
    router.press(SettingsButton, navigate, where=lambda button: button.op == "")
    return router
