"""`zvonok demo`: the demo school, with a progress bar and the logins to try."""

import asyncio
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import func
from sqlmodel import select

from core.cli.common import console, fail, settings_or_exit
from core.db import Database
from core.demo import DEMO_SCHOOL_NAME, DemoAlreadyLoaded, DemoSummary, load_demo
from core.demo.invites import issue_demo_invites
from core.migrate import upgrade_database
from core.models import School

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
        task = bar.add_task("Демо-школа", total=None)

        def report(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        return await load_demo(db, seed=seed, today=today, progress=report, scale=scale)


def print_summary(summary: DemoSummary, *, with_logins: bool = True) -> None:
    counts = (
        ("классов", summary.classes),
        ("учеников", summary.students),
        ("родителей", summary.guardians),
        ("сотрудников", summary.staff),
        ("уроков", summary.lessons),
        ("оценок", summary.marks),
        ("пропусков", summary.absences),
        ("домашних заданий", summary.homework),
        ("замечаний", summary.remarks),
        ("объявлений", summary.announcements),
        ("четвертных оценок", summary.period_marks),
    )
    console.print("Загружено: " + ", ".join(f"{name} — {n}" for name, n in counts) + ".")
    if with_logins:
        print_logins(summary.logins)


def print_logins(logins: Sequence[Login]) -> None:
    table = Table(title="Демо-входы", title_justify="left")
    for column in ("Роль", "Логин", "Пароль", "Имя"):
        table.add_column(column)
    for row in logins:
        table.add_row(*row)
    console.print(table)


def save_logins(data_dir: Path, logins: Sequence[Login]) -> Path:
    """Keep the demo logins next to the data: later `zvonok run`s print them again."""
    path = data_dir / LOGINS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("\t".join(row) + "\n" for row in logins), encoding="utf-8")
    path.chmod(0o600)
    return path


async def save_demo_invites(db: Database, data_dir: Path, school_id: int) -> Path:
    """Issue the demo school's invite codes and keep the plain ones next to the data:
    the only place they exist, since the database holds their hashes."""
    invites = await issue_demo_invites(db, school_id=school_id)
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
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    return [(r[0], r[1], r[2], r[3]) for r in rows if len(r) == 4]


async def _demo(url: str, data_dir: Path, seed: int, today: dt.date, scale: float) -> None:
    await upgrade_database(url)
    db = Database(url)
    try:
        if await count_schools(db):
            fail("в базе уже есть школа: демо загружается только в пустую базу")
        summary = await load_demo_school(db, seed=seed, today=today, scale=scale)
        invites = await save_demo_invites(db, data_dir, summary.school_id)
    except DemoAlreadyLoaded as error:
        fail(error.message())
    finally:
        await db.dispose()
    print_summary(summary)
    console.print(f"Логины сохранены в {save_logins(data_dir, summary.logins)}")
    console.print(f"Коды приглашений в бота — в {invites}")


def parse_day(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"дата {value!r} не в формате ГГГГ-ММ-ДД")


def demo(
    seed: Annotated[
        int, typer.Option(help="Зерно генератора: при том же числе — та же школа.")
    ] = 2026,
    today: Annotated[
        str | None,
        typer.Option(help="«Сегодня» демо-журнала, ГГГГ-ММ-ДД (по умолчанию — сегодня)."),
    ] = None,
    scale: Annotated[
        float, typer.Option(min=0.05, max=2.0, help="Размер школы: 0.1 — по классу в параллели.")
    ] = 1.0,
) -> None:
    """Применить миграции и загрузить демо-школу с учителями, классами и оценками."""
    settings = settings_or_exit()
    day = parse_day(today)
    asyncio.run(_demo(settings.database_url_resolved, settings.data_dir, seed, day, scale))
