"""Passwords and invite codes, without a database."""

from __future__ import annotations

import base64
import re

from argon2 import PasswordHasher

from core.security import (
    hash_invite_code,
    hash_password,
    looks_like_invite_code,
    new_invite_code,
    password_needs_rehash,
    verify_password,
)

# Telegram's /start payload: up to 64 characters of A-Z, a-z, 0-9, _ and -.
DEEP_LINK_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


def test_password_hash_verifies_only_the_right_password() -> None:
    stored = hash_password("Звонок-2026!")
    assert stored.startswith("$argon2id$")
    assert "Звонок" not in stored
    assert verify_password(stored, "Звонок-2026!")
    assert not verify_password(stored, "звонок-2026!")
    assert not verify_password(stored, "")


def test_same_password_hashes_differently_each_time() -> None:
    assert hash_password("correct horse") != hash_password("correct horse")


def test_missing_or_damaged_hash_never_verifies() -> None:
    assert not verify_password(None, "anything")
    assert not verify_password("not-a-hash", "anything")


def test_weak_old_hash_needs_rehash_and_current_one_does_not() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("secret-pass")
    assert verify_password(weak, "secret-pass")
    assert password_needs_rehash(weak)
    assert not password_needs_rehash(hash_password("secret-pass"))


def test_invite_codes_carry_128_random_bits_and_fit_a_deep_link() -> None:
    codes = [new_invite_code() for _ in range(2000)]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert DEEP_LINK_PAYLOAD.fullmatch(code), code
        assert looks_like_invite_code(code)
        raw = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
        assert len(raw) * 8 >= 128
    # Every position varies: nothing fixed or sequential in the code. (The 22nd
    # character carries the last 2 of the 128 bits, so it takes only 4 values.)
    for position in range(len(codes[0]) - 1):
        assert len({code[position] for code in codes}) > 20
    assert len({code[-1] for code in codes}) == 4


def test_only_the_hash_of_a_code_is_kept() -> None:
    code = new_invite_code()
    digest = hash_invite_code(code)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert code not in digest
    assert digest == hash_invite_code(code)
    assert digest != hash_invite_code(new_invite_code())


def test_text_that_is_not_a_code_is_told_apart() -> None:
    for text in ("", "hello", "код приглашения", "a" * 65, "abc def ghi jkl mno", "x/../y" * 4):
        assert not looks_like_invite_code(text), text
    assert looks_like_invite_code("A" * 64)
