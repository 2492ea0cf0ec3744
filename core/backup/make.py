"""`zvonok backup`: snapshot, pack, encrypt, copy to every destination, rotate, record.

A destination that is down does not stop the others: its failure is recorded and
reported, the good copies stay. Nothing here is all-or-nothing across destinations;
each copy is all-or-nothing on its own (written under a temporary name, then renamed).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from core.backup.bundle import backup_name, created_of, pack
from core.backup.config import BackupConfig
from core.backup.destinations import Destination
from core.backup.manifest import Manifest, file_sha256
from core.backup.rotation import Retention, to_keep
from core.backup.runs import Copy, record_runs
from core.backup.snapshot import take_snapshot
from core.db import Database
from core.errors import ZvonokError
from core.models import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackupReport:
    name: str
    size: int | None
    sha256: str | None
    copies: list[Copy]
    manifest: Manifest | None
    error: str | None = None  # the snapshot itself failed: no copy anywhere

    @property
    def ok(self) -> bool:
        return self.error is None and all(copy.ok for copy in self.copies)


def rotate(target: Destination, retention: Retention) -> tuple[str, ...]:
    """Delete the backups at `target` that the retention no longer keeps."""
    made = {name: at for s in target.list() if (at := created_of(name := s.name)) is not None}
    keep = to_keep(made.values(), retention)
    removed = tuple(sorted(name for name, at in made.items() if at not in keep))
    for name in removed:
        target.delete(name)
    return removed


def copy_to(target: Destination, source: Path, name: str, retention: Retention) -> Copy:
    """Copy and rotate at one destination; any failure is the destination's, reported."""
    try:
        target.put(source, name)
    except Exception as error:
        log.warning("backup %s to %s failed: %s", name, target.label, error)
        return Copy(target.label, ok=False, error=f"{type(error).__name__}: {error}")
    try:
        removed = rotate(target, retention)
    except Exception as error:
        log.warning("rotation at %s failed: %s", target.label, error)
        return Copy(target.label, ok=True, error=f"rotation: {error}")
    return Copy(target.label, ok=True, removed=removed)


async def build(config: BackupConfig, work: Path, created: dt.datetime) -> tuple[Path, Manifest]:
    """The encrypted backup file, assembled in `work`."""
    root = work / "snapshot"
    root.mkdir()
    manifest = await take_snapshot(config.database_url, root, created, pg_bin_dir=config.pg_bin_dir)
    target = work / backup_name(created)
    complete = await asyncio.to_thread(pack, root, manifest, target, config.identity)
    return target, complete


async def make_backup(
    db: Database, config: BackupConfig, *, clock: Callable[[], dt.datetime] = utcnow
) -> BackupReport:
    """Make one backup and copy it to every destination; the run is recorded in `db`."""
    targets = config.require_destinations()
    started = clock()
    name = backup_name(started)
    config.work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=config.work_dir, prefix="backup-") as temporary:
        try:
            path, manifest = await build(config, Path(temporary), started)
        except (ZvonokError, OSError, ValueError, SQLAlchemyError) as error:
            detail = error.message() if isinstance(error, ZvonokError) else str(error)
            copies = [Copy(t.label, ok=False, error=f"snapshot: {detail}") for t in targets]
            report = BackupReport(name, None, None, copies, None, error=detail)
        else:
            size, sha = path.stat().st_size, await asyncio.to_thread(file_sha256, path)
            copies = list(
                await asyncio.gather(
                    *(asyncio.to_thread(copy_to, t, path, name, config.retention) for t in targets)
                )
            )
            report = BackupReport(name, size, sha, copies, manifest)
    await record_runs(
        db,
        report.copies,
        name=name,
        started=started,
        finished=clock(),
        size=report.size,
        sha256=report.sha256,
    )
    return report
