"""Settings the parent types: a new email or phone and its code, own quiet hours, own
digest time. The conversation lives in Redis (`bots.dialog.conversation`), so a
restarted bot still knows it is waiting for a code.

A new address is used for nothing but its code until the parent typed the code back
(`core.services.contact_changes`).
"""

from __future__ import annotations

import html

from bots.dialog.conversation import State, StateGroup
from bots.dialog.router import Router
from bots.dialog.turn import Turn
from bots.dialog.ui import Keyboard
from bots.handlers import settings_view as view
from bots.handlers.settings_codes import MINUTES, can_send, send_code
from bots.handlers.settings_view import SettingsButton
from bots.i18n import _, ngettext
from bots.menu import menu_texts
from core.actors import GuardianActor
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


class SettingsInput(StateGroup):
    address = State("settings:address")  # the new email or phone; data: channel
    code = State("settings:code")
    quiet = State("settings:quiet")
    digest = State("settings:digest")


def actors_of(links: ChatLinks | None) -> list[GuardianActor]:
    """Every guardian row of the chat (one person, several schools)."""
    if links is None:
        # In a private chat the context has no links only when the database could not
        # be reached: the error handler says the journal is unavailable.
        raise ConnectionError("journal database unreachable")
    if not links.guardians:
        raise Forbidden("guardian_unknown")  # tells a stranger only how to subscribe
    return [GuardianActor(guardian_id=g.id or 0, school_id=g.school_id) for g in links.guardians]


async def edit_screen(turn: Turn, text: str, markup: Keyboard) -> None:
    """Edit the settings message in place (pressing the value already shown changes
    nothing, and is no error)."""
    await turn.notify()
    await turn.edit(text, markup)


async def _prompt(turn: Turn, text: str, back_to: str) -> None:
    await edit_screen(turn, text, view.cancel_markup(back_to))


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


async def start_change(turn: Turn, button: SettingsButton) -> None:
    actors_of(turn.links)
    channel = "sms" if button.arg == "sms" else "email"
    if not can_send(turn.deps.channels, channel):
        await turn.notify(cannot_send(channel), alert=True)
        return
    await turn.conversation.set_state(SettingsInput.address)
    await turn.conversation.update_data(channel=channel)
    await _prompt(turn, ask_address(channel), "contacts")


async def take_address(turn: Turn) -> None:
    actors, links, db = actors_of(turn.links), turn.links, turn.deps.db
    assert links is not None
    channel = str(turn.conversation.data.get("channel", "email"))
    code = await request_contact_change(
        UnitOfWork(db), actor=actors, channel=channel, address=turn.text or ""
    )
    school = links.schools[links.guardians[0].school_id]
    address = html.escape(code.address)
    if not await send_code(turn.deps.channels, turn.deps.redis, school, code):
        await cancel_contact_change(UnitOfWork(db), actor=actors)
        await turn.say(
            _("Could not send the code to %(address)s. Check the address and type it again.")
            % {"address": address}
        )
        return
    await turn.conversation.set_state(SettingsInput.code)
    sent = ngettext(
        "The code was sent to %(address)s. Type it here: it is valid for %(num)d minute.",
        "The code was sent to %(address)s. Type it here: it is valid for %(num)d minutes.",
        MINUTES,
    ) % {"address": address, "num": MINUTES}
    await turn.say(sent, view.cancel_markup("contacts"))


async def take_code(turn: Turn) -> None:
    actors, db = actors_of(turn.links), turn.deps.db
    code = "".join((turn.text or "").split())
    try:
        confirmed = await confirm_contact_change(UnitOfWork(db), actor=actors, code=code)
    except RuleViolation as error:
        if error.key_used != "contact_code_wrong":
            await turn.conversation.clear()  # locked, expired or gone: a new code is needed
        raise
    await turn.conversation.clear()
    prefs = await read_preferences(UnitOfWork(db), actor=actors)
    text, markup = view.contacts(turn.lang, prefs)
    done = _("✅ Confirmed: %(address)s.") % {"address": html.escape(confirmed.address)}
    await turn.say(f"{done}\n\n{text}", markup)


async def start_typing(turn: Turn, button: SettingsButton) -> None:
    actors_of(turn.links)
    which = "quiet" if button.screen == "quiet" else "digest"
    state = SettingsInput.quiet if which == "quiet" else SettingsInput.digest
    await turn.conversation.set_state(state)
    await _prompt(turn, ask_time(which), which)


async def take_quiet(turn: Turn) -> None:
    actors = actors_of(turn.links)
    hours = parse_quiet_hours(turn.text or "")
    prefs = await set_quiet_hours(UnitOfWork(turn.deps.db), actor=actors, hours=hours)
    await turn.conversation.clear()
    await turn.say(*view.quiet(turn.lang, prefs, note=True))


async def take_digest(turn: Turn) -> None:
    actors = actors_of(turn.links)
    at = parse_clock(turn.text or "")
    prefs = await set_digest_time(UnitOfWork(turn.deps.db), actor=actors, at=at)
    await turn.conversation.clear()
    await turn.say(*view.digest(turn.lang, prefs, note=True))


async def cancel(turn: Turn, button: SettingsButton) -> None:
    actors, db = actors_of(turn.links), turn.deps.db
    if turn.conversation.is_in(SettingsInput.address, SettingsInput.code):
        await cancel_contact_change(UnitOfWork(db), actor=actors)
    await turn.conversation.clear()
    prefs = await read_preferences(UnitOfWork(db), actor=actors)
    screen = view.SCREENS.get(button.screen, view.home)
    await edit_screen(turn, *screen(turn.lang, prefs))


def typed(turn: Turn) -> bool:
    """Text the parent typed: not a command, not a menu entry in any language."""
    text = turn.text or ""
    return not text.startswith("/") and text not in menu_texts()


def register(router: Router) -> None:
    """Add the typed-input routes to the settings router."""
    router.press(
        SettingsButton, start_change, where=lambda b: b.screen == "contacts" and b.op == "change"
    )
    router.press(SettingsButton, start_typing, where=lambda b: b.op == "type")
    router.press(SettingsButton, cancel, where=lambda b: b.op == "cancel")
    router.text(take_address, states=(SettingsInput.address,), where=typed)
    router.text(take_code, states=(SettingsInput.code,), where=typed)
    router.text(take_quiet, states=(SettingsInput.quiet,), where=typed)
    router.text(take_digest, states=(SettingsInput.digest,), where=typed)
