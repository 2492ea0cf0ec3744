"""`zvonok db ...`: migrations."""

import asyncio
from typing import Annotated

import typer

from core.cli.common import console, fail, settings_or_exit
from core.migrate import (
    check_migrations_match_models,
    check_migrations_on_scratch_database,
    current_revision,
    generate_revision,
    head_revision,
    upgrade_database,
)

app = typer.Typer(help="База данных: миграции схемы.", no_args_is_help=True)


@app.command()
def upgrade(
    revision: Annotated[str, typer.Argument(help="Целевая ревизия.")] = "head",
) -> None:
    """Применить миграции к базе из настроек (ZVONOK_DATABASE_URL)."""
    url = settings_or_exit().database_url_resolved
    asyncio.run(upgrade_database(url, revision))
    now = asyncio.run(current_revision(url))
    console.print(f"База данных на ревизии [bold]{now}[/] (последняя: {head_revision()}).")


@app.command()
def current() -> None:
    """Показать ревизию базы из настроек."""
    url = settings_or_exit().database_url_resolved
    now = asyncio.run(current_revision(url))
    console.print(f"База: {now or 'без миграций'}; последняя ревизия: {head_revision()}.")


@app.command()
def check(
    database: Annotated[
        bool,
        typer.Option(
            "--database", help="Сравнить с моделями базу из настроек, а не чистую SQLite."
        ),
    ] = False,
) -> None:
    """Проверить, что миграции описывают ровно то, что в моделях."""
    if database:
        differences = asyncio.run(
            check_migrations_match_models(settings_or_exit().database_url_resolved)
        )
    else:
        differences = asyncio.run(check_migrations_on_scratch_database())
    if differences:
        for difference in differences:
            console.print(f"  {difference}", markup=False)
        fail(
            f"модели и миграции расходятся ({len(differences)}): "
            'создайте ревизию командой `zvonok db revision -m "..."`'
        )
    console.print("Миграции совпадают с моделями.")


@app.command()
def revision(
    message: Annotated[str, typer.Option("-m", "--message", help="Что меняет ревизия.")],
    empty: Annotated[
        bool, typer.Option("--empty", help="Создать ревизию, даже если разницы нет.")
    ] = False,
) -> None:
    """Создать следующую ревизию автоматически из разницы моделей и миграций."""
    if not empty and not asyncio.run(check_migrations_on_scratch_database()):
        console.print("Модели и миграции совпадают: новая ревизия не нужна.")
        return
    path = asyncio.run(generate_revision(message))
    console.print(f"Создана ревизия {path}. Прочитайте её перед коммитом.")
