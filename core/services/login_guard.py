"""Lock-outs after failed sign-ins (seed 002 §4: no access without one's own login).

Every attempt comes from a *source*: the browser's device id when its cookie proves
it signed in with this login before (`core/known_devices.py`), else the client's
address. Three counters, each a `login_throttle` row, close for `BLOCK_FOR` once they
reach their limit within `FAILURE_WINDOW`:

1. **a login from one source** (`MAX_FAILURES`, 5) closes that login for that source
   only. An attacker hammering «admin» from one address closes «admin» for that
   address; the administrator still signs in from any other address, or from their
   own browser behind the same address (a known device is a source of its own).
2. **an address over every login** (`ADDRESS_MAX_FAILURES`, 20): one password
   sprayed over many logins from one address closes the address for every login,
   except for known devices (teachers behind the school's one NAT address keep
   signing in from their own browsers).
3. **a login from every address** (`LOGIN_MAX_FAILURES`, 50): many addresses, each
   under its own limit, guessing one login (a botnet) close the login for every
   address, but never for its known devices: the owner is not locked out.

A known device's failures count on its own row only, so a stolen device cookie
gives five tries per window and no more. Attempts made while closed are not
counted: nobody can keep a block alive from one address, whatever they send. A
success forgets its (login, source) row, not the others (an attacker who owns one
account must not clear an address's count by signing in). Counting is by login as
typed, known or not, so the lock-out tells nothing about which logins exist.

The client's address is what the web server reports: uvicorn takes it from
`X-Forwarded-For` only from a trusted proxy (`--forwarded-allow-ips`, or the
environment's `FORWARDED_ALLOW_IPS`; by default 127.0.0.1 and ::1, a proxy on the
same machine). An IPv6 address counts by its /64
network: one host usually holds a whole /64.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, not_, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.known_devices import known_device
from core.metrics import FAILED_LOGINS
from core.models import LoginThrottle, School, Staff
from core.uow import UnitOfWork

MAX_FAILURES = 5
ADDRESS_MAX_FAILURES = 20
LOGIN_MAX_FAILURES = 50
FAILURE_WINDOW = dt.timedelta(minutes=15)
BLOCK_FOR = dt.timedelta(minutes=15)
EVERY = ""  # the login or the source of a row that counts over all of them
# Logins longer than any valid one are cut, so junk input cannot grow the table's keys.
_KEY_LENGTH = 64

Key = tuple[str, str]  # (login, source)


@dataclass(frozen=True)
class Client:
    """Who is signing in, as the web server sees them."""

    address: str  # the client's IP address ("" when unknown)
    device_cookie: str = ""  # the browser's known-devices cookie
    device_key: str = ""  # the app's secret key, which signs that cookie ("": none)


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt's counters: its login and source, and whether the source is
    an address (then the address's and the login's counters apply as well)."""

    login: str
    source: str
    by_address: bool

    def keys(self) -> list[Key]:
        keys = [(self.login, self.source)]
        if self.by_address:
            keys += [(EVERY, self.source), (self.login, EVERY)]
        return sorted(keys)  # one lock order for every transaction: no deadlocks


@dataclass(frozen=True)
class Block:
    """Until when an attempt is refused, and the error code saying why."""

    until: dt.datetime
    code: str  # login_blocked, address_blocked or login_blocked_new_devices


def login_key(login: str) -> str:
    """The login as accounts store it: trimmed, lower case."""
    return login.strip().lower()[:_KEY_LENGTH]


def address_source(address: str) -> str:
    """The source of an address: «ip:203.0.113.5», an IPv6 address by its /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"ip:{address[:40]}"  # not an address (a test client's name): itself
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is None:
            return f"ip:{ipaddress.IPv6Network((ip, 64), strict=False)}"
        ip = ip.ipv4_mapped
    return f"ip:{ip}"


def attempt_of(login: str, client: Client) -> Attempt:
    """The counters a sign-in with `login` from `client` is checked against."""
    # An empty login must not become the "every login" row: "-" is no valid login.
    key = login_key(login) or "-"
    device = known_device(client.device_key, key, client.device_cookie)
    if device is not None:
        return Attempt(key, f"device:{device}", by_address=False)
    return Attempt(key, address_source(client.address), by_address=True)


def _rule(row: LoginThrottle) -> tuple[int, str]:
    """The row's limit and the error code of its block."""
    if row.login == EVERY:
        return ADDRESS_MAX_FAILURES, "address_blocked"
    if row.source == EVERY:
        return LOGIN_MAX_FAILURES, "login_blocked_new_devices"
    return MAX_FAILURES, "login_blocked"


