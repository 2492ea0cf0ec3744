"""Schema migrations (Alembic, configured in code) for SQLite and PostgreSQL.

Migrations run on a connection from `core.db.Database`, so they see the same
SQLite pragmas as the application, inside one transaction (both backends have
transactional DDL: a failed upgrade leaves the schema as it was).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import core.models  # noqa: F401  (registers every table on SQLModel.metadata)
from core.db import Database

VERSIONS_DIR = Path(__file__).parent / "migrations" / "versions"
# alembic_version.version_num is VARCHAR(32): "0001_" plus a slug must fit.
_MAX_SLUG = 26


def alembic_config() -> Config:
    """Alembic's configuration without an ini file."""
    config = Config()
    config.set_main_option("script_location", "core:migrations")
    # Files are named by revision id alone; ids are "0001_initial", "0002_...".
    config.set_main_option("file_template", "%%(rev)s")
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def _on_connection(url: str, action: Callable[[Connection], Any]) -> Any:
    db = Database(url)
    try:
        async with db.engine.begin() as connection:
            return await connection.run_sync(action)
    finally:
        await db.dispose()


def _run_command(connection: Connection, run: Callable[[Config], Any]) -> Any:
    config = alembic_config()
    config.attributes["connection"] = connection
    return run(config)


async def upgrade_database(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (the latest by default)."""

    def upgrade(connection: Connection) -> None:
        _run_command(connection, lambda config: command.upgrade(config, revision))

    await _on_connection(url, upgrade)


async def downgrade_database(url: str, revision: str) -> None:
    """Take the database at `url` back to `revision` (every migration has a downgrade)."""

    def downgrade(connection: Connection) -> None:
        _run_command(connection, lambda config: command.downgrade(config, revision))

    await _on_connection(url, downgrade)


async def current_revision(url: str) -> str | None:
    """The revision the database at `url` is at; None when it was never migrated."""

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    result: str | None = await _on_connection(url, read)
    return result


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))


async def check_migrations_match_models(url: str) -> list[Any]:
    """What the models have that the database at `url` lacks, or the reverse.

    Empty when the schema there is exactly what the models describe. Each item is
    an Alembic diff tuple such as `("add_column", None, "mark", Column(...))`.
    """
    result: list[Any] = await _on_connection(url, _differences)
    return result


async def check_migrations_on_scratch_database() -> list[Any]:
    """Apply every migration to an empty SQLite file and compare it with the models."""
    with tempfile.TemporaryDirectory(prefix="zvonok-migrate-") as scratch:
        url = f"sqlite:///{Path(scratch) / 'scratch.db'}"
        await upgrade_database(url)
        return await check_migrations_match_models(url)


def next_revision_id(message: str) -> str:
    """`0003_add_quiet_hours` for the third revision titled "add quiet hours"."""
    numbers = [int(p.name[:4]) for p in VERSIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py")]
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:_MAX_SLUG].rstrip("_")
    return f"{max(numbers, default=0) + 1:04d}_{slug or 'revision'}"


async def generate_revision(message: str) -> Path:
    """Autogenerate the next revision from the models' difference with the migrations.

    Compares against a scratch SQLite database brought to the current head, so the
    result does not depend on the state of anyone's own database.
    """
    rev_id = next_revision_id(message)
    with tempfile.TemporaryDirectory(prefix="zvonok-revision-") as scratch:
        url = f"sqlite:///{Path(scratch) / 'scratch.db'}"
        await upgrade_database(url)

        def autogenerate(connection: Connection) -> None:
            _run_command(
                connection,
                lambda config: command.revision(
                    config, message=message, autogenerate=True, rev_id=rev_id
                ),
            )

        await _on_connection(url, autogenerate)
    return VERSIONS_DIR / f"{rev_id}.py"
