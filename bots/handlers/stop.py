"""/stop: unsubscribe this chat after a confirmation.

Only the Telegram link ends (core.services.subscriptions.unlink_chat); consent stays
until it is withdrawn at the school, so email and SMS may go on, and the answer says so.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardRemove,
)
from aiogram.utils.i18n import gettext as _

from bots.handlers.subscribe_texts import children_lines, no_code, staff_names, stale
from bots.routers import private_router
from core.db import Database
from core.messengers import MessengerChat
from core.models import Messenger
from core.reading.chats import ChatLinks
from core.services.subscriptions import unlink_chat
from core.uow import UnitOfWork


def confirm_question() -> str:
    return _("Unsubscribe this chat? The journal's Telegram messages will stop.")


def yes() -> str:
    return _("Yes, unsubscribe")


def not_linked() -> str:
    return _("This chat is not connected to the journal anyway.")


def journal_down() -> str:
    return _("The journal is unavailable right now; please unsubscribe in a few minutes.")


class StopChoice(CallbackData, prefix="stop"):
    confirm: bool


def confirm_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=yes(), callback_data=StopChoice(confirm=True).pack()),
                InlineKeyboardButton(
                    text=_("Cancel"), callback_data=StopChoice(confirm=False).pack()
                ),
            ]
        ]
    )


async def ask(message: Message, links: ChatLinks | None) -> None:
    if links is None:
        await message.answer(journal_down())
    elif links.is_stranger:
        await message.answer(f"{not_linked()}\n\n{no_code()}")
    else:
        await message.answer(confirm_question(), reply_markup=confirm_keyboard())


def farewell(links: ChatLinks) -> str:
    """What ended, named as the chat knew it, and what goes on without the bot."""
    parts = [_("Done: this chat is unsubscribed; the journal's Telegram messages will stop.")]
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


async def answer(
    query: CallbackQuery,
    callback_data: StopChoice,
    db: Database,
    links: ChatLinks | None,
) -> None:
    message = query.message
    if not isinstance(message, Message):  # too old to edit: ask again
        await query.answer(stale(), show_alert=True)
        return
    await query.answer()
    if not callback_data.confirm:
        await message.edit_text(_("All right, the subscription stays."), reply_markup=None)
        return
    if links is None:
        await message.edit_text(journal_down(), reply_markup=None)
        return
    # `links` was read before the change: it names what this chat followed.
    chat = MessengerChat(Messenger.telegram, message.chat.id)
    unlinked = await unlink_chat(UnitOfWork(db), chat=chat)
    # The question keeps its text and loses its buttons (the answer shown under it); the
    # reply keyboard can only be removed by a new message.
    await message.edit_text(f"{confirm_question()}\n\n<b>{yes()}</b>", reply_markup=None)
    text = farewell(links) if not unlinked.nothing else not_linked()
    await message.answer(text, reply_markup=ReplyKeyboardRemove())


def build_router() -> Router:
    router = private_router("stop")
    router.message.register(ask, Command("stop"))
    router.callback_query.register(answer, StopChoice.filter())
    return router
