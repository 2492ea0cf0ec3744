"""Known devices: a browser that has signed in with a login before can prove it.

After a successful sign-in the browser gets a cookie holding, for each login that
signed in there (a staff-room computer serves several; the newest `MAX_LOGINS` are
kept), a random device id and an HMAC of the login and that id made with the app's
secret key. Nothing is stored on the server, and the cookie says nothing about which
logins it holds. `core.services.login_guard` counts the failures of a browser that
proves it knows the login by its device id instead of by its address, so neither an
attacker hammering a login from elsewhere nor one sharing the school's address can
lock its owner out of the browser they use every day (OWASP's "device cookies").

A stolen cookie gives its thief no password: only the known device's own lock-out,
`MAX_FAILURES` tries per window for that one login.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

MAX_LOGINS = 5
_ENTRY = re.compile(r"([A-Za-z0-9_-]{16})\.([0-9a-f]{32})")
_SEPARATOR = ":"  # a cookie value allows neither commas nor spaces


def _mac(key: str, login: str, device: str) -> str:
    message = f"zvonok-device:{login}:{device}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()[:32]


def _entries(cookie: str) -> list[tuple[str, str]]:
    found = (_ENTRY.fullmatch(part) for part in cookie.split(_SEPARATOR)[: MAX_LOGINS * 2])
    return [(match.group(1), match.group(2)) for match in found if match]


def known_device(key: str, login: str, cookie: str) -> str | None:
    """The device id the cookie proves for `login` (a login key), or None."""
    if not key or not cookie:
        return None
    for device, mac in _entries(cookie):
        if hmac.compare_digest(mac, _mac(key, login, device)):
            return device
    return None


def remember_device(key: str, login: str, cookie: str) -> str:
    """The cookie after `login` signed in: its entry first (the same device id if the
    browser had one), then the other logins' entries, at most `MAX_LOGINS`."""
    device = known_device(key, login, cookie) or secrets.token_urlsafe(12)
    mine = f"{device}.{_mac(key, login, device)}"
    others = [f"{d}.{m}" for d, m in _entries(cookie) if d != device]
    return _SEPARATOR.join([mine, *others][:MAX_LOGINS])
