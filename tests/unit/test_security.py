"""Passwords and invite codes, without a database."""

from __future__ import annotations

import math
import re

from argon2 import PasswordHasher

from core.security import (
    canonical_invite_code,
    hash_invite_code,
    hash_password,
    looks_like_invite_code,
    new_invite_code,
    password_needs_rehash,
    verify_password,
)

# Telegram's /start payload: up to 64 characters of A-Z, a-z, 0-9, _ and -.
DEEP_LINK_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Read from paper: four groups of four, none of 0 O 1 I L (nor U), no - or _ inside a group.
PRINTED_CODE = re.compile(r"[2-9A-HJKMNP-TV-Z]{4}(-[2-9A-HJKMNP-TV-Z]{4}){3}")


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


def test_invite_codes_are_grouped_without_look_alikes_and_fit_a_deep_link() -> None:
    codes = [new_invite_code() for _ in range(2000)]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert PRINTED_CODE.fullmatch(code), code
        assert DEEP_LINK_PAYLOAD.fullmatch(code), code
        assert looks_like_invite_code(code)
    symbols = {c for code in codes for c in code.replace("-", "")}
    assert len(symbols) == 30 and not symbols & set("0O1IlLU-_")
    assert 16 * math.log2(len(symbols)) >= 64  # 78.5 random bits
    # Every position varies: nothing fixed or sequential in the code.
    for position in (i for i in range(19) if i % 5 != 4):
        assert len({code[position] for code in codes}) == 30


def test_a_code_typed_from_paper_is_the_same_code_however_it_is_typed() -> None:
    code = new_invite_code()
    compact = code.replace("-", "")
    typed = [
        code.lower(),
        compact,
        compact.lower(),
        " ".join(code.split("-")),
        f"  {code.lower().replace('-', ' - ')}\n",
        code.replace("-", "—"),  # a phone's autocorrected dash
        code.replace("-", "\u00a0"),  # a no-break space, pasted
    ]
    for text in typed:
        assert canonical_invite_code(text) == compact, text
        assert hash_invite_code(text) == hash_invite_code(code), text
        assert looks_like_invite_code(text), text
    # A Russian keyboard's twins of the Latin letters: К7QМ is K7QM.
    assert canonical_invite_code("К7QМ-4ТZХ-9НDР-W2СЕ") == "K7QM4TZX9HDPW2CE"
    assert canonical_invite_code("K7QM-4TZX-9HDP-W2C") is None  # one symbol short
    assert canonical_invite_code("K7QM-4TZX-9HDP-W2C0") is None  # 0 is never printed


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
