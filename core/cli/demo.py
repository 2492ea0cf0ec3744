"""`zvonok demo`: the demo school, with a progress bar and the logins to try."""

import asyncio
import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import func
from sqlmodel import select

from core.cli.common import LANGUAGE, console, fail, settings_or_exit, t
from core.db import Database
from core.demo import DEMO_SCHOOL_NAME, DemoAlreadyLoaded, DemoSummary, load_demo
from core.demo.invites import issue_demo_invites
from core.migrate import upgrade_database
from core.models import School
from core.reports.cells import csv_field
from core.settings import Settings

HELP = t._("Apply the migrations and load the demo school with teachers, classes and marks.")
LOGINS_FILE = "demo-logins.tsv"
INVITES_FILE = "demo-invites.json"  # read by the Telegram emulator's chat page
Login = tuple[str, str, str, str]  # role, login, password, name


async def count_schools(db: Database) -> int:
    async with db.session() as session:
        return int((await session.exec(select(func.count()).select_from(School))).one())


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description:<40}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


async def load_demo_school(
    db: Database, *, seed: int, today: dt.date, scale: float = 1.0
) -> DemoSummary:
    """Load the demo school into `db`, drawing core.demo's progress reports as a bar."""
    with _progress_bar() as bar:
        task = bar.add_task(t._("Demo school"), total=None)

        def report(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        return await load_demo(
            db, seed=seed, today=today, progress=report, scale=scale, language=LANGUAGE
        )


def _counts(summary: DemoSummary) -> list[str]:
    return [
        t.ngettext("%(num)d class", "%(num)d classes", summary.classes),
        t.ngettext("%(num)d student", "%(num)d students", summary.students),
        t.ngettext("%(num)d parent", "%(num)d parents", summary.guardians),
        t.ngettext("%(num)d staff member", "%(num)d staff members", summary.staff),
        t.ngettext("%(num)d lesson", "%(num)d lessons", summary.lessons),
        t.ngettext("%(num)d mark", "%(num)d marks", summary.marks),
        t.ngettext("%(num)d absence", "%(num)d absences", summary.absences),
        t.ngettext("%(num)d homework", "%(num)d homeworks", summary.homework),
        t.ngettext("%(num)d note", "%(num)d notes", summary.remarks),
        t.ngettext("%(num)d announcement", "%(num)d announcements", summary.announcements),
        t.ngettext("%(num)d period mark", "%(num)d period marks", summary.period_marks),
    ]


def print_summary(summary: DemoSummary, *, with_logins: bool = True) -> None:
    console.print(t._("Loaded: %(counts)s.", counts=", ".join(_counts(summary))))
    if with_logins:
        print_logins(summary.logins)


def print_logins(logins: Sequence[Login]) -> None:
    table = Table(title=t._("Demo sign-ins"), title_justify="left")
    for column in (t._("Role"), t._("Login"), t._("Password"), t._("Name")):
        table.add_column(column)
    for row in logins:
        table.add_row(*row)
    console.print(table)


def save_logins(data_dir: Path, logins: Sequence[Login]) -> Path:
    """Keep the demo logins next to the data: later `zvonok run`s print them again.

    Tab-separated, quoted where needed, and a field that a spreadsheet would read as a
    formula is neutralised (`core.reports.cells.csv_field`): people open such files in one.
    """
    path = data_dir / LOGINS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = io.StringIO()
    writer = csv.writer(lines, delimiter="\t", lineterminator="\n")
    writer.writerows([csv_field(value) for value in row] for row in logins)
    path.write_text(lines.getvalue(), encoding="utf-8")
    path.chmod(0o600)
    return path


async def save_demo_invites(db: Database, data_dir: Path, school_id: int) -> Path:
    """Issue the demo school's invite codes and keep the plain ones next to the data:
    the only place they exist, since the database holds their hashes."""
    invites = await issue_demo_invites(db, school_id=school_id, language=LANGUAGE)
    sheet = {"school": DEMO_SCHOOL_NAME, "invites": [invite.to_json() for invite in invites]}
    path = data_dir / INVITES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sheet, ensure_ascii=False, indent=2), encoding="utf-8")
    path.chmod(0o600)
    return path


def saved_logins(data_dir: Path) -> list[Login]:
    path = data_dir / LOGINS_FILE
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))
    return [(r[0], r[1], r[2], r[3]) for r in rows if len(r) == 4]


async def _demo(url: str, data_dir: Path, seed: int, today: dt.date, scale: float) -> None:
    await upgrade_database(url)
    db = Database(url)
    try:
        if await count_schools(db):
            fail(t._("the database already has a school: the demo loads into an empty one only"))
        summary = await load_demo_school(db, seed=seed, today=today, scale=scale)
        invites = await save_demo_invites(db, data_dir, summary.school_id)
    except DemoAlreadyLoaded as error:
        fail(error.message(LANGUAGE))
    finally:
        await db.dispose()
    print_summary(summary)
    console.print(
        t._("The logins are saved in %(path)s", path=save_logins(data_dir, summary.logins))
    )
    console.print(t._("The bot's invite codes are in %(path)s", path=invites))


def refuse_demo_in_production(settings: Settings) -> None:
    """The demo's pupils and parents are invented and its accounts share one password:
    they must never sit beside a real school's, nor be taken for it."""
    if settings.env == "production":
        fail(
            t._(
                "ZVONOK_ENV=production: the demo school is never loaded into a production "
                "database (its pupils and parents are invented and its accounts share one "
                "password). Try the demo with ZVONOK_ENV=development and a database of its own."
            )
        )


def parse_day(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(t._("the date “%(value)s” is not YYYY-MM-DD", value=value))


def demo(
    seed: Annotated[
        int, typer.Option(help=t._("The generator's seed: the same number, the same school."))
    ] = 2026,
    today: Annotated[
        str | None,
        typer.Option(help=t._("The demo journal's “today”, YYYY-MM-DD (default: today).")),
    ] = None,
    scale: Annotated[
        float,
        typer.Option(min=0.05, max=2.0, help=t._("The school's size: 0.1 is one class a grade.")),
    ] = 1.0,
) -> None:
    """Migrate and load the demo school."""
    settings = settings_or_exit()
    refuse_demo_in_production(settings)
    day = parse_day(today)
    asyncio.run(_demo(settings.database_url_resolved, settings.data_dir, seed, day, scale))
