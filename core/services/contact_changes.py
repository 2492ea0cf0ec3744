"""A guardian's new email or phone, applied only once they typed back the code sent to it.

Nothing but the code itself is ever sent to an unconfirmed address: the guardian's
email and phone change only in `confirm_contact_change`. The code has six digits, so
it is kept as a salted hash, lives 15 minutes, and allows five wrong tries; a
guardian may ask for a handful of codes a day, so guessing one stays hopeless and
nobody can use the bot to flood someone else's mailbox or phone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select, update

from core.contacts import normalize_email, normalize_phone
from core.errors import RuleViolation
from core.models import ContactChange, Guardian
from core.reading.preferences import Acting, load_guardians
from core.uow import UnitOfWork, snapshot, transactional

CODE_DIGITS = 6
CODE_TTL = dt.timedelta(minutes=15)
MAX_WRONG_CODES = 5
MAX_REQUESTS_PER_DAY = 5


@dataclass(frozen=True)
class ContactCode:
    """A code to send to `address` (and nowhere else); shown once, never stored."""

    code: str
    channel: str  # email | sms
    address: str  # normalized: lower-case email, or E.164 phone
    expires_at: dt.datetime
    change_id: int


@dataclass(frozen=True)
class ContactConfirmed:
    channel: str
    address: str


def hash_code(code: str, salt: str | None = None) -> str:
    """«salt$sha256(salt:code)»: a database copy does not give codes away at a glance."""
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()
    return f"{salt}${digest}"


def code_matches(code: str, stored: str) -> bool:
    salt, _, _ = stored.partition("$")
    return hmac.compare_digest(hash_code(code.strip(), salt), stored)


def _normalize(channel: str, address: str) -> str:
    if channel == "email":
        return normalize_email(address)
    if channel == "sms":
        return normalize_phone(address)
    raise RuleViolation("bad_contact_channel", value=channel)


def _current(guardian: Guardian, channel: str) -> str | None:
    return guardian.email if channel == "email" else guardian.phone


async def _requests_today(uow: UnitOfWork, guardian_id: int) -> int:
    since = uow.now() - dt.timedelta(days=1)
    query = select(func.count()).where(
        ContactChange.guardian_id == guardian_id, col(ContactChange.created_at) > since
    )
    return int((await uow.session.exec(query)).one())


async def request_contact_change_in(
    uow: UnitOfWork, *, actor: Acting, channel: str, address: str
) -> ContactCode:
    """Start changing the guardian's email (`channel` "email") or phone ("sms").

    Returns the plain code for the caller to send to the new address; the guardian's
    details stay as they are until `confirm_contact_change` gets that code.
    """
    normalized = _normalize(channel, address)
    guardians = await load_guardians(uow, actor)
    primary = guardians[0]
    if all(_current(g, channel) == normalized for g in guardians):
        raise RuleViolation("contact_unchanged")
    if await _requests_today(uow, primary.id or 0) >= MAX_REQUESTS_PER_DAY:
        raise RuleViolation("contact_too_many")
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    change = ContactChange(
        school_id=primary.school_id,
        guardian_id=primary.id or 0,
        channel=channel,
        address=normalized,
        code_hash=hash_code(code),
        created_at=uow.now(),
        expires_at=uow.now() + CODE_TTL,
    )
    await uow.save(
        change,
        school_id=primary.school_id,
        action="create",
        actor_id=primary.id,
        actor_kind="guardian",
    )
    return ContactCode(code, channel, normalized, change.expires_at, change.id or 0)


request_contact_change = transactional(request_contact_change_in)


async def _latest_pending(uow: UnitOfWork, guardian_ids: list[int]) -> ContactChange | None:
    query = (
        select(ContactChange)
        .where(
            col(ContactChange.guardian_id).in_(guardian_ids),
            col(ContactChange.confirmed_at).is_(None),
            col(ContactChange.cancelled_at).is_(None),
        )
        .order_by(col(ContactChange.created_at).desc(), col(ContactChange.id).desc())
    )
    return (await uow.session.exec(query.limit(1))).first()


async def _count_wrong(uow: UnitOfWork, change: ContactChange) -> None:
    """One more wrong try, committed before the refusal is raised.

    Counted in the UPDATE itself: two tries at once must both count."""
    await uow.session.exec(
        update(ContactChange)
        .where(col(ContactChange.id) == change.id)
        .values(attempts=col(ContactChange.attempts) + 1)
        .execution_options(synchronize_session=False)
    )
    await uow.session.refresh(change)
    await uow.commit()
    if change.attempts >= MAX_WRONG_CODES:
        raise RuleViolation("contact_code_locked")
    raise RuleViolation("contact_code_wrong", left=MAX_WRONG_CODES - change.attempts)


async def confirm_contact_change_in(
    uow: UnitOfWork, *, actor: Acting, code: str
) -> ContactConfirmed:
    """Apply the latest pending change when `code` is its code; every other pending
    change of the guardian is cancelled. Refuses an expired or locked change."""
    guardians = await load_guardians(uow, actor)
    ids = [g.id or 0 for g in guardians]
    change = await _latest_pending(uow, ids)
    if change is None:
        raise RuleViolation("contact_no_pending")
    if change.attempts >= MAX_WRONG_CODES:
        raise RuleViolation("contact_code_locked")
    if change.expires_at <= uow.now():
        raise RuleViolation("contact_code_expired")
    if not code_matches(code, change.code_hash):
        await _count_wrong(uow, change)
    old = snapshot(change)
    change.confirmed_at = uow.now()
    await uow.save(
        change, action="update", actor_id=change.guardian_id, actor_kind="guardian", old=old
    )
    for guardian in guardians:
        await _apply(uow, guardian, change)
    await _cancel_others(uow, ids, keep=change.id or 0)
    return ContactConfirmed(change.channel, change.address)


confirm_contact_change = transactional(confirm_contact_change_in)


async def _apply(uow: UnitOfWork, guardian: Guardian, change: ContactChange) -> None:
    if _current(guardian, change.channel) == change.address:
        return
    old = snapshot(guardian)
    if change.channel == "email":
        guardian.email = change.address
    else:
        guardian.phone = change.address
    await uow.save(guardian, action="update", actor_id=guardian.id, actor_kind="guardian", old=old)


async def _cancel_others(uow: UnitOfWork, guardian_ids: list[int], *, keep: int) -> None:
    await uow.session.exec(
        update(ContactChange)
        .where(
            col(ContactChange.guardian_id).in_(guardian_ids),
            col(ContactChange.id) != keep,
            col(ContactChange.confirmed_at).is_(None),
            col(ContactChange.cancelled_at).is_(None),
        )
        .values(cancelled_at=uow.now())
        .execution_options(synchronize_session=False)
    )


async def cancel_contact_change_in(uow: UnitOfWork, *, actor: Acting) -> bool:
    """The guardian gave up: every pending change is cancelled; False when there was none."""
    ids = [g.id or 0 for g in await load_guardians(uow, actor)]
    if await _latest_pending(uow, ids) is None:
        return False
    await _cancel_others(uow, ids, keep=0)
    return True


cancel_contact_change = transactional(cancel_contact_change_in)
