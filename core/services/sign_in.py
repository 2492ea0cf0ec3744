"""Signing in to the web journal: the password check and a new session, in one call."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import Staff, TokenKind
from core.services.access_tokens import issue_token
from core.services.staff import authenticate
from core.uow import UnitOfWork


@dataclass(frozen=True)
class SignedIn:
    """Who signed in, and the session's secret for the browser's cookie."""

    staff: Staff
    session_secret: str


async def sign_in(uow: UnitOfWork, *, login: str, password: str) -> SignedIn:
    """Check the login and password (`authenticate`: lock-out, locked accounts) and
    open a web session for the staff member."""
    staff = await authenticate(uow, login=login, password=password)
    async with uow:
        issued = issue_token(uow, staff, kind=TokenKind.session)
        await uow.commit()
    return SignedIn(staff, issued.secret)
