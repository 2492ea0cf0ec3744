"""`zvonok restore`: a backup into an empty database, then proof that it is whole.

The backup is decrypted (age refuses a changed byte), every part is checked against
the manifest, the database is loaded (SQLite: the snapshot copied in with the backup
API; PostgreSQL: pg_restore in one transaction) and read back: `verify.verify_restored`.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from core.backup import postgres
from core.backup.bundle import content_root, unpack
from core.backup.destinations import Destination
from core.backup.manifest import Manifest
from core.backup.snapshot import copy_sqlite
from core.backup.verify import Mismatch, verify_restored
from core.db import normalize_url, sqlite_path
from core.errors import BackupError


@dataclass(frozen=True)
class RestoreReport:
    source: str
    target: str  # the database URL, without its password
    manifest: Manifest
    mismatches: list[Mismatch]

    @property
    def ok(self) -> bool:
        return not self.mismatches


def shown_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def engine_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


async def count_tables(url: str) -> int:
    """Tables already in the target (0: empty, or not created yet)."""
    path = sqlite_path(url)
    if path is not None:
        if not path.exists() or path.stat().st_size == 0:
            return 0
        with sqlite3.connect(path) as connection:
            found = connection.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'"
            )
            return int(found.fetchone()[0])
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            count = text(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema "
                "NOT IN ('pg_catalog', 'information_schema')"
            )
            return int((await connection.execute(count)).scalar_one())
    finally:
        await engine.dispose()


async def _load(manifest: Manifest, content: Path, url: str, pg_bin_dir: Path | None) -> None:
    snapshot = content / manifest.database_part
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(copy_sqlite, snapshot, path)
        return
    tool = await postgres.find_tool("pg_restore", pg_bin_dir)
    postgres.check_versions(tool, int((manifest.pg_dump or "0").split(".")[0]))
    await postgres.restore(tool, snapshot, url)


async def _check(url: str, manifest: Manifest) -> list[Mismatch]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection, connection.begin():
            return await verify_restored(connection, manifest)
    finally:
        await engine.dispose()


async def restore_file(
    source: Path, *, into: str, identity: str, pg_bin_dir: Path | None = None
) -> RestoreReport:
    """Restore the backup file `source` into the empty database `into` and verify it."""
    url = normalize_url(into)
    with tempfile.TemporaryDirectory(prefix="zvonok-restore-") as temporary:
        manifest = await asyncio.to_thread(unpack, source, Path(temporary), identity)
        if manifest.engine != engine_of(url):
            raise BackupError(
                "restore_engine_mismatch", engine=manifest.engine, target=engine_of(url)
            )
        tables = await count_tables(url)
        if tables:
            raise BackupError("restore_target_not_empty", target=shown_url(url), count=tables)
        await _load(manifest, content_root(Path(temporary)), url, pg_bin_dir)
    return RestoreReport(str(source), shown_url(url), manifest, await _check(url, manifest))


def local_file(name: str) -> Path | None:
    given = Path(name).expanduser()
    return given if given.is_file() else None


async def fetch_backup(name: str, destinations: list[Destination], into: Path) -> Path:
    """A backup file by path, or by name from the first destination that has it."""
    given = local_file(name)
    if given is not None:
        return given
    for target in destinations:
        try:
            if any(stored.name == name for stored in await asyncio.to_thread(target.list)):
                await asyncio.to_thread(target.fetch, name, into / name)
                return into / name
        except Exception:  # noqa: S112  (a destination that is down: try the next)
            continue
    raise BackupError("backup_not_found", name=name)
