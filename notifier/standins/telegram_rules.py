"""The rules the Telegram emulator enforces: flood limits and the HTML parse mode.

Kept apart from the HTTP layer so the numbers and the parser can be read on their own.
Written from Telegram's documentation, not from our client's code (the stand-ins import
nothing of ours, a contract in pyproject.toml): a mistake in notifier.ratelimit is then
met by the emulator's 429s instead of being mirrored by it.
"""

from __future__ import annotations

import html
import math
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Protocol


class RateLike(Protocol):
    """A rate as the control API's callers give one (any object with the two numbers)."""

    @property
    def limit(self) -> int: ...

    @property
    def period(self) -> float: ...


@dataclass(frozen=True)
class Rate:
    """At most `limit` messages in any `period` seconds, as Telegram states its limits."""

    limit: int
    period: float


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


@dataclass
class SlidingWindow:
    """Timestamps of accepted sends for one key: at most `limit` in any `period` window.

    Telegram's rule as stated, bursts included; the limiter in notifier.ratelimit is
    stricter (evenly spaced), so a client using it never meets this window's edge.
    """

    rate: Rate
    sent: deque[float] = field(default_factory=deque)

    def wait(self, now: float, tolerance: float) -> float:
        """Seconds until one more send fits; 0 when it fits now."""
        window = self.rate.period * (1 - tolerance)
        while self.sent and self.sent[0] <= now - window:
            self.sent.popleft()
        if len(self.sent) < self.rate.limit:
            return 0.0
        return self.sent[-self.rate.limit] + window - now

    def record(self, now: float) -> None:
        self.sent.append(now)
        while len(self.sent) > self.rate.limit:
            self.sent.popleft()


class FloodControl:
    """Per-bot, per-chat and per-group windows of one emulated bot."""

    def __init__(self, limits: FloodLimits) -> None:
        self.limits = limits
        self._windows: dict[str, SlidingWindow] = {}

    def _window(self, key: str, rate: Rate) -> SlidingWindow:
        window = self._windows.get(key)
        if window is None or window.rate != rate:
            window = self._windows[key] = SlidingWindow(rate)
        return window

    def _windows_for(self, chat_id: int) -> list[SlidingWindow]:
        # Negative ids are groups and supergroups: Telegram allows 20 messages a minute
        # there; private chats get about one message a second.
        chat_rate = self.limits.per_group if chat_id < 0 else self.limits.per_chat
        return [
            self._window("bot", self.limits.per_bot),
            self._window(f"chat:{chat_id}", chat_rate),
        ]

    def check(self, chat_id: int, now: float) -> int:
        """Record a send and return 0, or return retry_after in whole seconds (as Telegram)."""
        if not self.limits.enabled:
            return 0
        windows = self._windows_for(chat_id)
        wait = max(window.wait(now, self.limits.tolerance) for window in windows)
        if wait > 0:
            return max(1, math.ceil(wait))
        for window in windows:
            window.record(now)
        return 0
