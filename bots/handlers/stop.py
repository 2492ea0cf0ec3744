"""/stop: unsubscribe this chat after a confirmation.

Only this messenger's link ends (core.services.subscriptions.unlink_chat); consent
stays until it is withdrawn at the school, so the other messenger, email and SMS may go
on, and the answer says so.
"""

from __future__ import annotations

from bots.dialog.payload import Payload
from bots.dialog.router import Router
from bots.dialog.turn import Turn
from bots.dialog.ui import Button, Keyboard, Menu
from bots.handlers.subscribe_texts import (
    children_lines,
    messenger_name,
    no_code,
    staff_names,
    stale,
)
from bots.i18n import _
from core.models import Messenger
from core.reading.chats import ChatLinks
from core.services.subscriptions import unlink_chat
from core.uow import UnitOfWork


def confirm_question(messenger: Messenger) -> str:
    return _("Unsubscribe this chat? The journal's %(messenger)s messages will stop.") % {
        "messenger": messenger_name(messenger)
    }


def yes() -> str:
    return _("Yes, unsubscribe")


def not_linked() -> str:
    return _("This chat is not connected to the journal anyway.")


def journal_down() -> str:
    return _("The journal is unavailable right now; please unsubscribe in a few minutes.")


class StopChoice(Payload, prefix="stop"):
    confirm: bool


def confirm_keyboard() -> Keyboard:
    return (
        (
            Button(yes(), data=StopChoice(confirm=True).pack()),
            Button(_("Cancel"), data=StopChoice(confirm=False).pack()),
        ),
    )


async def ask(turn: Turn) -> None:
    links = turn.links
    if links is None:
        await turn.say(journal_down())
    elif links.is_stranger:
        await turn.say(f"{not_linked()}\n\n{no_code()}")
    else:
        await turn.say(confirm_question(turn.messenger), confirm_keyboard())


def farewell(links: ChatLinks, messenger: Messenger) -> str:
    """What ended, named as the chat knew it, and what goes on without the bot."""
    done = _("Done: this chat is unsubscribed; the journal's %(messenger)s messages will stop.")
    parts = [done % {"messenger": messenger_name(messenger)}]
    if links.children:
        children = children_lines(links.children)
        parts.append(_("No longer sent here:\n%(children)s") % {"children": children})
    if links.staff:
        parts.append(_("Unlinked from %(names)s.") % {"names": staff_names(links.staff)})
    if links.guardians:
        parts.append(
            _(
                "Your consent to personal-data processing still stands, so the school's "
                "email and SMS may continue. You can withdraw consent at the school (the "
                "class teacher or the secretary).\n\n"
                "To subscribe again, ask the class teacher for a new invite code."
            )
        )
    return "\n\n".join(parts)


async def answer(turn: Turn, choice: StopChoice) -> None:
    if turn.press is None or turn.press.message is None:  # gone: ask again
        await turn.notify(stale(), alert=True)
        return
    await turn.notify()
    if not choice.confirm:
        await turn.edit(_("All right, the subscription stays."))
        return
    links = turn.links
    if links is None:
        await turn.edit(journal_down())
        return
    # `links` was read before the change: it names what this chat followed.
    unlinked = await unlink_chat(UnitOfWork(turn.deps.db), chat=turn.chat)
    # The question keeps its text and loses its buttons (the answer shown under it); a
    # reply keyboard can only be removed by a new message.
    await turn.edit(f"{confirm_question(turn.messenger)}\n\n<b>{yes()}</b>")
    text = farewell(links, turn.messenger) if not unlinked.nothing else not_linked()
    await turn.say(text, menu=Menu.hide)


def build_router() -> Router:
    router = Router("stop")
    router.command("stop", ask)
    router.press(StopChoice, answer)
    return router
