"""The builders' school, built once per test process and copied for each SQLite test.

`tests.builders.build_world` writes about forty rows through the ORM, a few hundredths
of a second each time; some eight hundred tests start with it. On SQLite the result is
a file: the first build in a process is kept as a template, and each later test whose
database is a fresh, still empty copy made by the `db` fixtures (`register_fresh`)
gets a copy of that file instead (about a millisecond) and an equal `World`. Any other
database is built into as before: one that holds rows (a test that writes first and
builds after loses nothing), and one that other processes may hold open (the
end-to-end tests' shared file). PostgreSQL builds every time.
"""

from __future__ import annotations

import copy
import io
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import text
from sqlmodel import SQLModel

from core.db import Database, sqlite_path

W = TypeVar("W")
_KEPT: dict[str, tuple[Path, object]] = {}
_FRESH: set[Path] = set()
_FRESH_POSTGRES: set[int] = set()  # id() of Database objects the fixtures just emptied


@dataclass(frozen=True)
class _Rows:
    """The builders' world on PostgreSQL: each non-empty table's rows (binary COPY) and
    each sequence's (last_value, is_called)."""

    tables: dict[str, bytes]
    sequences: dict[str, tuple[int, bool]]
    world: object


_KEPT_POSTGRES: dict[str, _Rows] = {}


def register_fresh(path: Path) -> None:
    """`path` is a new copy of the empty database that only this test uses."""
    _FRESH.add(path)


def register_fresh_postgres(db: Database) -> None:
    """`db` was just emptied, its sequences rewound, and only this test uses it (the one
    fresh PostgreSQL database of the test: earlier ones are forgotten, their ids may be
    reused)."""
    _FRESH_POSTGRES.clear()
    _FRESH_POSTGRES.add(id(db))


_COUNT_ALL = " + ".join(
    f'(SELECT count(*) FROM "{table.name}")' for table in SQLModel.metadata.sorted_tables
)


async def built_once(db: Database, build: Callable[[Database], Awaitable[W]]) -> W:
    """`build(db)`, or a copy of its first result in this process when `db` is an
    empty SQLite file."""
    if not db.is_sqlite:
        return await _built_once_postgres(db, build)
    path = sqlite_path(db.url)
    if path is None or path not in _FRESH:
        return await build(db)
    _FRESH.discard(path)
    if not await _empty(db):
        return await build(db)
    kept = _KEPT.get("world")
    if kept is None:
        world = await build(db)
        await db.engine.dispose()  # the last connection closing folds the WAL into the file
        if _folded(path):
            template = Path(tempfile.mkdtemp(prefix="zvonok-world-")) / "world.db"
            shutil.copyfile(path, template)
            _KEPT["world"] = (template, copy.deepcopy(world))
        return world
    template, world = kept
    await db.engine.dispose()
    _replace(path, template)
    return copy.deepcopy(world)  # type: ignore[return-value]


async def _built_once_postgres(db: Database, build: Callable[[Database], Awaitable[W]]) -> W:
    if id(db) not in _FRESH_POSTGRES:
        return await build(db)
    _FRESH_POSTGRES.discard(id(db))
    kept = _KEPT_POSTGRES.get("world")
    if kept is None:
        world = await build(db)
        _KEPT_POSTGRES["world"] = await _copy_rows(db, copy.deepcopy(world))
        return world
    async with db.engine.begin() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        for table, data in kept.tables.items():
            await raw.copy_to_table(table, source=io.BytesIO(data), format="binary")
        for sequence, (value, called) in kept.sequences.items():
            await raw.execute("SELECT setval($1::regclass, $2, $3)", sequence, value, called)
    return copy.deepcopy(kept.world)  # type: ignore[return-value]


async def _copy_rows(db: Database, world: object) -> _Rows:
    tables: dict[str, bytes] = {}
    sequences: dict[str, tuple[int, bool]] = {}
    async with db.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        for table in SQLModel.metadata.sorted_tables:
            if await raw.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{table.name}")'):
                out = io.BytesIO()
                await raw.copy_from_table(table.name, output=out, format="binary")
                tables[table.name] = out.getvalue()
        for row in await raw.fetch(
            "SELECT c.oid::regclass::text AS name FROM pg_class c WHERE c.relkind = 'S'"
        ):
            value, called = await raw.fetchrow(f"SELECT last_value, is_called FROM {row['name']}")
            sequences[row["name"]] = (value, called)
    return _Rows(tables=tables, sequences=sequences, world=world)


def _folded(path: Path) -> bool:
    """Is the whole database in its main file (no write-ahead log left beside it)?"""
    wal = Path(f"{path}-wal")
    return not wal.exists() or wal.stat().st_size == 0


def _replace(path: Path, template: Path) -> None:
    """The database file becomes a copy of the template (no connection is open)."""
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, path)


async def _empty(db: Database) -> bool:
    async with db.engine.connect() as conn:
        return (await conn.execute(text(f"SELECT {_COUNT_ALL}"))).scalar_one() == 0


def forget_template() -> None:
    """Remove the template file (at the end of the test process)."""
    for template, _world in _KEPT.values():
        shutil.rmtree(template.parent, ignore_errors=True)
    _KEPT.clear()
    _KEPT_POSTGRES.clear()
