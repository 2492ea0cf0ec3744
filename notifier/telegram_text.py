"""Splitting long Telegram messages without breaking their HTML.

Telegram refuses messages over 4096 characters. A long text is cut at the last paragraph
break that fits, else a line break, else a space, else anywhere between characters; never
inside a tag or an entity. Tags open at a cut are closed at the end of the part and
reopened, with their attributes, at the start of the next one.

Sizes are counted on the markup itself in UTF-16 code units (how Telegram counts), which
is never less than the visible text Telegram measures, so every part is accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MESSAGE_LIMIT = 4096

_HTML_TOKEN = re.compile(r"<[^<>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|[\s\S]")
_TAG = re.compile(r"<(/?)\s*([a-zA-Z][\w-]*)")
_TAGS_ONLY = re.compile(r"<[^<>]*>")


def _size(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class _Token:
    text: str
    size: int
    opens: str | None = None  # tag name when this is an opening tag
    closes: str | None = None  # tag name when this is a closing tag


Stack = tuple[tuple[str, str], ...]  # open tags: (name, the opening tag as written)
EMPTY: Stack = ()


def _tokenize(text: str, *, html: bool) -> list[_Token]:
    if not html:
        return [_Token(char, _size(char)) for char in text]
    tokens = []
    for piece in _HTML_TOKEN.findall(text):
        tag = _TAG.match(piece) if piece.startswith("<") else None
        if tag is None:
            tokens.append(_Token(piece, _size(piece)))
        elif tag.group(1):
            tokens.append(_Token(piece, _size(piece), closes=tag.group(2).lower()))
        else:
            tokens.append(_Token(piece, _size(piece), opens=tag.group(2).lower()))
    return tokens


def _apply(stack: Stack, token: _Token) -> Stack:
    if token.opens:
        return (*stack, (token.opens, token.text))
    if token.closes and stack and stack[-1][0] == token.closes:
        return stack[:-1]
    return stack


def _closing_size(stack: Stack) -> int:
    return sum(len(name) + 3 for name, _ in stack)  # "</" + name + ">"


def _break_priority(tokens: list[_Token], index: int) -> int:
    """How good a cut right after tokens[index] is: paragraph 3, line 2, space 1, else 0."""
    text = tokens[index].text
    if text == "\n":
        return 3 if index > 0 and tokens[index - 1].text == "\n" else 2
    return 1 if text.isspace() else 0


def _fit(tokens: list[_Token], start: int, stack: Stack, limit: int) -> tuple[int, Stack]:
    """Where the part starting at `start` should end, and which tags are open there."""
    size = sum(_size(tag) for _, tag in stack)
    current = stack
    cuts: dict[int, tuple[int, int, Stack]] = {}  # priority -> (size, end, stack), the last one
    for index in range(start, len(tokens)):
        token = tokens[index]
        after = _apply(current, token)
        if size + token.size + _closing_size(after) > limit:
            break
        size, current = size + token.size, after
        cuts[_break_priority(tokens, index)] = (size, index + 1, after)
    else:
        return len(tokens), current
    if not cuts:
        raise ValueError("a single tag or entity does not fit in one Telegram message")
    # The best kind of whitespace break that leaves the part at least half full; else the
    # latest whitespace break; a cut inside a word only when there is no whitespace at all.
    for priority in (3, 2, 1):
        if priority in cuts and cuts[priority][0] >= limit // 2:
            return cuts[priority][1:]
    spaces = [cut for priority, cut in cuts.items() if priority > 0]
    return max(spaces)[1:] if spaces else cuts[0][1:]


def _render(tokens: list[_Token], before: Stack, after: Stack) -> str:
    body = "".join(token.text for token in tokens).strip()
    reopen = "".join(tag for _, tag in before)
    close = "".join(f"</{name}>" for name, _ in reversed(after))
    return reopen + body + close


def split_message(text: str, *, html: bool, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut `text` into parts of at most `limit` UTF-16 units, each valid on its own."""
    tokens = _tokenize(text, html=html)
    parts: list[str] = []
    start, stack = 0, EMPTY
    while start < len(tokens):
        end, after = _fit(tokens, start, stack, limit)
        # Tags are closed only where we cut: unbalanced markup stays as written, so Telegram
        # refuses it and the template bug shows instead of being papered over.
        part = _render(tokens[start:end], stack, after if end < len(tokens) else EMPTY)
        visible = _TAGS_ONLY.sub("", part) if html else part
        if visible.strip():
            parts.append(part)
        start, stack = end, after
    return parts
