"""The catch-all, included last: whatever no feature answered.

A stranger learns how to subscribe and nothing else: not whether a school, class or
child exists. In group chats the bot answers commands only, with where it does work,
and never says anything personal there; ordinary group chatter gets no answer at all.
"""

from __future__ import annotations

from bots.dialog.router import Router
from bots.dialog.turn import Turn
from bots.dialog.ui import Menu
from bots.handlers.subscribe_texts import no_code
from bots.i18n import _


def staff_hint() -> str:
    return _("Sorry, I did not understand. To send homework to a class: /hw; all commands: /help.")


async def anything(turn: Turn) -> None:
    links = turn.links
    if links is None:
        await turn.say(
            _(
                "The journal is unavailable right now; please try again later. Teachers: "
                "/hw works even now and the homework reaches the class's parents."
            )
        )
    elif links.is_stranger:
        stranger = _("This chat is not connected to the journal.")
        await turn.say(f"{stranger}\n\n{no_code()}")
    elif links.guardians:
        hint = _("Sorry, I did not understand. Choose an action in the menu below or send /help.")
        if links.staff:
            hint += "\n" + staff_hint()
        await turn.say(hint, menu=Menu.show)
    else:
        await turn.say(staff_hint())


async def old_button(turn: Turn) -> None:
    """A button no feature claims (a removed feature, an answered question): say so
    rather than leave the parent waiting."""
    await turn.notify(_("This button no longer works."), alert=True)


async def group_command(turn: Turn) -> None:
    await turn.say(_("I only work in private messages: please write to me in a private chat."))


def build_router() -> Router:
    router = Router("catch-all", groups=True)
    router.message(anything, where=lambda turn: turn.private)
    router.any_press(old_button)
    # In group chats: commands only (the adapters drop those addressed to another bot).
    router.any_command(group_command)
    return router
