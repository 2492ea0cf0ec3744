"""The rules the Telegram emulator enforces: flood limits and the HTML parse mode.

Kept apart from the HTTP layer so the numbers and the parser can be read on their own.
Written from Telegram's documentation, not from our client's code (the stand-ins import
nothing of ours, a contract in pyproject.toml): a mistake in notifier.ratelimit is then
met by the emulator's 429s instead of being mirrored by it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from notifier.standins.rates import Rate, SlidingWindow, Windows, admit, retry_after_seconds

# Telegram counts message length after entity parsing, in UTF-16 code units.
MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

# The tags Telegram's HTML parse mode understands (core.telegram.org/bots/api#html-style).
SUPPORTED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "blockquote",
    }
)
_TOKEN = re.compile(r"<(/?)\s*([a-zA-Z][\w-]*)[^>]*>|<|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|&")


class EntityParseError(ValueError):
    """Text that Telegram would refuse with "can't parse entities"."""


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """Return the visible text of Telegram HTML, or raise EntityParseError like Telegram does."""
    stack: list[str] = []
    visible: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        visible.append(text[position : match.start()])
        position = match.end()
        piece = match.group(0)
        offset = len(text[: match.start()].encode())
        if piece == "<":
            raise EntityParseError(f"Unsupported start tag at byte offset {offset}")
        if piece.startswith("&"):
            if piece == "&" or match.group(3) is None:
                raise EntityParseError(f"Character entity expected at byte offset {offset}")
            visible.append(html.unescape(piece))
            continue
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name not in SUPPORTED_TAGS:
            kind = "end" if closing else "start"
            raise EntityParseError(f'Unsupported {kind} tag "{name}" at byte offset {offset}')
        if not closing:
            stack.append(name)
        elif not stack or stack[-1] != name:
            raise EntityParseError(f"Unexpected end tag at byte offset {offset}")
        else:
            stack.pop()
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    visible.append(text[position:])
    return "".join(visible)


@dataclass(frozen=True)
class FloodLimits:
    """Telegram's published limits (core.telegram.org/bots/faq#broadcasting-to-users).

    `tolerance` shortens each window by that fraction, so a client pacing exactly at the
    rate is never refused for a few milliseconds of scheduling jitter.
    """

    per_bot: Rate = Rate(30, 1.0)
    per_chat: Rate = Rate(1, 1.0)
    per_group: Rate = Rate(20, 60.0)
    tolerance: float = 0.05
    enabled: bool = True
    # A message sent with `allow_paid_broadcast` counts against this instead of
    # `per_bot` (Bot API: "up to 1000 messages per second ... for a fee of 0.1 Telegram
    # Stars per message"); the per-chat limits still hold.
    paid_per_bot: Rate = Rate(1000, 1.0)


class FloodControl:
    """Per-bot, per-chat and per-group windows of one emulated bot."""

    def __init__(self, limits: FloodLimits) -> None:
        self.limits = limits
        self._windows = Windows()

    def _windows_for(self, chat_id: int, paid: bool) -> list[SlidingWindow]:
        # Negative ids are groups and supergroups: Telegram allows 20 messages a minute
        # there; private chats get about one message a second.
        chat_rate = self.limits.per_group if chat_id < 0 else self.limits.per_chat
        bot = (
            self._windows.get("bot:paid", self.limits.paid_per_bot)
            if paid
            else self._windows.get("bot", self.limits.per_bot)
        )
        return [bot, self._windows.get(f"chat:{chat_id}", chat_rate)]

    def check(self, chat_id: int, now: float, *, paid: bool = False) -> int:
        """Record a send and return 0, or return retry_after in whole seconds (as Telegram).
        `paid`: sent with `allow_paid_broadcast`."""
        if not self.limits.enabled:
            return 0
        wait = admit(self._windows_for(chat_id, paid), now, self.limits.tolerance)
        return retry_after_seconds(wait) if wait > 0 else 0
