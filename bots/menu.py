"""The parent's main menu: the same actions as the commands, one tap away.

Telegram shows it as a reply keyboard beside the input field; MAX has none, so there
it is a block of inline buttons under the message that brings it (payload «menu:<key>»).
Routes match an entry by its text in any language (`bots.dialog.router.Router.menu`),
so a parent whose language changed keeps working buttons until the menu comes again.
"""

from __future__ import annotations

from bots.dialog.router import menu_payload
from bots.dialog.ui import Button, Keyboard
from bots.i18n import _, in_every_language
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


def menu_rows() -> list[list[str]]:
    """The entries' texts in the current language, row by row."""
    return [[_(BUTTONS[key]) for key in row] for row in LAYOUT]


def menu_keyboard() -> Keyboard:
    """The menu as inline buttons (for messengers without a reply keyboard)."""
    return tuple(
        tuple(Button(_(BUTTONS[key]), data=menu_payload(key)) for key in row) for row in LAYOUT
    )


def menu_texts() -> frozenset[str]:
    """Every entry's text in every language (typed input must not be taken for one)."""
    return frozenset(text for key in BUTTONS for text in in_every_language(BUTTONS[key]))
