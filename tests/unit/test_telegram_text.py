"""Splitting long Telegram messages: sizes, cut points, and HTML that stays valid."""

from __future__ import annotations

import random
import re

import pytest

from notifier.standins.telegram_rules import parse_html, utf16_length
from notifier.telegram_text import MESSAGE_LIMIT, split_message


def letters(text: str) -> str:
    """Visible text without whitespace: no cut may lose, duplicate or reorder any of it."""
    return "".join(text.split())


def check_parts(original: str, parts: list[str], limit: int = MESSAGE_LIMIT) -> None:
    for part in parts:
        assert utf16_length(part) <= limit
        parse_html(part)  # raises if Telegram would refuse it
    assert letters("".join(parse_html(p) for p in parts)) == letters(parse_html(original))


def test_short_text_is_one_part() -> None:
    assert split_message("<b>5</b> по алгебре", html=True) == ["<b>5</b> по алгебре"]


def test_cuts_at_paragraphs_first() -> None:
    paragraphs = [f"Абзац {n}. " + "слово " * 500 for n in range(3)]  # ~3000 chars each
    text = "\n\n".join(p.strip() for p in paragraphs)
    parts = split_message(text, html=True)
    assert [p[:7] for p in parts] == ["Абзац 0", "Абзац 1", "Абзац 2"]
    check_parts(text, parts)


def test_cuts_at_lines_then_spaces_then_anywhere() -> None:
    lines = "\n".join(f"строка {n} " + "x" * 80 for n in range(100))
    parts = split_message(lines, html=True)
    assert all(p.startswith("строка") for p in parts)
    check_parts(lines, parts)

    spaced = "word " * 2000
    assert all(not p.endswith("wor") for p in split_message(spaced, html=True))

    one_word = "ы" * 10_000
    parts = split_message(one_word, html=True)
    assert [len(p) for p in parts] == [4096, 4096, 1808]


def test_open_tags_are_closed_and_reopened() -> None:
    text = '<b>Важно: <a href="https://school.example/hw">' + "задание " * 1200 + "</a></b> конец"
    parts = split_message(text, html=True)
    assert len(parts) == 3
    assert parts[0].endswith("</a></b>")
    assert parts[1].startswith('<b><a href="https://school.example/hw">')
    check_parts(text, parts)


def test_entities_and_emoji_are_never_cut() -> None:
    text = "&lt;ок&gt; " * 1000 + "😀" * 3000
    parts = split_message(text, html=True)
    check_parts(text, parts)
    assert all(not re.search(r"&[a-z]*$", p) for p in parts)


def test_plain_text_has_no_tags() -> None:
    text = "2 < 3 & <b> is not a tag\n" * 400
    parts = split_message(text, html=False)
    assert all(len(p) <= MESSAGE_LIMIT for p in parts)
    assert "".join(parts).count("<b>") == 400


@pytest.mark.parametrize("seed", range(20))
def test_random_markup_splits_validly(seed: int) -> None:
    rng = random.Random(seed)
    pieces = []
    for _ in range(rng.randint(20, 120)):
        word = rng.choice(["урок", "оценка", "&amp;", "5", "😀", "домашнее"])
        tag = rng.choice([None, "b", "i", "code", 'a href="https://x.example/?a=1&amp;b=2"'])
        text = f"<{tag}>{word}</{tag.split()[0]}>" if tag else word
        pieces.append(text + rng.choice([" ", " ", "\n", "\n\n"]))
    text = "<i>" + "".join(pieces) + "</i>"
    limit = rng.randint(80, 200)
    parts = split_message(text, html=True, limit=limit)
    check_parts(text, parts, limit)
    # Every part ends between words: no word is cut while there is whitespace to cut at.
    assert [w for p in parts for w in parse_html(p).split()] == parse_html(text).split()


def test_unbalanced_markup_is_not_repaired() -> None:
    # Telegram should refuse it, so the broken template is noticed.
    assert split_message("<b>unclosed", html=True) == ["<b>unclosed"]


def test_a_tag_longer_than_a_message_is_refused() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        split_message('<a href="' + "x" * 5000 + '">link</a>', html=True)
