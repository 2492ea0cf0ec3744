"""SMS segment counting: GSM-7 vs UCS-2, long-message parts, escape and surrogate pairs."""

from __future__ import annotations

import pytest

from notifier.sms import normalize_phone
from notifier.sms_segments import count_segments, sms_encoding, split_segments

CYRILLIC = "Домашнее задание по алгебре: №123, 124 стр. 45"


@pytest.mark.parametrize(
    ("length", "segments"),
    [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm7_latin(length: int, segments: int) -> None:
    result = count_segments("a" * length)
    assert result.encoding == "gsm7"
    assert result.units == length
    assert result.segments == segments


@pytest.mark.parametrize(
    ("length", "segments"),
    [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_ucs2_cyrillic(length: int, segments: int) -> None:
    result = count_segments("я" * length)
    assert result.encoding == "ucs2"
    assert result.segments == segments


def test_a_71_char_cyrillic_text_is_two_segments() -> None:
    text = (CYRILLIC + " " + CYRILLIC)[:71]
    assert len(text) == 71
    assert count_segments(text).segments == 2


def test_extension_characters_count_double() -> None:
    assert count_segments("€" * 80).units == 160
    assert count_segments("€" * 80).segments == 1
    assert count_segments("€" * 81).segments == 2
    assert count_segments("[x]{y}|~^\\").units == 18  # 8 escaped + x, y


def test_an_escape_pair_is_never_split_across_parts() -> None:
    text = "a" * 152 + "€" + "a" * 10  # 164 septets: the € can't start at septet 153
    parts = split_segments(text)
    assert [len(p) for p in parts] == [152, 11]
    assert "".join(parts) == text


def test_one_cyrillic_letter_turns_the_whole_text_ucs2() -> None:
    text = "Mark: 5" + "ж"
    assert sms_encoding("Mark: 5 @ £ ¥ è") == "gsm7"
    assert sms_encoding(text) == "ucs2"
    assert count_segments("a" * 69 + "ж").segments == 1
    assert count_segments("a" * 70 + "ж").segments == 2


def test_emoji_take_two_units_and_stay_whole() -> None:
    assert count_segments("😀" * 35).units == 70
    assert count_segments("😀" * 35).segments == 1
    parts = split_segments("😀" * 36)  # 72 units; 67-unit parts hold 33 emoji
    assert [len(p) for p in parts] == [33, 3]


def test_empty_text_is_no_sms() -> None:
    assert count_segments("").segments == 0
    assert split_segments("") == []


def test_newlines_are_gsm7() -> None:
    assert count_segments("a\nb\r\nc").encoding == "gsm7"


@pytest.mark.parametrize(
    ("address", "phone"),
    [
        ("+79161234567", "79161234567"),
        ("+7 (916) 123-45-67", "79161234567"),
        ("79161234567", "79161234567"),
        ("+7916", None),
        ("mama@example.ru", None),
        ("", None),
    ],
)
def test_normalize_phone(address: str, phone: str | None) -> None:
    assert normalize_phone(address) == phone
