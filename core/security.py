"""Password hashing and invite codes. Pure functions: no database, no I/O.

Seed 002 §4.1–4.2: every participant signs in with a personal login and password,
so passwords are stored only as argon2 hashes. Invite codes (seed 002 §2.3: the
administrator hands out an invite code for parents and for new staff) travel in a
bot's start link, Telegram's `t.me/<bot>?start=<code>`, whose payload Telegram limits
to 64 characters of A–Z, a–z, 0–9, `_` and `-`, or MAX's `max.ru/<bot>?start=<code>`
(128 characters), and are typed from paper: `K7QM-4TZX-
9HDP-W2CE`, four groups of four symbols from an alphabet with no look-alikes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Crockford's base32 digits without the look-alikes: no 0/O, no 1/I/L (nor U). Thirty
# symbols; 16 of them carry log2(30**16) ≈ 78.5 random bits, so guessing a live code is
# hopeless even with millions of tries a day (bots/throttle.py has the sums).
INVITE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
INVITE_GROUPS, INVITE_GROUP_LENGTH = 4, 4
_INVITE_LENGTH = INVITE_GROUPS * INVITE_GROUP_LENGTH
_CANONICAL = re.compile(f"[{INVITE_ALPHABET}]{{{_INVITE_LENGTH}}}")
# What a parent may type between or around the groups: spaces, dashes of any kind
# (a phone turns "--" into "—"), underscores.
_SEPARATORS = re.compile(r"[\s_\-\u2010-\u2015\u2212]+")
# A parent on a Russian keyboard types these Cyrillic letters (upper-cased here) for the
# Latin letters and the digit they look like.
_CYRILLIC_TWINS = str.maketrans("АВЕКМНРСТХУЗ", "ABEKMHPCTXY3")
# Codes issued by earlier versions were secrets.token_urlsafe(16) (22 characters, case
# matters, their SHA-256 stored as typed); they keep working until they expire. Any
# text of this shape (Telegram's payload alphabet, 16 to 64) is worth a look-up.
_LEGACY_CODE = re.compile(r"[A-Za-z0-9_-]{16,64}")

MIN_PASSWORD_LENGTH = 8


PasswordCost = Literal["standard", "light"]


@dataclass(frozen=True)
class _Argon2Cost:
    time_cost: int
    memory_kib: int
    parallelism: int


_COSTS: dict[str, _Argon2Cost] = {
    # argon2-cffi's defaults, RFC 9106's second recommendation: 3 passes over 64 MiB.
    "standard": _Argon2Cost(time_cost=3, memory_kib=65536, parallelism=4),
    # One pass over 1 MiB, a few hundred times cheaper: for test runs, which sign in
    # thousands of times. Settings refuse it when ZVONOK_ENV=production.
    "light": _Argon2Cost(time_cost=1, memory_kib=1024, parallelism=1),
}
_current_cost: list[PasswordCost] = ["standard"]


def use_password_cost(cost: PasswordCost) -> None:
    """Hash new passwords with `cost` from now on, in this process (a process's
    entry point calls it with `Settings.password_hash_cost`). Hashes made with other
    parameters still verify; `password_needs_rehash` tells they differ."""
    if cost != _current_cost[0]:
        _current_cost[0] = cost
        _hasher.cache_clear()
        _dummy_hash.cache_clear()


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    # Built lazily so that importing the module costs nothing.
    cost = _COSTS[_current_cost[0]]
    return PasswordHasher(
        time_cost=cost.time_cost, memory_cost=cost.memory_kib, parallelism=cost.parallelism
    )


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; False on a mismatch or a damaged hash.

    With no hash (unknown login, no password set) a dummy hash is still verified,
    so the answer takes as long as for a real account and does not reveal logins.
    """
    try:
        matched = _hasher().verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


def password_needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher().check_needs_rehash(password_hash)


def new_invite_code() -> str:
    """A fresh single-use code, grouped for reading: "K7QM-4TZX-9HDP-W2CE" (78 bits)."""
    symbols = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(_INVITE_LENGTH))
    step = INVITE_GROUP_LENGTH
    return "-".join(symbols[i : i + step] for i in range(0, _INVITE_LENGTH, step))


def canonical_invite_code(text: str) -> str | None:
    """The code as typed, in its one stored form ("K7QM4TZX9HDPW2CE"): case, spaces,
    dashes and Cyrillic look-alike letters do not matter. None when it is not one."""
    compact = _SEPARATORS.sub("", text).upper().translate(_CYRILLIC_TWINS)
    return compact if _CANONICAL.fullmatch(compact) else None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hash_invite_code(code: str) -> str:
    """What the database keeps instead of the code (SHA-256, hex, of its canonical form).

    A plain hash suffices: the code itself carries 78 random bits, so there is nothing
    to brute-force that a slow hash would protect.
    """
    canonical = canonical_invite_code(code)
    return _sha256(canonical if canonical is not None else code.strip())


def invite_code_hashes(text: str) -> tuple[str, ...]:
    """The hashes a typed code may be stored under: its canonical form's and, for text of
    the old shape, the text's own (codes issued before grouped codes, case-sensitive)."""
    stripped = text.strip()
    hashes = []
    canonical = canonical_invite_code(stripped)
    if canonical is not None:
        hashes.append(_sha256(canonical))
    if _LEGACY_CODE.fullmatch(stripped) and _sha256(stripped) not in hashes:
        hashes.append(_sha256(stripped))
    return tuple(hashes)


def looks_like_invite_code(text: str) -> bool:
    """Cheap shape check before any database look-up (the bot passes user text)."""
    return bool(invite_code_hashes(text))


def hook_token(secret: str, hook: str) -> str:
    """The path secret of an inbound hook (an SMS gateway's delivery reports).

    Gateways cannot sign their callbacks with our key, so the URL carries an HMAC of
    the hook's name: only someone who was given the URL can post reports to it.
    """
    return hmac.new(secret.encode(), f"zvonok-hook:{hook}".encode(), hashlib.sha256).hexdigest()[
        :32
    ]


def hook_token_matches(secret: str, hook: str, token: str) -> bool:
    return hmac.compare_digest(hook_token(secret, hook), token)
