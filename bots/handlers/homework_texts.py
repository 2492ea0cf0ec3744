"""What /hw says to a teacher, in the update's language (`bots.i18n`)."""

from __future__ import annotations

from bots.i18n import _, ngettext


def not_teacher() -> str:
    return _("The /hw command is for teachers linked to the bot with their school's invite code.")


def pick(journal_up: bool) -> str:
    if journal_up:
        return _("Homework: choose the class and subject.")
    return _(
        "⚠️ The school journal is unavailable right now. The homework will be sent to the "
        "parents at once and entered in the journal when it is back.\n\n"
        "Choose the class and subject."
    )


def gone() -> str:
    return _("This choice is no longer available. Send /hw again.")


def type_prompt(where: str, subject: str, limit: int) -> str:
    return _(
        "%(where)s, %(subject)s. Type the homework in one message, up to %(limit)d "
        "characters (or /cancel to stop)."
    ) % {"where": where, "subject": subject, "limit": limit}


def text_only() -> str:
    return _("Please send the homework as text, in one message.")


def too_long(length: int, limit: int) -> str:
    return ngettext(
        "The text is too long: %(num)d character, at most %(limit)d. Please shorten it.",
        "The text is too long: %(num)d characters, at most %(limit)d. Please shorten it.",
        length,
    ) % {"num": length, "limit": limit}


def preview(where: str, subject: str, text: str) -> str:
    return _("%(where)s, %(subject)s:\n\n%(text)s\n\nSend it?") % {
        "where": where,
        "subject": subject,
        "text": text,
    }


def send_label() -> str:
    return _("Send")


def cancel_label() -> str:
    return _("Cancel")


def retry_label() -> str:
    return _("Send again")


def other_page_label() -> str:
    return _("Another class or subject")


def change_text_label() -> str:
    return _("Change the text")


def kept(reason: str, text: str) -> str:
    """An entry refused: why (a sentence of its own), the text kept, what next."""
    return _(
        "%(reason)s\n\nThe homework was not entered. Your text is kept:\n\n%(text)s\n\n"
        "Send it again (once the lesson is in the journal or the timetable), put it on "
        "another class or subject, or change it."
    ) % {"reason": reason, "text": text}


def cancelled() -> str:
    return _("Cancelled: nothing was sent.")


def already_sent() -> str:
    return _("This homework has been sent already.")


def nothing_to_confirm() -> str:
    return _("Nothing to confirm. Send /hw to give homework.")


def entered(where: str, subject: str, date: str, slot: int) -> str:
    return _(
        "✅ Entered in the journal: %(where)s, %(subject)s, lesson of %(date)s (period "
        "%(slot)d). Parents are notified as they chose."
    ) % {"where": where, "subject": subject, "date": date, "slot": slot}


def broadcast_done(where: str, subject: str, reached: int, total: int) -> str:
    """Sent straight to the families while the journal is down: how many it reached."""
    return ngettext(
        "✅ The journal is unavailable, so the homework (%(where)s, %(subject)s) was sent "
        "directly: %(reached)d of %(num)d family received it.\n\n"
        "It is saved and will be entered in the journal automatically when the journal "
        "is back; the other families will hear of it the usual way.",
        "✅ The journal is unavailable, so the homework (%(where)s, %(subject)s) was sent "
        "directly: %(reached)d of %(num)d families received it.\n\n"
        "It is saved and will be entered in the journal automatically when the journal "
        "is back; the other families will hear of it the usual way.",
        total,
    ) % {"where": where, "subject": subject, "reached": reached, "num": total}


def broadcast_nobody(where: str, subject: str) -> str:
    return _(
        "The journal is unavailable and no parent in %(where)s follows the bot yet: the "
        "homework (%(subject)s) was not sent to anyone. It is saved and will be entered "
        "in the journal when the journal is back."
    ) % {"where": where, "subject": subject}


def not_in_snapshot() -> str:
    return _(
        "The journal is unavailable and the school's backup list does not have this class "
        "and subject for you, so the homework cannot be sent. Try again when the journal "
        "is back."
    )
