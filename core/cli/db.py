"""`zvonok db ...`: migrations."""

import asyncio
from typing import Annotated

import typer

from core.cli.common import console, fail, settings_or_exit, t
from core.migrate import (
    check_migrations_match_models,
    check_migrations_on_scratch_database,
    current_revision,
    generate_revision,
    head_revision,
    upgrade_database,
)

app = typer.Typer(help=t._("The database: schema migrations."), no_args_is_help=True)


@app.command(
    help=t._("Apply the migrations to the database of the settings (ZVONOK_DATABASE_URL).")
)
def upgrade(
    revision: Annotated[str, typer.Argument(help=t._("The revision to reach."))] = "head",
) -> None:
    """Migrate the database."""
    url = settings_or_exit().database_url_resolved
    asyncio.run(upgrade_database(url, revision))
    now = asyncio.run(current_revision(url))
    console.print(
        t._(
            "The database is at revision [bold]%(revision)s[/] (the latest: %(head)s).",
            revision=now,
            head=head_revision(),
        )
    )


@app.command(help=t._("Show the revision of the database of the settings."))
def current() -> None:
    """Show the database's revision."""
    url = settings_or_exit().database_url_resolved
    now = asyncio.run(current_revision(url))
    if now is None:
        console.print(
            t._("The database has no migrations; the latest: %(head)s.", head=head_revision())
        )
    else:
        console.print(
            t._(
                "The database: %(revision)s; the latest: %(head)s.",
                revision=now,
                head=head_revision(),
            )
        )


@app.command(help=t._("Check that the migrations describe exactly what the models hold."))
def check(
    database: Annotated[
        bool,
        typer.Option(
            "--database",
            help=t._("Compare the models with the database of the settings, not a fresh SQLite."),
        ),
    ] = False,
) -> None:
    """Compare the migrations with the models."""
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
            t.ngettext(
                "the models and the migrations differ in %(num)d place: make a revision with "
                '`zvonok db revision -m "..."`',
                "the models and the migrations differ in %(num)d places: make a revision with "
                '`zvonok db revision -m "..."`',
                len(differences),
            )
        )
    console.print(t._("The migrations match the models."))


@app.command(
    help=t._("Make the next revision from the difference between the models and the migrations.")
)
def revision(
    message: Annotated[
        str, typer.Option("-m", "--message", help=t._("What the revision changes."))
    ],
    empty: Annotated[
        bool, typer.Option("--empty", help=t._("Make a revision even when nothing differs."))
    ] = False,
) -> None:
    """Make a migration."""
    if not empty and not asyncio.run(check_migrations_on_scratch_database()):
        console.print(t._("The models and the migrations match: no new revision is needed."))
        return
    path = asyncio.run(generate_revision(message))
    console.print(t._("Made revision %(path)s. Read it before committing.", path=path))
