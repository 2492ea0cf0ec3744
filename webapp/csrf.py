"""CSRF protection: every state-changing request of a browser carries a token.

The token is an HMAC (with `settings.secret_key`) of a value only the browser's own
cookies hold: the session's secret once signed in, before that a random nonce in
its own cookie (the sign-in and language forms). A page puts it in a hidden
`csrf_token` field of each form, and `base.html` gives it to htmx once, as the
`X-CSRF-Token` header (`hx-headers` on <body>). Another site can make a browser send
our cookies but can neither read them nor the page, so it cannot know the token.

Page routers declare `dependencies=[Depends(require_csrf)]`; a POST without a valid
token is refused with 403 before the handler runs, so nothing changes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

from webapp.state import web_state

SESSION_COOKIE = "zvonok_session"
NONCE_COOKIE = "zvonok_csrf"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRefused(Exception):
    """A state-changing request without the right token (answered 403)."""


def _token(secret_key: str, kind: str, value: str) -> str:
    message = f"zvonok-csrf:{kind}:{value}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def _expected(request: Request) -> list[str]:
    key = web_state(request).secret
    session = request.cookies.get(SESSION_COOKIE)
    nonce = request.cookies.get(NONCE_COOKIE) or getattr(request.state, "csrf_nonce", None)
    found = [_token(key, "session", session)] if session else []
    if nonce:
        found.append(_token(key, "nonce", nonce))
    return found


def csrf_token(request: Request) -> str:
    """The token for this browser's forms (a nonce cookie is prepared if it has none)."""
    key = web_state(request).secret
    session = request.cookies.get(SESSION_COOKIE)
    if session and getattr(request.state, "signed_in", False):
        return _token(key, "session", session)
    nonce = request.cookies.get(NONCE_COOKIE)
    if not nonce:
        nonce = getattr(request.state, "csrf_nonce", None) or secrets.token_urlsafe(32)
        request.state.csrf_nonce = nonce  # `keep_nonce` puts it into the response
    return _token(key, "nonce", nonce)


def keep_nonce(request: Request, response: Response) -> None:
    """Set the nonce cookie that `csrf_token` prepared for an anonymous page."""
    nonce = getattr(request.state, "csrf_nonce", None)
    if nonce and not request.cookies.get(NONCE_COOKIE):
        response.set_cookie(
            NONCE_COOKIE,
            nonce,
            httponly=True,
            samesite="lax",
            secure=web_state(request).production,
            path="/",
        )


def token_matches(request: Request, sent: str | None) -> bool:
    return bool(sent) and any(hmac.compare_digest(sent or "", ok) for ok in _expected(request))


async def require_csrf(request: Request) -> None:
    """Router dependency: refuse a state-changing request without a valid token."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(HEADER)
    if not sent and _is_form(request):
        value = (await request.form()).get(FIELD)
        sent = value if isinstance(value, str) else None
    if not token_matches(request, sent):
        raise CsrfRefused()


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
