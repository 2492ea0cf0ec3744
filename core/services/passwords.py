"""What a new staff password must be (seed 002 §4.1–4.2: a personal password).

Length first (NIST SP 800-63B: length and a deny list, no composition rules): at
least `MIN_PASSWORD_LENGTH` characters, a few different ones, not one of the
passwords every guessing list starts with, and not the login itself.
"""

from __future__ import annotations

from core.errors import RuleViolation
from core.security import MIN_PASSWORD_LENGTH

MIN_DISTINCT_CHARACTERS = 5

# The head of the public leaked-password lists, plus the Russian keyboard's own
# favourites («йцукен» is «qwerty» typed on a Russian layout).
COMMON_PASSWORDS = frozenset(
    {
        "12345678",
        "123456789",
        "1234567890",
        "87654321",
        "password",
        "password1",
        "password123",
        "passw0rd",
        "qwertyui",
        "qwerty123",
        "qwerty12",
        "1q2w3e4r",
        "1q2w3e4r5t",
        "1qaz2wsx",
        "zaq12wsx",
        "asdfghjk",
        "iloveyou",
        "sunshine",
        "princess",
        "football",
        "baseball",
        "superman",
        "starwars",
        "welcome1",
        "trustno1",
        "йцукенгш",
        "йцукен123",
        "пароль123",
        "пароль12345",
        "qwertyuiop",
        "school123",
        "school2026",
        "uchitel1",
    }
)


def check_new_password(password: str, *, login: str) -> None:
    """Refuse a password that is short, repetitive, common, or contains the login."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation("password_too_short", min=MIN_PASSWORD_LENGTH)
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        raise RuleViolation("password_too_uniform", min=MIN_DISTINCT_CHARACTERS)
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS:
        raise RuleViolation("password_too_common")
    name = login.strip().lower()
    if name and name in lowered:
        raise RuleViolation("password_contains_login")
