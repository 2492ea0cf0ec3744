"""Secrets that stand for a signed-in staff member: web sessions and personal API tokens.

A secret is shown once, when it is made; the database keeps its SHA-256 (like invite
codes: 256 random bits leave nothing for a slow hash to protect). A session lives
`SESSION_IDLE` after its last use and at most `SESSION_MAX_AGE`. An API token is made
only with its owner's current password (a borrowed open session must not be enough
to leave a key behind) and lives for the `ttl` its maker passes
(`ZVONOK_API_TOKEN_TTL_DAYS`), until its owner revokes it, or until the owner's
password changes or is reset (`core.services.staff.set_password`): an expired or
revoked token is refused like an unknown one. A locked account's secrets stop
working at once, and a reported breach revokes them all
(`core.services.staff.report_breach`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import String, bindparam, update
from sqlmodel import col, select

from core import limits
from core.actors import StaffActor
from core.errors import Forbidden, NotFound, RuleViolation
from core.models import AccessToken, School, Staff, TokenKind
from core.permissions import load_staff
from core.security import verify_password
from core.uow import UnitOfWork, snapshot, transactional

SESSION_IDLE = dt.timedelta(hours=12)
SESSION_MAX_AGE = dt.timedelta(days=7)
# Writing `last_used_at` on every request would make each page a write; a few
# minutes' precision is all the idle timeout and the token list need.
TOUCH_EVERY = dt.timedelta(minutes=5)
TOKEN_NAME_MAX = limits.TOKEN_NAME
API_TOKEN_PREFIX = "zvk_"  # noqa: S105  (a visible prefix, not a secret)
_SECRET_BYTES = 32


@dataclass(frozen=True)
class TokenInfo:
    """An API token as its owner sees it in a list (never its secret)."""

    id: int
    name: str
    hint: str  # the first characters of the secret
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @classmethod
    def of(cls, token: AccessToken) -> TokenInfo:
        return cls(
            id=token.id or 0,
            name=token.name,
            hint=token.hint,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            expires_at=token.expires_at,
            revoked_at=token.revoked_at,
        )

    def expired(self, now: dt.datetime) -> bool:
        """The token has outlived its time (it is refused like an unknown one)."""
        return self.expires_at is not None and self.expires_at <= now


@dataclass(frozen=True)
class IssuedToken:
    """A new token row and its secret, which exists nowhere else after this call."""

    token: AccessToken
    secret: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_token(
    uow: UnitOfWork,
    staff: Staff,
    *,
    kind: TokenKind,
    name: str = "",
    ttl: dt.timedelta = SESSION_MAX_AGE,
) -> IssuedToken:
    """Add a token for `staff`, valid for `ttl`, to the caller's transaction."""
    raw = secrets.token_urlsafe(_SECRET_BYTES)
    secret = f"{API_TOKEN_PREFIX}{raw}" if kind is TokenKind.api else raw
    now = uow.now()
    token = AccessToken(
        school_id=staff.school_id,
        staff_id=staff.id or 0,
        kind=kind.value,
        name=name,
        token_hash=hash_secret(secret),
        hint=secret[: len(API_TOKEN_PREFIX) + 4] if kind is TokenKind.api else "",
        created_at=now,
        expires_at=now + ttl,
    )
    uow.session.add(token)
    return IssuedToken(token, secret)


def _is_live(token: AccessToken, now: dt.datetime) -> bool:
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return False
    if token.kind == TokenKind.session.value:
        return (token.last_used_at or token.created_at) + SESSION_IDLE > now
    return True


# Every request runs it: built once (building a statement costs as much as running it).
_HOLDER = (
    select(AccessToken, Staff, School)
    .join(Staff, col(Staff.id) == col(AccessToken.staff_id))
    .join(School, col(School.id) == col(Staff.school_id))
    .where(
        col(AccessToken.token_hash) == bindparam("token_hash", type_=String),
        col(AccessToken.kind) == bindparam("kind", type_=String),
    )
)


@dataclass(frozen=True)
class SecretHolder:
    """Who a live secret stands for, and their school (what every request shows)."""

    staff: Staff
    school: School


async def staff_for_secret(uow: UnitOfWork, *, secret: str, kind: TokenKind) -> SecretHolder | None:
    """The staff member a live secret of this kind stands for (with their school), or None.

    Read without the write lock, in one statement (every request does this), in the
    unit's `statement_session` (with a handoff, the session its next transaction goes
    on in); `last_used_at` is written at most every `TOUCH_EVERY`.
    """
    if not secret:
        return None
    now = uow.now()
    params = {"token_hash": hash_secret(secret), "kind": kind.value}
    async with uow.statement_session() as session:
        found = (await session.exec(_HOLDER, params=params)).first()
    if found is None:
        return None
    token, staff, school = found
    if not _is_live(token, now) or staff.locked_at is not None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        async with uow:
            await uow.session.exec(
                update(AccessToken).where(col(AccessToken.id) == token.id).values(last_used_at=now)
            )
            await uow.commit()
    return SecretHolder(staff, school)


