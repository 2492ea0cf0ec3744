"""`zvonok backup` (and `--drill`, `--new-key`) and `zvonok restore`: the backups of
core/backup at the command line, for the school's IT person (docs/operations.md).

Exit codes: 0 all went well; 1 a destination failed (the good copies stay) or a
restore did not verify; 2 the configuration or the backup itself is unusable.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from core.backup.config import BackupConfig, backup_config
from core.backup.drill import DrillReport, run_drill
from core.backup.keys import new_identity, recipient_of
from core.backup.make import BackupReport, make_backup
from core.backup.restore import RestoreReport, fetch_backup, restore_file
from core.cli.common import LANGUAGE, console, fail, settings_or_exit, t
from core.db import Database
from core.errors import BackupError

BACKUP_HELP = t._(
    "Back up the database and the archived documents, encrypted, to every destination "
    "(ZVONOK_BACKUP_DESTINATIONS)."
)
RESTORE_HELP = t._(
    "Restore a backup (a file, or a name in a destination) into an empty database and "
    "verify it against its manifest."
)


def _config() -> BackupConfig:
    try:
        return backup_config(settings_or_exit())
    except BackupError as error:
        fail(error.message(LANGUAGE), code=2)


def _print_backup(report: BackupReport) -> None:
    if report.error:
        console.print(t._("[bold red]The snapshot failed:[/] %(error)s", error=report.error))
    else:
        console.print(
            t._(
                "Backup %(name)s: %(size)s bytes, SHA-256 %(sha)s",
                name=report.name,
                size=report.size,
                sha=report.sha256,
            )
        )
    table = Table(t._("Destination"), t._("Result"))
    for copy in report.copies:
        if copy.ok:
            shown = t._("[green]saved[/]")
            if copy.removed:
                shown += " " + t._("(rotation removed %(count)s)", count=len(copy.removed))
        else:
            shown = t._("[bold red]failed:[/] %(error)s", error=copy.error)
        table.add_row(copy.destination, shown)
    console.print(table)


def _print_restore(report: RestoreReport) -> None:
    manifest = report.manifest
    console.print(
        t._(
            "Restored the backup of %(created)s (%(engine)s, revision %(revision)s) into "
            "%(target)s.",
            created=manifest.created.isoformat(timespec="seconds"),
            engine=manifest.engine,
            revision=manifest.revision or "-",
            target=report.target,
        )
    )
    if report.ok:
        console.print(
            t._(
                "[green]Verified:[/] %(tables)s tables (row counts and checksums), "
                "%(heads)s audit chain heads, %(documents)s archived documents match the "
                "manifest.",
                tables=len(manifest.tables),
                heads=len(manifest.audit_heads),
                documents=len(manifest.documents),
            )
        )
        return
    table = Table(t._("What"), t._("Name"), t._("Manifest"), t._("Restored"))
    for found in report.mismatches:
        table.add_row(found.kind, found.name, found.expected, found.found)
    console.print(t._("[bold red]The restored database differs from the manifest:[/]"))
    console.print(table)


def _print_drill(report: DrillReport) -> None:
    console.print(
        t._(
            "Drill: the newest backup, %(name)s, from %(destination)s.",
            name=report.name,
            destination=report.destination,
        )
    )
    for label in report.unreachable:
        console.print(t._("[yellow]Could not be read:[/] %(destination)s", destination=label))
    _print_restore(report.restore)


async def _backup(config: BackupConfig) -> BackupReport:
    db = Database(config.database_url)
    try:
        return await make_backup(db, config)
    finally:
        await db.dispose()


def backup(
    drill: Annotated[
        bool,
        typer.Option(
            "--drill",
            help=t._("Restore the newest backup into a scratch database and verify it."),
        ),
    ] = False,
    new_key: Annotated[
        bool, typer.Option("--new-key", help=t._("Print a new backup key and exit."))
    ] = False,
) -> None:
    """Make a backup, or prove the newest one restores."""
    if new_key:
        identity, _ = new_identity()
        console.print(t._("ZVONOK_BACKUP_KEY=%(key)s", key=identity), markup=False)
        console.print(t._("Public key (for `age -r`): %(key)s", key=recipient_of(identity)))
        return
    config = _config()
    try:
        if drill:
            drilled = asyncio.run(run_drill(config))
            _print_drill(drilled)
            raise typer.Exit(0 if drilled.ok else 1)
        made = asyncio.run(_backup(config))
    except BackupError as error:
        fail(error.message(LANGUAGE), code=2)
    _print_backup(made)
    raise typer.Exit(0 if made.ok else 1)


async def _restore(config: BackupConfig, name: str, into: str) -> RestoreReport:
    with tempfile.TemporaryDirectory(prefix="zvonok-fetch-") as temporary:
        source = await fetch_backup(name, config.destinations, Path(temporary))
        return await restore_file(
            source, into=into, identity=config.identity, pg_bin_dir=config.pg_bin_dir
        )


def restore(
    backup_name: Annotated[
        str,
        typer.Argument(metavar="BACKUP", help=t._("A backup file, or its name in a destination.")),
    ],
    into: Annotated[
        str | None,
        typer.Option(
            help=t._("The empty database to restore into (default: ZVONOK_DATABASE_URL).")
        ),
    ] = None,
) -> None:
    """Restore a backup into an empty database and verify it."""
    config = _config()
    try:
        report = asyncio.run(_restore(config, backup_name, into or config.database_url))
    except BackupError as error:
        fail(error.message(LANGUAGE), code=2)
    _print_restore(report)
    raise typer.Exit(0 if report.ok else 1)
