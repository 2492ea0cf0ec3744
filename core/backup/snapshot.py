"""A consistent snapshot of the running database, and what the manifest says of it.

SQLite: the online backup API copies the database page by page in one read
transaction while the system keeps writing; the manifest is read from the copy.
PostgreSQL: one REPEATABLE READ transaction exports its snapshot, pg_dump dumps that
very snapshot (`--snapshot`), and the manifest is read in the same transaction, so
the dump and its checksums describe the same instant.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from core.audit.chain import ChainHead, read_heads
from core.backup import postgres
from core.backup.contents import Document, TableSum, export_documents, table_sums
from core.backup.manifest import Manifest
from core.db import normalize_url, sqlite_path

SQLITE_PART = "database/zvonok.sqlite3"
POSTGRES_PART = "database/zvonok.pgdump"


@dataclass(frozen=True)
class Contents:
    revision: str | None
    tables: dict[str, TableSum]
    heads: list[ChainHead]
    documents: list[Document]


async def revision_of(connection: AsyncConnection) -> str | None:
    def has_version_table(sync: object) -> bool:
        return bool(inspect(sync).has_table("alembic_version"))

    if not await connection.run_sync(has_version_table):
        return None
    found = await connection.execute(text("SELECT version_num FROM alembic_version"))
    return found.scalar_one_or_none()


async def audit_heads(connection: AsyncConnection) -> list[ChainHead]:
    async with AsyncSession(bind=connection) as session:
        return list((await read_heads(session)).values())


async def read_contents(connection: AsyncConnection, root: Path | None) -> Contents:
    """Tables, chain heads and documents in this connection's transaction; the documents
    are written under `root` when given."""
    documents = await export_documents(connection, root) if root is not None else []
    return Contents(
        revision=await revision_of(connection),
        tables=await table_sums(connection),
        heads=await audit_heads(connection),
        documents=documents,
    )


def copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy while others write, as one file."""
    reader = sqlite3.connect(source)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
        writer.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
    finally:
        writer.close()
        reader.close()


async def read_sqlite_file(path: Path, root: Path | None) -> Contents:
    """The contents of a SQLite file, opened without the application's pragmas (which
    would turn it back to WAL)."""
    engine = create_async_engine(normalize_url(f"sqlite:///{path}"))
    try:
        async with engine.connect() as connection, connection.begin():
            return await read_contents(connection, root)
    finally:
        await engine.dispose()


async def _snapshot_sqlite(url: str, root: Path, created: dt.datetime) -> Manifest:
    source = sqlite_path(url)
    if source is None:
        raise ValueError("a SQLite backup needs a database file")
    target = root / SQLITE_PART
    target.parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(copy_sqlite, source, target)
    found = await read_sqlite_file(target, root)
    return Manifest(created, "sqlite", found.revision, found.tables, found.heads, found.documents)


async def server_major(connection: AsyncConnection) -> int:
    number = (await connection.execute(text("SHOW server_version_num"))).scalar_one()
    return int(number) // 10000


async def _snapshot_postgres(
    url: str, root: Path, created: dt.datetime, bin_dir: Path | None
) -> Manifest:
    tool = await postgres.find_tool("pg_dump", bin_dir)
    target = root / POSTGRES_PART
    target.parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url)
    try:
        async with engine.connect() as plain:
            connection = await plain.execution_options(isolation_level="REPEATABLE READ")
            async with connection.begin():
                postgres.check_versions(tool, await server_major(connection))
                exported = await connection.execute(text("SELECT pg_export_snapshot()"))
                dumping = asyncio.ensure_future(
                    postgres.dump(tool, url, exported.scalar_one(), target)
                )
                try:
                    found = await read_contents(connection, root)
                finally:
                    # The snapshot lives as long as this transaction: pg_dump first.
                    await asyncio.wait([dumping])
                dumping.result()
    finally:
        await engine.dispose()
    return Manifest(
        created,
        "postgresql",
        found.revision,
        found.tables,
        found.heads,
        found.documents,
        pg_dump=tool.version,
    )


async def take_snapshot(
    url: str, root: Path, created: dt.datetime, *, pg_bin_dir: Path | None = None
) -> Manifest:
    """Write the database and the documents under `root`; their manifest (no parts yet)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        return await _snapshot_sqlite(url, root, created)
    return await _snapshot_postgres(url, root, created, pg_bin_dir)