async def close_session_in(uow: UnitOfWork, *, secret: str) -> None:
    """Sign out: the session's secret stops working (an unknown one is ignored)."""
    await uow.session.exec(
        update(AccessToken)
        .where(
            col(AccessToken.token_hash) == hash_secret(secret),
            col(AccessToken.kind) == TokenKind.session.value,
            col(AccessToken.revoked_at).is_(None),
        )
        .values(revoked_at=uow.now())
    )


close_session = transactional(close_session_in)


async def revoke_tokens_of(
    uow: UnitOfWork, staff_id: int, *, kind: TokenKind | None = None, keep: str | None = None
) -> int:
    """Revoke a staff member's live tokens (of one kind), all but the `keep` secret's,
    inside the caller's transaction. Returns how many."""
    statement = update(AccessToken).where(
        col(AccessToken.staff_id) == staff_id, col(AccessToken.revoked_at).is_(None)
    )
    if kind is not None:
        statement = statement.where(col(AccessToken.kind) == kind.value)
    if keep is not None:
        statement = statement.where(col(AccessToken.token_hash) != hash_secret(keep))
    result = await uow.session.exec(statement.values(revoked_at=uow.now()))
    return int(result.rowcount)


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if len(cleaned) > TOKEN_NAME_MAX:
        raise RuleViolation("token_name_too_long", max=TOKEN_NAME_MAX)
    return cleaned or "API"


@dataclass(frozen=True)
class NewApiToken:
    """A new API token and its secret: shown to its owner once, kept nowhere."""

    info: TokenInfo
    secret: str


async def create_api_token_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    name: str,
    current_password: str,
    ttl: dt.timedelta,
) -> NewApiToken:
    """A personal API token for the acting staff member, valid for `ttl`; its secret
    is shown only now.

    The owner confirms with their current password: whoever finds a signed-in
    browser or a token must not be able to make themselves a key of their own. The
    token acts with its owner's rights, checked by each service as for the web.
    """
    cleaned = _clean_name(name)
    staff = await load_staff(uow, actor)
    # An account without a password has nothing to confirm with: it gets no token.
    if not await asyncio.to_thread(verify_password, staff.password_hash, current_password):
        raise Forbidden("wrong_current_password")
    issued = issue_token(uow, staff, kind=TokenKind.api, name=cleaned, ttl=ttl)
    await uow.session.flush()
    uow.audit(issued.token, school_id=staff.school_id, action="create", actor_id=staff.id)
    return NewApiToken(TokenInfo.of(issued.token), issued.secret)


create_api_token = transactional(create_api_token_in)


async def list_api_tokens(uow: UnitOfWork, *, actor: StaffActor) -> list[TokenInfo]:
    """The acting staff member's API tokens not revoked yet, newest first (reads only).

    Expired ones are listed too (`TokenInfo.expired`), so an owner whose program
    stopped sees why, and revokes them to clear the list."""
    async with uow:
        staff = await load_staff(uow, actor)
        query = (
            select(AccessToken)
            .where(
                AccessToken.staff_id == staff.id,
                AccessToken.kind == TokenKind.api.value,
                col(AccessToken.revoked_at).is_(None),
            )
            .order_by(col(AccessToken.created_at).desc(), col(AccessToken.id).desc())
        )
        return [TokenInfo.of(token) for token in (await uow.session.exec(query)).all()]


async def revoke_api_token_in(uow: UnitOfWork, *, actor: StaffActor, token_id: int) -> TokenInfo:
    """Revoke one of one's own API tokens; someone else's does not exist for you."""
    staff = await load_staff(uow, actor)
    token = await uow.session.get(AccessToken, token_id)
    if token is None or token.staff_id != staff.id or token.kind != TokenKind.api.value:
        raise NotFound(what="token")
    if token.revoked_at is not None:
        raise RuleViolation("token_already_revoked", name=token.name)
    old = snapshot(token)
    token.revoked_at = uow.now()
    await uow.save(token, school_id=staff.school_id, action="update", actor_id=staff.id, old=old)
    return TokenInfo.of(token)


revoke_api_token = transactional(revoke_api_token_in)
