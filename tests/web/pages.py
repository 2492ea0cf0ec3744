"""Reading pages as a person does: the rows of a table, as text."""

from __future__ import annotations

import html
import re

_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", re.S)
_TAG = re.compile(r"<[^>]+>")


def text_of(fragment: str) -> str:
    """The words a person sees in a piece of HTML, one space between them."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def table_rows(page: str) -> list[list[str]]:
    """The body rows of the page's tables, each a list of its cells' text."""
    rows = []
    for inner in _ROW.findall(page):
        cells = [text_of(cell) for cell in _CELL.findall(inner)]
        if cells and "<th" not in inner:
            rows.append(cells)
    return rows


def row_with(page: str, *words: str) -> list[str]:
    """The one table row containing all of `words`."""
    found = [row for row in table_rows(page) if all(w in " ".join(row) for w in words)]
    assert len(found) == 1, f"{len(found)} rows with {words}: {table_rows(page)}"
    return found[0]


def header_text(page: str) -> str:
    """What the layout's header says (school, sections, who is signed in)."""
    found = re.search(r"<header\b.*?</header>", page, re.S)
    assert found, "the page has no header"
    return text_of(found.group(0))
