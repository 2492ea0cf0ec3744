"""Lock-out after repeated failed sign-ins (seed 002 §4: no access without one's own login).

`MAX_FAILURES` wrong passwords for one login within `FAILURE_WINDOW` close that login
for `BLOCK_FOR`; a successful sign-in forgets the failures. Counting is by login as
typed, known or not (see `LoginThrottle`), so the lock-out tells an attacker nothing
about which logins exist.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from core.models import LoginThrottle, School, Staff
from core.uow import UnitOfWork

MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
BLOCK_FOR = dt.timedelta(minutes=15)
# Logins longer than any valid one are cut, so junk input cannot grow the table's keys.
_LOGIN_KEY_LENGTH = 64


def login_key(login: str) -> str:
    """The login as accounts store it: trimmed, lower case."""
    return login.strip().lower()[:_LOGIN_KEY_LENGTH]


def blocked_until(throttle: LoginThrottle | None, now: dt.datetime) -> dt.datetime | None:
    """Until when the login is closed, or None when it is open at `now`."""
    if throttle is None or throttle.blocked_until is None or throttle.blocked_until <= now:
        return None
    return throttle.blocked_until


def throttle_query(key: str) -> SelectOfScalar[LoginThrottle]:
    """The throttle row of a login key (see `login_key`)."""
    return select(LoginThrottle).where(LoginThrottle.login == key)


async def _throttle_for_update(uow: UnitOfWork, key: str) -> LoginThrottle:
    """The login's row, locked for this transaction (created on its first failure)."""
    query = throttle_query(key).with_for_update()
    row = (await uow.session.exec(query)).first()
    if row is not None:
        return row
    try:
        async with uow.session.begin_nested():
            row = LoginThrottle(login=key)
            uow.session.add(row)
    except IntegrityError:
        # Two failures for a new login at once (PostgreSQL): the other one created it.
        row = (await uow.session.exec(query)).one()
    return row


async def record_failure(uow: UnitOfWork, login: str) -> dt.datetime | None:
    """Count a failed sign-in (inside the caller's transaction); the block's end if
    this failure closed the login."""
    now = uow.now()
    key = login_key(login)
    await _forget_stale(uow, key, now)
    row = await _throttle_for_update(uow, key)
    if row.window_started_at is None or row.window_started_at + FAILURE_WINDOW <= now:
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures >= MAX_FAILURES:
        row.blocked_until = now + BLOCK_FOR
        row.failures, row.window_started_at = 0, None
    uow.session.add(row)
    return row.blocked_until if row.blocked_until and row.blocked_until > now else None


async def _forget_stale(uow: UnitOfWork, key: str, now: dt.datetime) -> None:
    """Drop other logins' rows that no longer count: guessed logins leave no litter."""
    window_over = col(LoginThrottle.window_started_at).is_(None) | (
        col(LoginThrottle.window_started_at) <= now - FAILURE_WINDOW
    )
    block_over = col(LoginThrottle.blocked_until).is_(None) | (
        col(LoginThrottle.blocked_until) <= now
    )
    await uow.session.exec(
        delete(LoginThrottle).where(col(LoginThrottle.login) != key, window_over, block_over)
    )


async def forget_failures(uow: UnitOfWork, login: str) -> None:
    """A successful sign-in: the login starts afresh."""
    row = (await uow.session.exec(throttle_query(login_key(login)))).first()
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
