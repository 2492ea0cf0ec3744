"""What a person sees: text with inline buttons, the main menu, documents.

Texts are HTML of the small subset Telegram and MAX both render (b, i, u, s, a, code,
pre). Buttons carry a payload (at most 64 bytes, Telegram's limit, the tighter of the
two) or a URL.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MAX_PAYLOAD_BYTES = 64


@dataclass(frozen=True)
class Button:
    """An inline button: pressing it sends `data` to the bot, or opens `url`."""

    text: str
    data: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.data is None) == (self.url is None):
            raise ValueError("a button has either data or a url")
        if self.data is not None and len(self.data.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"button data over {MAX_PAYLOAD_BYTES} bytes: {self.data!r}")


Keyboard = tuple[tuple[Button, ...], ...]


def keyboard(rows: Iterable[Iterable[Button]]) -> Keyboard:
    """Rows of buttons; empty rows are left out."""
    return tuple(row for row in (tuple(r) for r in rows) if row)


class Menu(enum.Enum):
    """What a message does to the main menu (the parent's actions, one tap away)."""

    keep = "keep"
    show = "show"  # the message brings the menu (in the turn's language)
    hide = "hide"  # the chat is no longer a parent's: the menu goes


@dataclass(frozen=True)
class Document:
    """A file sent as a document, with a caption and buttons under it."""

    filename: str
    content: bytes = field(repr=False)
    caption: str = ""
    keyboard: Keyboard = ()


@dataclass(frozen=True)
class Sent:
    """A message the bot sent: enough to edit it later. `id` is the messenger's own
    message id as text (Telegram's numbers, MAX's «mid»)."""

    id: str


def with_button(rows: Sequence[Sequence[Button]], data: str, replacement: Button) -> Keyboard:
    """`rows` with the button carrying `data` replaced."""
    return keyboard(tuple(replacement if b.data == data else b for b in row) for row in rows)
