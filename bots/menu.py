"""The parent's reply keyboard: the same actions as the commands, one tap away.

Handlers match a button by its text in any language (`menu_button`), so a parent
whose language changed keeps working buttons until the keyboard is sent again.
"""

from __future__ import annotations

from aiogram import F
from aiogram.types import KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from magic_filter import MagicFilter

from bots.i18n import in_every_language
from core.i18n import N_

BUTTONS = {
    "homework": N_("📚 Homework"),
    "diary": N_("📅 Week's diary"),
    "tests": N_("📝 Tests"),
    "marks": N_("📊 Marks"),
    "absences": N_("🚪 Absences"),
    "summary": N_("📄 Week's summary (PDF)"),
    "settings": N_("⚙️ Settings"),
}

LAYOUT = (
    ("homework", "diary"),
    ("tests", "marks"),
    ("absences", "summary"),
    ("settings",),
)


def main_menu() -> ReplyKeyboardMarkup:
    """The keyboard in the update's language."""
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_(BUTTONS[key])) for key in row] for row in LAYOUT],
        resize_keyboard=True,
        is_persistent=True,
    )


def menu_button(key: str) -> MagicFilter:
    """A filter matching the button `key` in any language: `router.message(menu_button("marks"))`."""
    return F.text.in_(in_every_language(BUTTONS[key]))


def menu_texts() -> frozenset[str]:
    """Every button's text in every language (typed input must not be taken for one)."""
    return frozenset(text for key in BUTTONS for text in in_every_language(BUTTONS[key]))
