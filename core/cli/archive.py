"""`zvonok archive ...`: what the school archive keeps, and whether it is intact.

`list` shows each document (kind, class, period, when made, kept until, signed);
`verify` re-hashes every document's bytes against the SHA-256 recorded when it was
made and validates its signature, names the bad ones and exits 1 if there is any.
The operator's commands: they read every school's archive (or `--school`'s).
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.table import Table

from core import formats
from core.cli.common import LANGUAGE, console, fail, settings_or_exit, t
from core.db import Database
from core.reading.access import ReadingUnit
from core.reading.archive import ArchiveEntry, DocumentCheck, archive_entries, verify_archive
from core.reports.signing import ArchiveSigner, signer_of
from core.settings import Settings, SettingsError

app = typer.Typer(
    help=t._("The school archive: journal books and summary statements."), no_args_is_help=True
)
School = Annotated[int | None, typer.Option("--school", help=t._("Only this school (its number)."))]


def _kind(entry: ArchiveEntry) -> str:
    if entry.kind == "journal_book":
        return t.pgettext("archive", "Journal book")
    return t.pgettext("archive", "Summary statement")


def _describe(entry: ArchiveEntry) -> str:
    span = entry.period or t.pgettext("archive", "year")
    return f"#{entry.export_id} {_kind(entry)} {entry.class_name} {entry.year} ({span})"


async def _entries(url: str, school: int | None) -> list[ArchiveEntry]:
    db = Database(url)
    try:
        uow = ReadingUnit(db)
        async with uow:
            return await archive_entries(uow, school_id=school)
    finally:
        await db.dispose()


@app.command(name="list", help=t._("List the archived documents and how long each is kept."))
def list_documents(school: School = None) -> None:
    """What the archive keeps."""
    entries = asyncio.run(_entries(settings_or_exit().database_url_resolved, school))
    if not entries:
        console.print(t._("The archive is empty."))
        return
    table = Table(show_lines=False)
    for head in (
        t.pgettext("row number", "#"),
        t.pgettext("archive", "School"),
        t.pgettext("archive", "Document"),
        t.pgettext("archive", "Class"),
        t.pgettext("archive", "Year"),
        t.pgettext("archive", "Period"),
        t.pgettext("archive", "Made"),
        t.pgettext("archive", "Keep until"),
        t.pgettext("archive", "Signed"),
    ):
        table.add_column(head)
    for e in entries:
        table.add_row(
            str(e.export_id),
            str(e.school_id),
            _kind(e),
            e.class_name,
            e.year,
            e.period or t.pgettext("archive", "year"),
            formats.date_time(e.generated_at, LANGUAGE),
            formats.numeric_date(e.keep_until, LANGUAGE),
            t._("yes") if e.signed else t._("no"),
        )
    console.print(table)


def _signer(settings: Settings) -> ArchiveSigner | None:
    try:
        return signer_of(settings)
    except SettingsError as error:
        fail(str(error), code=2)


async def _verify(
    url: str, school: int | None, signer: ArchiveSigner | None
) -> list[DocumentCheck]:
    db = Database(url)
    try:
        roots = signer.trust_roots if signer else ()
        return await verify_archive(ReadingUnit(db), school_id=school, trust_roots=roots)
    finally:
        await db.dispose()


def _problem(check: DocumentCheck) -> str:
    if not check.hash_ok:
        return t._("its bytes are not the ones archived (SHA-256 differs)")
    if not check.chain_ok:
        return t._("the audit chain no longer has the head recorded with it (rewritten?)")
    if check.signature is None:
        return t._("its signature is missing")
    if check.signature.trusted is False:
        return t._("its certificate is not the school's")
    return t._("its signature does not validate")


@app.command(help=t._("Re-check every archived document's SHA-256 and signature."))
def verify(school: School = None) -> None:
    """Verify the archive; exit 1 when a document fails."""
    settings = settings_or_exit()
    checks = asyncio.run(_verify(settings.database_url_resolved, school, _signer(settings)))
    bad = [c for c in checks if not c.ok]
    for check in bad:
        console.print(
            t._(
                "[bold red]FAILED[/] %(document)s: %(problem)s",
                document=_describe(check.entry),
                problem=_problem(check),
            )
        )
    signed = sum(1 for c in checks if c.signature is not None and c.signature.ok)
    console.print(
        t._(
            "Documents checked: %(count)s, signatures valid: %(signed)s, failed: %(bad)s.",
            count=len(checks),
            signed=signed,
            bad=len(bad),
        )
    )
    if bad:
        raise typer.Exit(1)
