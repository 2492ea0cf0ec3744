"""Interface texts kept beside the code that shows them: key → (Russian, English).

The entry points (the web app's pages, the bot's handlers) each keep their own
`Catalog` while they move to gettext catalogs (core/i18n.py); core's own texts are
there already. A key missing from a catalog is a programming error and raises at
once (tests render every page).
"""

from __future__ import annotations

from collections.abc import Mapping

from core.i18n import pick_language

__all__ = ["Catalog", "pick_language"]


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
