"""The refusal of a text over its limit (core/limits.py), naming the field and the limit,
and of a name holding a control or invisible character (core/validation.py)."""

from __future__ import annotations

from collections.abc import Mapping

from core import formats
from core.error_texts.base import ErrorTable
from core.i18n import N_, Texts


def fields(t: Texts) -> dict[str, str]:
    """The fields with a limit (core.limits.LIMITS), as a form labels them."""
    return {
        "homework": t.pgettext("text field", "Homework"),
        "remark": t.pgettext("text field", "Remark"),
        "announcement_title": t.pgettext("text field", "Announcement title"),
        "announcement_body": t.pgettext("text field", "Announcement text"),
        "topic": t.pgettext("text field", "Lesson topic"),
        "comment": t.pgettext("text field", "Comment on the mark"),
        "last_name": t.pgettext("text field", "Last name"),
        "first_name": t.pgettext("text field", "First name"),
        "middle_name": t.pgettext("text field", "Middle name"),
        "login": t.pgettext("text field", "Login"),
        "reason": t.pgettext("text field", "Reason"),
        "school_name": t.pgettext("text field", "School name"),
        "timezone": t.pgettext("text field", "Time zone"),
        "letter": t.pgettext("text field", "Class letter"),
        "name": t.pgettext("text field", "Name"),
        "short_name": t.pgettext("text field", "Short name"),
        "room": t.pgettext("text field", "Room"),
        "token_name": t.pgettext("text field", "Token name"),
        "test_title": t.pgettext("text field", "Test title"),
        "consent_text": t.pgettext("text field", "Consent text"),
    }


def _too_long(t: Texts, n: int, p: Mapping[str, object]) -> str:
    # Counts as the reader writes them: «6 160», "6,160".
    limit = formats.decimal(int(str(p["limit"])), t.language)
    return t.ngettext(
        "%(field)s is too long: %(length)s character, at most %(limit)s. Shorten it: "
        "nothing was cut or saved.",
        "%(field)s is too long: %(length)s characters, at most %(limit)s. Shorten it: "
        "nothing was cut or saved.",
        n,
        **{**p, "length": formats.decimal(n, t.language), "limit": limit},
    )


LIMITS = ErrorTable(
    "core",
    {
        "invisible_character": N_(
            "%(field)s holds an invisible or control character (%(char)s): type it again "
            "without it. Nothing was saved."
        ),
    },
    plurals={"too_long": ("length", _too_long)},
    words={"too_long": {"field": fields}, "invisible_character": {"field": fields}},
)
