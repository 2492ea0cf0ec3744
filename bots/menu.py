"""The parent's reply keyboard: the same actions as the commands, one tap away.

Handlers match a button by its text in either language (`menu_button`), so a parent
whose language changed keeps working buttons until the keyboard is sent again.
"""

from __future__ import annotations

from aiogram import F
from aiogram.types import KeyboardButton, ReplyKeyboardMarkup
from magic_filter import MagicFilter

from bots.i18n import Catalog

BUTTONS = Catalog(
    {
        "homework": ("📚 Домашнее задание", "📚 Homework"),
        "diary": ("📅 Дневник на неделю", "📅 Week's diary"),
        "marks": ("📊 Оценки", "📊 Marks"),
        "absences": ("🚪 Пропуски", "🚪 Absences"),
        "summary": ("📄 Итоги недели (PDF)", "📄 Week's summary (PDF)"),
        "settings": ("⚙️ Настройки", "⚙️ Settings"),
    }
)

LAYOUT = (("homework", "diary"), ("marks", "absences"), ("summary", "settings"))


def main_menu(lang: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=BUTTONS(lang, key)) for key in row] for row in LAYOUT],
        resize_keyboard=True,
        is_persistent=True,
    )


def menu_button(key: str) -> MagicFilter:
    """A filter matching the button `key` in any language: `router.message(menu_button("marks"))`."""
    return F.text.in_(BUTTONS.both(key))
