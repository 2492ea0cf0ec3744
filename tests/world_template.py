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
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import text
from sqlmodel import SQLModel

from core.db import Database, sqlite_path

W = TypeVar("W")
_KEPT: dict[str, tuple[Path, object]] = {}
_FRESH: set[Path] = set()


def register_fresh(path: Path) -> None:
    """`path` is a new copy of the empty database that only this test uses."""
    _FRESH.add(path)


_COUNT_ALL = " + ".join(
    f'(SELECT count(*) FROM "{table.name}")' for table in SQLModel.metadata.sorted_tables
)


async def built_once(db: Database, build: Callable[[Database], Awaitable[W]]) -> W:
    """`build(db)`, or a copy of its first result in this process when `db` is an
    empty SQLite file."""
    path = sqlite_path(db.url) if db.is_sqlite else None
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
