"""File names for documents about a pupil: Latin letters, digits and hyphens only.

Names are transliterated by the rules of Russian passports (ICAO Doc 9303, used
since 2014: «Пётр Соколов» → "petr sokolov"), so a file saved by a parent's phone or
mail client keeps a readable name on every system.
"""

from __future__ import annotations

import datetime as dt
import re

ICAO_9303 = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "ie",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """«Соколов Пётр» → "sokolov-petr"."""
    latin = "".join(ICAO_9303.get(char, char) for char in text.lower())
    return _NOT_SLUG.sub("-", latin).strip("-")


def weekly_summary_filename(last_name: str, first_name: str, week_start: dt.date) -> str:
    """ "itogi-nedeli-sokolov-petr-2026-11-23.pdf": the pupil and the week's Monday."""
    who = slug(f"{last_name} {first_name}") or "uchenik"
    return f"itogi-nedeli-{who}-{week_start.isoformat()}.pdf"
