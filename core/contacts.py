"""People's names and contact details as they are typed, normalized for delivery.

Pure functions: the SMS gateway wants E.164 (`+79161234567`), while a secretary
copies the number from a paper form as «8 (916) 123-45-67».
"""

from __future__ import annotations

import re

from core.errors import RuleViolation
from core.i18n import LANGUAGES
from core.limits import check_length
from core.validation import check_visible

# Separators people put in phone numbers; anything else makes the number invalid.
_SEPARATORS = re.compile(r"[\s()\-.\u2010-\u2015]")
_DIGITS = re.compile(r"\+?\d+")
# Other countries' numbers are accepted as written in E.164 (a parent abroad).
_E164_FOREIGN = re.compile(r"\+[1-689]\d{7,14}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


def normalize_phone(raw: str) -> str:
    """`+7XXXXXXXXXX` from Russian spellings: +7…, 8…, 7… or the bare 10 digits.

    Raises RuleViolation naming the number when it cannot be read.
    """
    compact = _SEPARATORS.sub("", raw.strip())
    if not _DIGITS.fullmatch(compact):
        raise RuleViolation("bad_phone", phone=raw.strip())
    digits = compact.lstrip("+")
    if compact.startswith("+"):
        if digits.startswith("7") and len(digits) == 11:
            return compact
        if _E164_FOREIGN.fullmatch(compact):
            return compact
    elif len(digits) == 11 and digits[0] in "78":
        return "+7" + digits[1:]
    # Ten bare digits are a national number (codes start 3, 4 or 9); one starting
    # with 8 is more likely «8 …» with a digit lost than a free-phone line.
    elif len(digits) == 10 and digits[0] in "349":
        return "+7" + digits
    raise RuleViolation("bad_phone", phone=raw.strip())


def normalize_email(raw: str) -> str:
    """A lower-cased address with one `@` and a dotted domain; deliverability is the
    mail server's business, this only catches typing slips."""
    email = raw.strip().lower()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise RuleViolation("bad_email", email=raw.strip())
    return email


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise RuleViolation("bad_language", value=language, allowed=list(LANGUAGES))
    return language


def clean_names(last_name: str, first_name: str, middle_name: str = "") -> tuple[str, str, str]:
    """Trimmed names with inner runs of spaces collapsed; last and first are required,
    and none may hold a control or invisible character (a NUL, an RTL override)."""
    last, first, middle = (" ".join(n.split()) for n in (last_name, first_name, middle_name))
    for field, name in (("last_name", last), ("first_name", first), ("middle_name", middle)):
        check_visible(field, check_length(field, name))
    if not last:
        raise RuleViolation("last_name_required")
    if not first:
        raise RuleViolation("first_name_required")
    return last, first, middle
