"""Texts and buttons of consent in the bot: asking again for a new version of the
school's consent text, and withdrawing consent (also reached from the settings)."""

from __future__ import annotations

import html

from bots.dialog.payload import Payload
from bots.dialog.ui import Button, Keyboard
from bots.i18n import _


class ReconsentChoice(Payload, prefix="reconsent"):
    accept: bool
    guardian_id: int
    text_id: int


class WithdrawChoice(Payload, prefix="withdraw"):
    step: str  # ask | yes | no


def withdraw_button() -> Button:
    """«Withdraw consent»: the settings screen's last row, and /withdraw."""
    return Button(_("Withdraw consent"), data=WithdrawChoice(step="ask").pack())


def reconsent_question(text: str) -> str:
    intro = _(
        "<b>The school has a new consent text</b>\n\n"
        "Messages keep coming only with your consent to it. Please read it and choose."
    )
    return f"{intro}\n\n{html.escape(text)}"


def reconsent_keyboard(guardian_id: int, text_id: int) -> Keyboard:
    def choice(label: str, accept: bool) -> Button:
        data = ReconsentChoice(accept=accept, guardian_id=guardian_id, text_id=text_id)
        return Button(label, data=data.pack())

    return ((choice(_("Accept"), True), choice(_("Decline"), False)),)


def reconsent_accepted() -> str:
    return _("✅ Thank you: your consent to the new text is recorded. Messages continue.")


def reconsent_declined() -> str:
    return _(
        "You declined the new consent text, so messages about your children have stopped "
        "and this chat is disconnected. If you change your mind, ask the class teacher "
        "for a new invite code."
    )


def withdraw_question() -> str:
    return _(
        "<b>Withdraw consent to personal-data processing?</b>\n\n"
        "What stops at once: every message of the school journal about your children, "
        "in messengers, by email and SMS; this chat is disconnected.\n\n"
        "What the school keeps, as the law requires: the school journal itself (marks, "
        "attendance), the record of your consent and of this withdrawal, and the log "
        "of changes. Your contacts can be erased at your request at the school."
    )


def withdraw_keyboard() -> Keyboard:
    return (
        (
            Button(_("Yes, withdraw"), data=WithdrawChoice(step="yes").pack()),
            Button(_("Cancel"), data=WithdrawChoice(step="no").pack()),
        ),
    )


def withdrawn_text() -> str:
    return _(
        "Consent withdrawn. Messages have stopped and this chat is disconnected. "
        "To subscribe again, ask the class teacher for a new invite code."
    )


def withdraw_kept() -> str:
    return _("All right, your consent stays.")


def no_consent_here() -> str:
    return _("This chat has no consent on record to withdraw.")
