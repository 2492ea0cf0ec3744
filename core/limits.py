"""How long each text a person types may be, in characters: one table for core, the web
forms' counters and the bot.

A text over its limit is refused with `RuleViolation("too_long", field=..., limit=...,
length=...)`, never cut: a remark pasted at 6,160 characters once lost its end
mid-word to a form's `maxlength`. Every typed text passes here, so a NUL, which no
text may hold, is refused here too. The web forms show these limits while typing
(`webapp/static/limits.js`); the bot says them before a teacher types.

Why these numbers: a remark, homework or an announcement's text goes to parents as
one Telegram message (4,096 characters, with the heading), so 4,000; names and titles
fit a printed line; a login is the staff table's `VARCHAR(64)`.
"""

from __future__ import annotations

from core.errors import RuleViolation

HOMEWORK = 4000
REMARK = 4000
ANNOUNCEMENT_TITLE = 200
ANNOUNCEMENT_BODY = 4000
TOPIC = 500  # a lesson's topic
MARK_COMMENT = 1000
PERSON_NAME = 100  # a last, first or middle name
LOGIN = 64  # staff.login is VARCHAR(64)
ROSTER_REASON = 300  # why a student left or moved (the director's order...)
SCHOOL_NAME = 200
TIMEZONE = 64  # IANA names are at most 32 characters; this leaves room
CLASS_LETTER = 2
NAME = 100  # a subject, a period, holidays, an academic year
SHORT_NAME = 20  # a subject's short name
ROOM = 20
TOKEN_NAME = 100
TEST_TITLE = 200  # a test in the schedule: «Контрольная работа №3 по теме «Дроби»»
CONSENT_TEXT = 20_000  # a consent text's version in one language: a legal document

# By the field codes a form and an error name them (core/error_texts/limits.py).
LIMITS: dict[str, int] = {
    "homework": HOMEWORK,
    "remark": REMARK,
    "announcement_title": ANNOUNCEMENT_TITLE,
    "announcement_body": ANNOUNCEMENT_BODY,
    "topic": TOPIC,
    "comment": MARK_COMMENT,
    "last_name": PERSON_NAME,
    "first_name": PERSON_NAME,
    "middle_name": PERSON_NAME,
    "login": LOGIN,
    "reason": ROSTER_REASON,
    "school_name": SCHOOL_NAME,
    "timezone": TIMEZONE,
    "letter": CLASS_LETTER,
    "name": NAME,
    "short_name": SHORT_NAME,
    "room": ROOM,
    "token_name": TOKEN_NAME,
    "test_title": TEST_TITLE,
    "consent_text": CONSENT_TEXT,
}


def check_length(field: str, text: str) -> str:
    """`text` when it is within `field`'s limit; RuleViolation("too_long") otherwise.

    Nor may a text hold a NUL, whatever its field (PostgreSQL's text cannot store one,
    and nothing a person types has it): RuleViolation("invisible_character")."""
    if "\x00" in text:
        raise RuleViolation("invisible_character", field=field, char="U+0000")
    limit = LIMITS[field]
    # A browser sends a textarea's line breaks as CRLF but counts them as one.
    length = len(text.replace("\r\n", "\n"))
    if length > limit:
        raise RuleViolation("too_long", field=field, limit=limit, length=length)
    return text
