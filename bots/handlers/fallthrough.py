"""The catch-all, included last: whatever no feature answered.

A stranger learns how to subscribe and nothing else: not whether a school, class or
child exists. In groups the bot answers commands only, with where it does work, and
never says anything personal there; ordinary group chatter gets no answer at all.
"""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bots.handlers.subscribe_texts import no_code
from bots.menu import main_menu
from bots.routers import private_router
from core.reading.chats import ChatLinks


def staff_hint() -> str:
    return _("Sorry, I did not understand. To send homework to a class: /hw; all commands: /help.")


async def anything(message: Message, links: ChatLinks | None) -> None:
    if links is None:
        await message.answer(
            _(
                "The journal is unavailable right now; please try again later. Teachers: "
                "/hw works even now and the homework reaches the class's parents."
            )
        )
    elif links.is_stranger:
        stranger = _("This chat is not connected to the journal.")
        await message.answer(f"{stranger}\n\n{no_code()}")
    elif links.guardians:
        hint = _("Sorry, I did not understand. Choose an action in the menu below or send /help.")
        if links.staff:
            hint += "\n" + staff_hint()
        await message.answer(hint, reply_markup=main_menu())
    else:
        await message.answer(staff_hint())


async def old_button(query: CallbackQuery) -> None:
    """A button no feature claims (a removed feature, an answered question): stop the
    spinner and say so rather than leave the parent waiting."""
    await query.answer(_("This button no longer works."), show_alert=True)


async def group_command(message: Message) -> None:
    await message.reply(_("I only work in private messages: please write to me in a private chat."))


def private_catch_all() -> Router:
    router = private_router("fallthrough")
    router.message.register(anything)
    router.callback_query.register(old_button)
    return router


def group_commands() -> Router:
    """Commands in groups and supergroups: `Command` ignores those addressed to another
    bot (/start@other_bot); any other group message goes unanswered."""
    router = Router(name="groups")
    router.message.filter(F.chat.type.in_({"group", "supergroup"}))
    router.message.register(group_command, Command(re.compile(r".+")))
    return router


def build_router() -> Router:
    router = Router(name="catch-all")
    router.include_routers(private_catch_all(), group_commands())
    return router
