"""`zvonok backup --drill`: restore the newest backup into a scratch database and verify
it, so a school proves its backups work (and not only that files exist).

The scratch database is a temporary SQLite file, or for PostgreSQL a database made
beside the school's (`<name>_drill_<random>`, dropped afterwards; the role needs
CREATEDB), unless one is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from core.backup.bundle import created_of
from core.backup.config import BackupConfig
from core.backup.destinations import Destination
from core.backup.restore import RestoreReport, restore_file
from core.errors import BackupError


@dataclass(frozen=True)
class DrillReport:
    name: str
    destination: str
    restore: RestoreReport
    unreachable: list[str]  # destinations that could not be listed

    @property
    def ok(self) -> bool:
        return self.restore.ok


async def newest(destinations: list[Destination]) -> tuple[Destination, str, list[str]]:
    """The newest backup found in any destination, where it is, and who was unreachable."""
    best: tuple[Destination, str] | None = None
    unreachable: list[str] = []
    for target in destinations:
        try:
            stored = await asyncio.to_thread(target.list)
        except Exception:
            unreachable.append(target.label)
            continue
        for item in stored:
            if created_of(item.name) and (best is None or item.name > best[1]):
                best = (target, item.name)
    if best is None:
        labels = ", ".join(t.label for t in destinations)
        raise BackupError("no_backups_found", destinations=labels)
    return best[0], best[1], unreachable


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def scratch_database(url: str, directory: Path) -> AsyncIterator[str]:
    """An empty database of the same engine as `url`, removed afterwards."""
    if url.startswith("sqlite"):
        yield f"sqlite:///{directory / 'drill.db'}"
        return
    parsed = make_url(url)
    name = f"{parsed.database}_drill_{secrets.token_hex(4)}"
    await _admin(url, f'CREATE DATABASE "{name}"')
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def run_drill(config: BackupConfig, *, scratch_url: str | None = None) -> DrillReport:
    """Fetch the newest backup, restore it into a scratch database, verify it."""
    target, name, unreachable = await newest(config.require_destinations())
    with tempfile.TemporaryDirectory(prefix="zvonok-drill-") as temporary:
        work = Path(temporary)
        await asyncio.to_thread(target.fetch, name, work / name)
        if scratch_url is not None:
            report = await _restore(config, work / name, scratch_url)
        else:
            async with scratch_database(config.database_url, work) as into:
                report = await _restore(config, work / name, into)
    return DrillReport(name, target.label, report, unreachable)


async def _restore(config: BackupConfig, source: Path, into: str) -> RestoreReport:
    return await restore_file(
        source, into=into, identity=config.identity, pg_bin_dir=config.pg_bin_dir
    )
