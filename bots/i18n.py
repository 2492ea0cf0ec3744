"""The bot's texts, Russian by default with English beside each.

Each handler module keeps its own `Catalog` next to the code that uses it; a key
missing from a catalog is a programming error and raises at once (tests cover it).
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"


def pick_language(*candidates: str | None) -> str:
    """The first supported language among `candidates` (a guardian's choice, then
    Telegram's `language_code` such as "en-US"), else Russian."""
    for candidate in candidates:
        if candidate:
            short = candidate.split("-")[0].lower()
            if short in LANGUAGES:
                return short
    return DEFAULT_LANGUAGE


class Catalog:
    """key -> (Russian, English) templates, filled with `str.format`."""

    def __init__(self, entries: Mapping[str, tuple[str, str]]) -> None:
        self.entries = dict(entries)

    def __call__(self, language: str, key: str, /, **params: object) -> str:
        ru, en = self.entries[key]
        template = en if language == "en" else ru
        return template.format(**params) if params else template

    def both(self, key: str) -> tuple[str, str]:
        """Both languages of a key: a button's text is matched in either."""
        return self.entries[key]
