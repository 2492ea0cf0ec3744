"""How staff stay signed in: web sessions and personal API tokens, and the login lock-out.

Seed 002 §4.1–4.2: no access without a personal login. Only a SHA-256 of a session
or API token is stored, so a copy of the database opens no account.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.base import instant_field, one_of


class TokenKind(StrEnum):
    session = "session"  # a browser's sign-in (cookie)
    api = "api"  # a personal API token (`Authorization: Bearer ...`)


class AccessToken(SQLModel, table=True):
    """A secret that stands for a staff member: a web session or a personal API token."""

    __tablename__ = "access_token"
    __table_args__ = (one_of("kind", TokenKind),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    kind: str  # TokenKind value
    name: str = ""  # what the owner called an API token («Выгрузка в 1С»)
    token_hash: str = Field(unique=True)
    hint: str = ""  # the first characters of the token, to tell tokens apart in a list
    created_at: datetime = instant_field()
    last_used_at: datetime | None = instant_field(nullable=True)
    expires_at: datetime | None = instant_field(nullable=True)
    revoked_at: datetime | None = instant_field(nullable=True)


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins counted for a (login, source), and until when they are closed.

    `core/services/login_guard.py` keeps three kinds of row: a login from one source
    (`source` "ip:<address>" or "device:<id>"), an address over every login (`login`
    ""), and a login from every address (`source` ""). Keyed by the login as typed
    (normalized), not by the account: an unknown login is counted and closed exactly
    like a real one, so the lock-out reveals nothing about which logins exist.
    """

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("login", "source"),)

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(default="", max_length=64)
    source: str = Field(default="", max_length=64)
    failures: int = 0
    window_started_at: datetime | None = instant_field(nullable=True)
    blocked_until: datetime | None = instant_field(nullable=True)
