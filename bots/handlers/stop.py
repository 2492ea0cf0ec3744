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

from bots.handlers.subscribe_texts import T as SUBSCRIBE
from bots.handlers.subscribe_texts import children_lines, staff_names
from bots.i18n import Catalog
from bots.routers import private_router
from core.db import Database
from core.services.chats import ChatLinks
from core.services.subscriptions import unlink_chat
from core.uow import UnitOfWork

T = Catalog(
    {
        "confirm": (
            "Отписать этот чат? Сообщения журнала в Telegram перестанут приходить.",
            "Unsubscribe this chat? The journal's Telegram messages will stop.",
        ),
        "yes": ("Да, отписаться", "Yes, unsubscribe"),
        "no": ("Отмена", "Cancel"),
        "done": (
            "Готово: этот чат отписан, сообщения журнала в Telegram больше не придут.",
            "Done: this chat is unsubscribed; the journal's Telegram messages will stop.",
        ),
        "done_children": (
            "Больше не приходит сюда:\n{children}",
            "No longer sent here:\n{children}",
        ),
        "done_staff": ("Чат отвязан от учётной записи {names}.", "Unlinked from {names}."),
        "after": (
            "Согласие на обработку персональных данных остаётся в силе, поэтому письма и "
            "SMS школы на ваши адрес и телефон могут приходить и дальше. Отозвать согласие "
            "можно в школе (у классного руководителя или секретаря).\n\n"
            "Чтобы снова подписаться, попросите новый код приглашения у классного "
            "руководителя.",
            "Your consent to personal-data processing still stands, so the school's email "
            "and SMS may continue. You can withdraw consent at the school (the class "
            "teacher or the secretary).\n\n"
            "To subscribe again, ask the class teacher for a new invite code.",
        ),
        "kept": ("Хорошо, подписка сохранена.", "All right, the subscription stays."),
        "not_linked": (
            "Этот чат и так не подключён к электронному журналу.",
            "This chat is not connected to the journal anyway.",
        ),
        "journal_down": (
            "Электронный журнал сейчас недоступен, отписаться получится через несколько минут.",
            "The journal is unavailable right now; please unsubscribe in a few minutes.",
        ),
    }
)


class StopChoice(CallbackData, prefix="stop"):
    confirm: bool


def confirm_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=T(lang, "yes"), callback_data=StopChoice(confirm=True).pack()
                ),
                InlineKeyboardButton(
                    text=T(lang, "no"), callback_data=StopChoice(confirm=False).pack()
                ),
            ]
        ]
    )


async def ask(message: Message, links: ChatLinks | None, lang: str) -> None:
    if links is None:
        await message.answer(T(lang, "journal_down"))
    elif links.is_stranger:
        await message.answer(f"{T(lang, 'not_linked')}\n\n{SUBSCRIBE(lang, 'no_code')}")
    else:
        await message.answer(T(lang, "confirm"), reply_markup=confirm_keyboard(lang))


def farewell(links: ChatLinks, lang: str) -> str:
    """What ended, named as the chat knew it, and what goes on without the bot."""
    parts = [T(lang, "done")]
    if links.children:
        parts.append(T(lang, "done_children", children=children_lines(links.children)))
    if links.staff:
        parts.append(T(lang, "done_staff", names=staff_names(links.staff)))
    if links.guardians:
        parts.append(T(lang, "after"))
    return "\n\n".join(parts)


async def answer(
    query: CallbackQuery,
    callback_data: StopChoice,
    db: Database,
    links: ChatLinks | None,
    lang: str,
) -> None:
    message = query.message
    if not isinstance(message, Message):  # too old to edit: ask again
        await query.answer(SUBSCRIBE(lang, "stale"), show_alert=True)
        return
    await query.answer()
    if not callback_data.confirm:
        await message.edit_text(T(lang, "kept"), reply_markup=None)
        return
    if links is None:
        await message.edit_text(T(lang, "journal_down"), reply_markup=None)
        return
    # `links` was read before the change: it names what this chat followed.
    unlinked = await unlink_chat(UnitOfWork(db), chat_id=message.chat.id)
    # The question keeps its text and loses its buttons (the answer shown under it); the
    # reply keyboard can only be removed by a new message.
    await message.edit_text(f"{T(lang, 'confirm')}\n\n<b>{T(lang, 'yes')}</b>", reply_markup=None)
    text = farewell(links, lang) if not unlinked.nothing else T(lang, "not_linked")
    await message.answer(text, reply_markup=ReplyKeyboardRemove())


def build_router() -> Router:
    router = private_router("stop")
    router.message.register(ask, Command("stop"))
    router.callback_query.register(answer, StopChoice.filter())
    return router
