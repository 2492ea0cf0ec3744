"""How many SMS a text costs (3GPP TS 23.038 / 23.040): pure functions.

A text that fits the GSM 7-bit alphabet goes as GSM-7: 160 septets in one SMS,
153 per part when concatenated (the user data header takes 7); characters of the
extension table (€, [, ], {, }, ...) take two septets (escape + char). Anything
else, Cyrillic included, goes as UCS-2: 70 UTF-16 units in one SMS, 67 per part.
Parts never split an escape pair or a surrogate pair, so a part can hold one
unit less than the limit: the greedy split below counts that the way phones and
gateways do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Encoding = Literal["gsm7", "ucs2"]

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
) - {"\x1b"}  # ESC is the extension prefix, not a character of its own
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

LIMITS: dict[Encoding, tuple[int, int]] = {
    "gsm7": (160, 153),  # septets: single SMS, each part of a long one
    "ucs2": (70, 67),  # UTF-16 code units
}


@dataclass(frozen=True)
class SmsSegments:
    encoding: Encoding
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int


def sms_encoding(text: str) -> Encoding:
    allowed = GSM7_BASIC | GSM7_EXTENSION
    return "gsm7" if all(ch in allowed for ch in text) else "ucs2"


def unit_cost(ch: str, encoding: Encoding) -> int:
    if encoding == "gsm7":
        return 2 if ch in GSM7_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1  # outside the BMP: a surrogate pair


def split_segments(text: str) -> list[str]:
    """The parts a text is sent in (a single part when it fits one SMS)."""
    encoding = sms_encoding(text)
    single, part = LIMITS[encoding]
    costs = [(ch, unit_cost(ch, encoding)) for ch in text]
    if sum(cost for _ch, cost in costs) <= single:
        return [text] if text else []
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for ch, cost in costs:
        if used + cost > part:
            parts.append("".join(current))
            current, used = [], 0
        current.append(ch)
        used += cost
    parts.append("".join(current))
    return parts


def count_segments(text: str) -> SmsSegments:
    """Encoding, length in units and number of SMS; an empty text is 0 SMS."""
    encoding = sms_encoding(text)
    units = sum(unit_cost(ch, encoding) for ch in text)
    return SmsSegments(encoding=encoding, units=units, segments=len(split_segments(text)))
