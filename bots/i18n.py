"""The bot's texts, Russian by default with English beside each.

Each handler module keeps its own `Catalog` (core/texts.py, shared with the web app)
next to the code that uses it; a key missing from a catalog is a programming error
and raises at once (tests cover it). `pick_language` chooses between a guardian's
stored language and Telegram's `language_code`.
"""

from __future__ import annotations

from core.texts import Catalog, pick_language

__all__ = ["Catalog", "pick_language"]
