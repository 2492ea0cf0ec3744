"""Who is asking: FastAPI dependencies that turn a cookie or a bearer token into a `Viewer`.

- `current_staff` (pages): the session cookie; without a live session a page
  redirects to /login (an htmx request gets `HX-Redirect`).
- `api_staff` (/api/v1): `Authorization: Bearer <API token>`, or the session cookie
  together with a valid `X-CSRF-Token` header (a page's own script); else 401 JSON.

Both only establish identity through core (`staff_for_secret`: revoked, expired and
locked accounts get nothing). What the staff member may do is decided by the core
service each handler calls (core/permissions.py), never here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from core.actors import StaffActor
from core.i18n import STAFF_LANGUAGES, pick_language
from core.models import Staff, TokenKind
from core.services.access_tokens import SESSION_MAX_AGE, SecretHolder, staff_for_secret
from core.services.login_guard import Client
from webapp.csrf import HEADER, SESSION_COOKIE, csrf_token, token_matches
from webapp.state import uow, web_state

LANGUAGE_COOKIE = "zvonok_lang"
# Known devices (core/known_devices.py): kept across sign-outs, renewed at each sign-in.
DEVICE_COOKIE = "zvonok_device"
DEVICE_COOKIE_DAYS = 365
_bearer = HTTPBearer(auto_error=False, description="A personal API token (page /tokens).")


class LoginRequired(Exception):
    """A page needs a signed-in staff member (answered by a redirect to /login)."""


class NotAuthenticated(Exception):
    """An API call without a valid token (answered 401)."""


@dataclass(frozen=True)
class Viewer:
    """The signed-in staff member as handlers need them."""

    actor: StaffActor  # what core services take
    staff: Staff
    school_name: str
    school_timezone: str  # the school's clock, for times shown on pages
    lang: str
    csrf_token: str
    session_secret: str | None  # None when the request came with an API token


def request_language(request: Request, *, api: bool = False) -> str:
    """The staff language chosen with the switch (a cookie); Russian unless another was.

    The API also honours `Accept-Language`, as programs cannot press the switch.
    """
    header = request.headers.get("accept-language") if api else None
    return pick_language(request.cookies.get(LANGUAGE_COOKIE), header, allowed=STAFF_LANGUAGES)


def _viewer(request: Request, holder: SecretHolder, secret: str | None, *, api: bool) -> Viewer:
    staff, school = holder.staff, holder.school
    request.state.signed_in = secret is not None
    return Viewer(
        actor=StaffActor(staff_id=staff.id or 0, school_id=staff.school_id),
        staff=staff,
        school_name=school.name,
        school_timezone=school.timezone,
        lang=request_language(request, api=api),
        csrf_token=csrf_token(request) if secret is not None else "",
        session_secret=secret,
    )


async def optional_staff(request: Request) -> Viewer | None:
    """The signed-in staff member of a page that anyone may open (the sign-in page)."""
    secret = request.cookies.get(SESSION_COOKIE, "")
    holder = await staff_for_secret(uow(request), secret=secret, kind=TokenKind.session)
    return None if holder is None else _viewer(request, holder, secret, api=False)


async def current_staff(request: Request) -> Viewer:
    """The signed-in staff member of a page; LoginRequired (→ /login) without one."""
    viewer = await optional_staff(request)
    if viewer is None:
        raise LoginRequired()
    return viewer


async def api_staff(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Viewer:
    """The staff member an API call acts as; NotAuthenticated (401) without one."""
    if bearer is not None:
        holder = await staff_for_secret(uow(request), secret=bearer.credentials, kind=TokenKind.api)
        if holder is not None:
            return _viewer(request, holder, None, api=True)
        raise NotAuthenticated()
    secret = request.cookies.get(SESSION_COOKIE, "")
    # A cookie alone would let any site's form act with the browser's session.
    if secret and token_matches(request, request.headers.get(HEADER)):
        holder = await staff_for_secret(uow(request), secret=secret, kind=TokenKind.session)
        if holder is not None:
            return _viewer(request, holder, secret, api=True)
    raise NotAuthenticated()


PageViewer = Annotated[Viewer, Depends(current_staff)]
ApiViewer = Annotated[Viewer, Depends(api_staff)]


def set_session_cookie(request: Request, response: Response, secret: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(SESSION_MAX_AGE.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=web_state(request).production,
        path="/",
    )


def sign_in_client(request: Request) -> Client:
    """Who is signing in: the client's address as the server saw it (uvicorn honours
    `X-Forwarded-For` from trusted proxies only) and the browser's known devices."""
    return Client(
        address=request.client.host if request.client else "",
        device_cookie=request.cookies.get(DEVICE_COOKIE, ""),
        device_key=web_state(request).secret,
    )


def set_device_cookie(request: Request, response: Response, value: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=web_state(request).production,
        path="/",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        httponly=True,
        samesite="lax",
        secure=web_state(request).production,
        path="/",
    )