def _block(rows: Sequence[LoginThrottle], now: dt.datetime) -> Block | None:
    """The block that holds longest among the rows, or None when all are open."""
    blocks = [
        Block(row.blocked_until, _rule(row)[1])
        for row in rows
        if row.blocked_until is not None and row.blocked_until > now
    ]
    return max(blocks, key=lambda block: block.until, default=None)


def _matching(keys: Sequence[Key]) -> ColumnElement[bool]:
    return or_(
        *(
            and_(col(LoginThrottle.login) == login, col(LoginThrottle.source) == source)
            for login, source in keys
        )
    )


async def current_block(session: AsyncSession, attempt: Attempt, now: dt.datetime) -> Block | None:
    """The block refusing this attempt at `now`, or None."""
    rows = (await session.exec(select(LoginThrottle).where(_matching(attempt.keys())))).all()
    return _block(rows, now)


async def _throttle_for_update(uow: UnitOfWork, key: Key) -> LoginThrottle:
    """The key's row, locked for this transaction (created on its first failure)."""
    query = select(LoginThrottle).where(_matching([key])).with_for_update()
    row = (await uow.session.exec(query)).first()
    if row is not None:
        return row
    try:
        async with uow.session.begin_nested():
            row = LoginThrottle(login=key[0], source=key[1])
            uow.session.add(row)
    except IntegrityError:
        # Two failures for a new key at once (PostgreSQL): the other one created it.
        row = (await uow.session.exec(query)).one()
    return row


def _count(row: LoginThrottle, now: dt.datetime) -> None:
    if row.blocked_until is not None and row.blocked_until > now:
        return  # closed already: attempts while closed do not count
    if row.window_started_at is None or row.window_started_at + FAILURE_WINDOW <= now:
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures >= _rule(row)[0]:
        row.blocked_until = now + BLOCK_FOR
        row.failures, row.window_started_at = 0, None


async def record_failure(uow: UnitOfWork, attempt: Attempt) -> Block | None:
    """Count a failed sign-in on each of its counters (inside the caller's
    transaction); the block now refusing the attempt's source, if any."""
    FAILED_LOGINS.inc()
    now = uow.now()
    keys = attempt.keys()
    rows = [await _throttle_for_update(uow, key) for key in keys]
    for row in rows:
        _count(row, now)
        uow.session.add(row)
    await _forget_stale(uow, keys, now)
    return _block(rows, now)


async def _forget_stale(uow: UnitOfWork, keys: Sequence[Key], now: dt.datetime) -> None:
    """Drop other rows that no longer count: guessed logins leave no litter.

    After this attempt's own rows are locked, and skipping rows another attempt has
    locked: two attempts never wait for each other here.
    """
    window_over = col(LoginThrottle.window_started_at).is_(None) | (
        col(LoginThrottle.window_started_at) <= now - FAILURE_WINDOW
    )
    block_over = col(LoginThrottle.blocked_until).is_(None) | (
        col(LoginThrottle.blocked_until) <= now
    )
    stale = (
        select(LoginThrottle.id)
        .where(not_(_matching(keys)), window_over, block_over)
        .with_for_update(skip_locked=True)
    )
    await uow.session.exec(delete(LoginThrottle).where(col(LoginThrottle.id).in_(stale)))


async def forget_failures(uow: UnitOfWork, attempt: Attempt) -> None:
    """A successful sign-in: the login starts afresh from this source."""
    own = select(LoginThrottle).where(_matching([(attempt.login, attempt.source)]))
    row = (await uow.session.exec(own)).first()
    if row is not None:
        await uow.session.delete(row)


async def local_time(
    session: AsyncSession, instant: dt.datetime, staff: Staff | None, now: dt.datetime
) -> dt.time | dt.datetime:
    """The time of day on the clock of the login's school (shown «10:15»), or the
    date and time when it is another day there.

    An unknown login is shown the first school's clock, the same one a district's
    only school would show, so the answer does not tell logins apart.
    """
    school: School | None = None
    if staff is not None:
        school = await session.get(School, staff.school_id)
    if school is None:
        query = select(School).order_by(col(School.id)).limit(1)
        school = (await session.exec(query)).first()
    zone = ZoneInfo(school.timezone if school is not None else "Europe/Moscow")
    local, today = instant.astimezone(zone), now.astimezone(zone).date()
    return local.time().replace(second=0, microsecond=0) if local.date() == today else local
