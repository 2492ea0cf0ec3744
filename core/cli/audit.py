"""`zvonok audit verify`: walk every school's audit chain and check the journal against it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer

from core.audit.anchors import anchors_in_file, kept_anchors
from core.audit.findings import describe
from core.audit.verify import Anchor, Report, verify_all
from core.cli.common import console, fail, settings_or_exit, t
from core.db import Database

app = typer.Typer(help=t._("The audit log: its hash chain."), no_args_is_help=True)

SHOWN = 20  # findings printed per school; the count says how many more


@app.command(
    help=t._(
        "Verify each school's audit chain and that marks, attendance, homework and period "
        "marks agree with it; exits 1 and names the first break when something was changed, "
        "removed or inserted."
    )
)
def verify(
    school: Annotated[int | None, typer.Option(help=t._("Only this school (its id)."))] = None,
    anchor: Annotated[
        list[Path] | None,
        typer.Option(
            help=t._(
                "A backup manifest (or a JSON file of chain heads) whose heads the chains "
                "must still contain; may be given several times."
            )
        ),
    ] = None,
) -> None:
    """Verify the audit chains."""
    anchors: list[Anchor] = []
    for path in anchor or []:
        try:
            anchors.extend(anchors_in_file(path))
        except (OSError, ValueError, KeyError, json.JSONDecodeError) as error:
            fail(t._("Cannot read the anchors in %(path)s: %(error)s", path=path, error=error), 2)
    reports = asyncio.run(_verify(settings_or_exit().database_url_resolved, anchors, school))
    if school is not None and not reports:
        fail(t._("There is no school with id %(id)s.", id=school), code=2)
    for report in reports:
        _print(report)
    if not all(report.ok for report in reports):
        raise typer.Exit(1)


async def _verify(url: str, anchors: list[Anchor], school: int | None) -> list[Report]:
    db = Database(url)
    try:
        async with db.sessions() as session:
            anchors = [*anchors, *await kept_anchors(session)]
            return await verify_all(session, anchors=anchors, school_id=school)
    finally:
        await db.dispose()


def _print(report: Report) -> None:
    head = report.head.fingerprint if report.head else "—"
    if report.ok:
        console.print(
            t.ngettext(
                "School %(school)s: [green]the chain verifies[/] (%(num)d entry, head %(head)s).",
                "School %(school)s: [green]the chain verifies[/] (%(num)d entries, head %(head)s).",
                report.entries,
                school=report.school_id,
                head=head,
            )
        )
        return
    first = report.first
    assert first is not None
    console.print(
        t._(
            "School %(school)s: [bold red]the audit log was tampered with[/]. First: %(first)s",
            school=report.school_id,
            first=describe(first, t),
        )
    )
    for finding in report.findings[:SHOWN]:
        console.print(f"  - {describe(finding, t)}", markup=False)
    if len(report.findings) > SHOWN:
        more = len(report.findings) - SHOWN
        console.print(t.ngettext("  … and %(num)d more.", "  … and %(num)d more.", more))
