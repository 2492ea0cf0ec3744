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

from bots.handlers.subscribe_texts import T as SUBSCRIBE
from bots.i18n import Catalog
from bots.menu import main_menu
from bots.routers import private_router
from core.services.chats import ChatLinks

T = Catalog(
    {
        "stranger": (
            "Этот чат не подключён к электронному журналу.",
            "This chat is not connected to the journal.",
        ),
        "parent_hint": (
            "Не понял сообщение. Выберите действие в меню внизу или отправьте /help.",
            "Sorry, I did not understand. Choose an action in the menu below or send /help.",
        ),
        "staff_hint": (
            "Не понял сообщение. Разослать домашнее задание классу — /hw, все команды — /help.",
            "Sorry, I did not understand. To send homework to a class: /hw; all commands: /help.",
        ),
        "journal_down": (
            "Электронный журнал сейчас недоступен, попробуйте позже. Учителям: команда /hw "
            "работает и сейчас — домашнее задание дойдёт до родителей класса.",
            "The journal is unavailable right now; please try again later. Teachers: /hw "
            "works even now and the homework reaches the class's parents.",
        ),
        "old_button": (
            "Эта кнопка больше не действует.",
            "This button no longer works.",
        ),
        "private_only": (
            "Я работаю только в личных сообщениях: напишите мне в личный чат.",
            "I only work in private messages: please write to me in a private chat.",
        ),
    }
)


async def anything(message: Message, links: ChatLinks | None, lang: str) -> None:
    if links is None:
        await message.answer(T(lang, "journal_down"))
    elif links.is_stranger:
        await message.answer(f"{T(lang, 'stranger')}\n\n{SUBSCRIBE(lang, 'no_code')}")
    elif links.guardians:
        hint = T(lang, "parent_hint")
        if links.staff:
            hint += "\n" + T(lang, "staff_hint")
        await message.answer(hint, reply_markup=main_menu(lang))
    else:
        await message.answer(T(lang, "staff_hint"))


async def old_button(query: CallbackQuery, lang: str) -> None:
    """A button no feature claims (a removed feature, an answered question): stop the
    spinner and say so rather than leave the parent waiting."""
    await query.answer(T(lang, "old_button"), show_alert=True)


async def group_command(message: Message, lang: str) -> None:
    await message.reply(T(lang, "private_only"))


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
