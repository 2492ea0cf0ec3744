"""The database a benchmark runs on: a temp SQLite file, or a throw-away PostgreSQL database.

SQLite is the default (one file, nothing to set up). `--postgres URL` (or
BENCH_POSTGRES_URL) names a server on which a fresh database is created for the run
and dropped after it, to see what the pipeline does without SQLite's single writer.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url


def add_database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL"),
        metavar="URL",
        help="run on a throw-away database on this PostgreSQL server instead of SQLite "
        "(e.g. postgresql://postgres@127.0.0.1:5432/postgres; default $BENCH_POSTGRES_URL)",
    )


@contextlib.asynccontextmanager
async def temporary_database(directory: Path, postgres: str | None) -> AsyncIterator[str]:
    """Yield the URL of an empty database, removed afterwards with `directory` or DROP."""
    if postgres is None:
        yield f"sqlite:///{directory / 'bench.db'}"
        return
    name = f"zvonok_bench_{uuid.uuid4().hex[:12]}"
    server = make_url(postgres).set(drivername="postgresql")
    admin = await asyncpg.connect(server.render_as_string(hide_password=False))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
