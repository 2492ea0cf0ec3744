"""Interface texts kept beside the code that shows them: key → (Russian, English).

The entry points (the web app's pages, the bot's handlers) each keep their own
`Catalog`; core's error messages live in `core.i18n`. A key missing from a catalog
is a programming error and raises at once (tests render every page).
"""

from __future__ import annotations

from collections.abc import Mapping

from core.error_messages import DEFAULT_LANGUAGE, LANGUAGES


def pick_language(*candidates: str | None) -> str:
    """The first supported language among `candidates` (a stored choice, then a
    client's "en-US" or "ru,en;q=0.8"), else Russian."""
    for candidate in candidates:
        for part in (candidate or "").split(","):
            short = part.split(";")[0].split("-")[0].strip().lower()
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
        """Both languages of a key (to match what a user typed or tapped in either)."""
        return self.entries[key]

    def merged(self, *others: Catalog) -> Catalog:
        """One catalog of this one's keys and the others'; a key defined twice is an error."""
        entries = dict(self.entries)
        for other in others:
            clash = entries.keys() & other.entries.keys()
            if clash:
                raise ValueError(f"keys defined twice: {sorted(clash)}")
            entries.update(other.entries)
        return Catalog(entries)
