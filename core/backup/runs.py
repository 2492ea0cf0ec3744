"""The record of backups: one `BackupRun` row per backup and destination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from core.db import Database
from core.models import BackupRun
from core.uow import UnitOfWork


@dataclass(frozen=True)
class Copy:
    """How one destination fared with one backup."""

    destination: str
    ok: bool
    error: str | None = None
    removed: tuple[str, ...] = ()  # older backups the rotation deleted there


async def record_runs(
    db: Database,
    copies: Iterable[Copy],
    *,
    name: str,
    started: dt.datetime,
    finished: dt.datetime,
    size: int | None,
    sha256: str | None,
) -> None:
    """Keep the run's outcome at each destination (one transaction)."""
    async with UnitOfWork(db) as uow:
        for copy in copies:
            uow.session.add(
                BackupRun(
                    started_at=started,
                    finished_at=finished,
                    destination=copy.destination,
                    name=name,
                    size=size if copy.ok else None,
                    sha256=sha256 if copy.ok else None,
                    ok=copy.ok,
                    error=None if copy.ok else (copy.error or "")[:2000],
                )
            )
        await uow.commit()
