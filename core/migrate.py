"""Schema migrations (Alembic, configured in code) for SQLite and PostgreSQL.

Migrations run on a connection from `core.db.Database`, so they see the same
SQLite pragmas as the application, inside one transaction (both backends have
transactional DDL: a failed upgrade leaves the schema as it was). On SQLite, foreign
keys are off while they run and checked before the commit: SQLite changes a table
(a CHECK constraint, say) by copying it, and dropping the old copy would otherwise
trip every key that points at it (SQLite's own "making other kinds of table schema
changes" procedure).

Migrations are append-only: a revision, once released, is never edited (its hash is
pinned by tests/integration/test_migrations.py); a change is the next revision.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CheckConstraint, Table, event, inspect
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


class ForeignKeysBroken(RuntimeError):
    """A migration left rows whose foreign key points nowhere (SQLite): rolled back."""


def _without_foreign_keys(db: Database) -> None:
    # Registered after Database's own "connect" hook, so it runs after `foreign_keys=ON`;
    # the pragma only takes effect outside a transaction, hence at connect time.
    @event.listens_for(db.engine.sync_engine, "connect")
    def keys_off(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.close()


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise ForeignKeysBroken(f"rows with broken foreign keys: {broken[:10]}")


async def _on_connection(
    url: str, action: Callable[[Connection], Any], *, migrating: bool = False
) -> Any:
    db = Database(url)
    sqlite_migration = migrating and db.is_sqlite
    if sqlite_migration:
        _without_foreign_keys(db)
    try:
        async with db.engine.begin() as connection:
            result = await connection.run_sync(action)
            if sqlite_migration:
                await connection.run_sync(_check_foreign_keys)
            return result
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

    await _on_connection(url, upgrade, migrating=True)


async def downgrade_database(url: str, revision: str) -> None:
    """Take the database at `url` back to `revision` (every migration has a downgrade)."""

    def downgrade(connection: Connection) -> None:
        _run_command(connection, lambda config: command.downgrade(config, revision))

    await _on_connection(url, downgrade, migrating=True)


async def current_revision(url: str) -> str | None:
    """The revision the database at `url` is at; None when it was never migrated."""

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    result: str | None = await _on_connection(url, read)
    return result


def _sql(text: object) -> str:
    return " ".join(str(text).split())


def _where(options: Mapping[str, Any], dialect: str) -> str | None:
    where = options.get(f"{dialect}_where")
    return None if where is None else _sql(where)


def _check_differences(inspector: Any, table: Table, exact: bool) -> list[tuple[str, str, str]]:
    """CHECK constraints by name (Alembic does not compare them), and on SQLite, which
    keeps the SQL as written, by text."""
    wanted = {
        str(c.name): _sql(c.sqltext) for c in table.constraints if isinstance(c, CheckConstraint)
    }
    have = {str(c["name"]): _sql(c["sqltext"]) for c in inspector.get_check_constraints(table.name)}
    found = [("add_check", table.name, name) for name in sorted(wanted.keys() - have.keys())]
    found += [("remove_check", table.name, name) for name in sorted(have.keys() - wanted.keys())]
    if exact:
        changed = sorted(n for n in wanted.keys() & have.keys() if wanted[n] != have[n])
        found += [("modify_check", table.name, name) for name in changed]
    return found


def _partial_index_differences(
    inspector: Any, table: Table, dialect: str
) -> list[tuple[str, str, str]]:
    """Indexes partial in one and whole in the other (Alembic compares their columns
    only); on SQLite also a differing WHERE."""
    wanted = {str(i.name): _where(i.dialect_kwargs, dialect) for i in table.indexes}
    have = {
        str(i["name"]): _where(i.get("dialect_options", {}), dialect)
        for i in inspector.get_indexes(table.name)
    }
    exact = dialect == "sqlite"
    return [
        ("modify_index_where", table.name, name)
        for name in sorted(wanted.keys() & have.keys())
        if (wanted[name] is None) != (have[name] is None) or (exact and wanted[name] != have[name])
    ]


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    inspector, dialect = inspect(connection), connection.dialect.name
    found: list[Any] = list(compare_metadata(context, SQLModel.metadata))
    for table in SQLModel.metadata.sorted_tables:
        found += _check_differences(inspector, table, exact=dialect == "sqlite")
        found += _partial_index_differences(inspector, table, dialect)
    return found


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
