"""How the backups fare, per destination: the newest good copy, its age and size, and
the failures since it (the administrator's page; the stale-backup alert).

Read from the record of runs (`BackupRun`, written by core/backup/runs.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.actors import StaffActor
from core.models import BackupRun
from core.permissions import setup_manager
from core.uow import UnitOfWork

DEFAULT_MAX_AGE = dt.timedelta(hours=26)  # a nightly backup missed by more than two hours


@dataclass(frozen=True)
class DestinationStatus:
    destination: str
    last_good_at: dt.datetime | None  # when the newest good copy was finished
    last_good_name: str | None
    last_good_size: int | None
    age: dt.timedelta | None  # now minus last_good_at
    failures: int  # failed copies since the newest good one (all, when none was good)
    last_error: str | None  # the newest failure's error, if it is newer than the good copy
    stale: bool  # no good copy, or the newest is older than the allowed age


async def _newest(session: AsyncSession, destination: str, *, ok: bool) -> BackupRun | None:
    query = (
        select(BackupRun)
        .where(BackupRun.destination == destination, BackupRun.ok == ok)
        .order_by(col(BackupRun.finished_at).desc(), col(BackupRun.id).desc())
        .limit(1)
    )
    return (await session.exec(query)).first()


async def _failures_since(
    session: AsyncSession, destination: str, since: dt.datetime | None
) -> int:
    query = select(func.count()).where(
        BackupRun.destination == destination,
        BackupRun.ok == False,  # noqa: E712
    )
    if since is not None:
        query = query.where(col(BackupRun.finished_at) > since)
    return int((await session.exec(query)).one())


async def destination_status(
    session: AsyncSession, destination: str, *, now: dt.datetime, max_age: dt.timedelta
) -> DestinationStatus:
    good = await _newest(session, destination, ok=True)
    bad = await _newest(session, destination, ok=False)
    since = good.finished_at if good else None
    failures = await _failures_since(session, destination, since)
    age = now - good.finished_at if good else None
    newer_failure = bad is not None and (since is None or bad.finished_at > since)
    return DestinationStatus(
        destination=destination,
        last_good_at=since,
        last_good_name=good.name if good else None,
        last_good_size=good.size if good else None,
        age=age,
        failures=failures,
        last_error=bad.error if bad is not None and newer_failure else None,
        stale=age is None or age > max_age,
    )


async def stale_backups(
    session: AsyncSession,
    *,
    destinations: Sequence[str],
    now: dt.datetime,
    max_age: dt.timedelta = DEFAULT_MAX_AGE,
) -> list[DestinationStatus]:
    """The destinations whose newest good backup is older than `max_age` (or that have
    none): what the administrator is to be told. Empty when every copy is fresh."""
    found = [await destination_status(session, d, now=now, max_age=max_age) for d in destinations]
    return [status for status in found if status.stale]


async def read_backup_status(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    destinations: Sequence[str],
    max_age: dt.timedelta = DEFAULT_MAX_AGE,
) -> list[DestinationStatus]:
    """Every configured destination's status, for the administrator only."""
    async with uow:
        await setup_manager(uow, actor)
        now = uow.now()
        return [
            await destination_status(uow.session, d, now=now, max_age=max_age) for d in destinations
        ]
