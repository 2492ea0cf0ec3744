"""The consent text's first version, from the catalogs (the `family` domain), and how a
stored version is shown and fingerprinted.

Version 1 of every school's consent text is this catalog text with the school's name,
rendered in each parents' language when the version is made (migration 0014 for the
schools that existed, `core.services.consent_versions` for newer ones) and stored: what
a parent accepted never changes when a translation is improved later.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, texts

CONSENT_TEXT = N_(
    "Consent to personal-data processing (Russian Federal Law No. 152-FZ “On Personal "
    "Data”, art. 9).\n\n"
    "I consent to %(school)s processing my name, contacts and messenger account, and my "
    "children's names, class, marks, attendance, homework and remarks, so that the school "
    "journal's messages reach me by messenger, email and SMS.\n\n"
    "This consent lasts until I withdraw it. I can withdraw it at any time in the bot "
    "(Settings → Withdraw consent, or /withdraw) or at the school on a paper form; then "
    "every message stops. /stop ends only the Telegram messages. The school keeps the "
    "journal and the record of my consent for as long as the law requires."
)


def default_consent_text(language: str, school_name: str) -> str:
    """The catalog's consent text in `language`, naming the school."""
    return texts("family", language).gettext(CONSENT_TEXT, school=school_name)


def default_texts(school_name: str) -> dict[str, str]:
    """Version 1 of a school's consent text, in every parents' language."""
    return {language: default_consent_text(language, school_name) for language in LANGUAGES}


def shown_text(versions: Mapping[str, str], language: str) -> tuple[str, str]:
    """The language a stored version is shown in to a reader of `language`, and its text:
    their own when it was published in it, else Russian, else the first there is."""
    for candidate in (language, DEFAULT_LANGUAGE, *sorted(versions)):
        if versions.get(candidate):
            return candidate, versions[candidate]
    raise ValueError("a consent text version without any text")


def text_sha256(text: str) -> str:
    """The fingerprint kept with a decision: SHA-256 of the text as shown (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
