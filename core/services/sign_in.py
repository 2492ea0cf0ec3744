"""Signing in to the web journal: the password check and a new session, in one call,
and the browser's known-devices cookie (`core/known_devices.py`) renewed with it."""

from __future__ import annotations

from dataclasses import dataclass

from core.known_devices import remember_device
from core.models import Staff, TokenKind
from core.services.access_tokens import issue_token
from core.services.login_guard import Client, login_key
from core.services.staff import authenticate
from core.uow import UnitOfWork


@dataclass(frozen=True)
class SignedIn:
    """Who signed in, the session's secret for the browser's cookie, and the browser's
    new known-devices cookie ("" when the client has no key to sign one)."""

    staff: Staff
    session_secret: str
    device_cookie: str


async def sign_in(uow: UnitOfWork, *, login: str, password: str, client: Client) -> SignedIn:
    """Check the login and password (`authenticate`: lock-outs, locked accounts), open
    a web session for the staff member, and remember the browser as a known device."""
    staff = await authenticate(uow, login=login, password=password, client=client)
    async with uow:
        issued = issue_token(uow, staff, kind=TokenKind.session)
        await uow.commit()
    device = ""
    if client.device_key:
        device = remember_device(client.device_key, login_key(login), client.device_cookie)
    return SignedIn(staff, issued.secret, device)
