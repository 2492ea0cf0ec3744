"""A turn's answers as Telegram Bot API calls (aiogram)."""

from __future__ import annotations

from collections.abc import Awaitable

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bots.dialog.turn import Press
from bots.dialog.ui import Button, Document, Keyboard, Menu, Sent
from bots.menu import menu_rows

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def inline_markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.data, url=b.url) for b in row]
            for row in keyboard
        ]
    )


def from_markup(markup: InlineKeyboardMarkup | None) -> Keyboard:
    """A message's inline buttons as the dialogue's."""
    if markup is None:
        return ()
    return tuple(
        tuple(
            Button(b.text, data=b.callback_data) if b.callback_data else Button(b.text, url=b.url)
            for b in row
            if b.callback_data or b.url
        )
        for row in markup.inline_keyboard
    )


def main_menu() -> ReplyKeyboardMarkup:
    """The reply keyboard in the current language."""
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=text) for text in row] for row in menu_rows()],
        resize_keyboard=True,
        is_persistent=True,
    )


def _markup(keyboard: Keyboard, menu: Menu) -> Markup:
    # A Telegram message has one markup: inline buttons, or the reply keyboard.
    if keyboard:
        return inline_markup(keyboard)
    if menu is Menu.show:
        return main_menu()
    if menu is Menu.hide:
        return ReplyKeyboardRemove()
    return None


async def _unless_unchanged(edit: Awaitable[object]) -> None:
    """An edit; a double tap's, which Telegram refuses as changing nothing, is no error."""
    try:
        await edit
    except TelegramBadRequest as error:
        if "message is not modified" not in str(error):
            raise


class TelegramSurface:
    def __init__(self, bot: Bot, chat_id: int) -> None:
        self.bot = bot
        self.chat_id = chat_id

    async def send(self, text: str, keyboard: Keyboard, menu: Menu) -> Sent:
        sent = await self.bot.send_message(self.chat_id, text, reply_markup=_markup(keyboard, menu))
        return Sent(str(sent.message_id))

    async def edit(self, message: Sent, text: str, keyboard: Keyboard) -> None:
        edit = self.bot.edit_message_text(
            text,
            chat_id=self.chat_id,
            message_id=int(message.id),
            reply_markup=inline_markup(keyboard),
        )
        await _unless_unchanged(edit)

    async def edit_keyboard(self, message: Sent, keyboard: Keyboard) -> None:
        edit = self.bot.edit_message_reply_markup(
            chat_id=self.chat_id,
            message_id=int(message.id),
            reply_markup=inline_markup(keyboard),
        )
        await _unless_unchanged(edit)

    async def answer(self, press: Press, text: str | None, alert: bool) -> None:
        await self.bot.answer_callback_query(press.id, text=text, show_alert=alert)

    async def send_document(self, document: Document) -> Sent:
        sent = await self.bot.send_document(
            self.chat_id,
            BufferedInputFile(document.content, filename=document.filename),
            caption=document.caption or None,
            reply_markup=inline_markup(document.keyboard),
        )
        return Sent(str(sent.message_id))
