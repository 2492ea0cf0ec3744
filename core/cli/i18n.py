"""`zvonok i18n ...`: keep the gettext catalogs in step with the code (core/catalogs.py)."""

from typing import Annotated

import typer

from core.catalogs import check as check_catalogs
from core.catalogs import update as update_catalogs
from core.cli.common import console, fail
from core.i18n import DOMAINS, Domain

app = typer.Typer(help="Translations: gettext catalogs (Babel).", no_args_is_help=True)

DomainOption = Annotated[
    list[str] | None,
    typer.Option("--domain", "-d", help="Only these domains (default: all)."),
]


def _domains(names: list[str] | None) -> list[Domain]:
    unknown = sorted(set(names or ()) - DOMAINS.keys())
    if unknown:
        fail(f"unknown domains {unknown}; known: {sorted(DOMAINS)}", code=2)
    return [DOMAINS[name] for name in names] if names else list(DOMAINS.values())


@app.command()
def update(domain: DomainOption = None) -> None:
    """Extract the message ids from the code into every language's .po file."""
    for each in _domains(domain):
        counts = update_catalogs(each)
        summary = ", ".join(f"{lang}: {count} untranslated" for lang, count in counts.items())
        console.print(f"{each.name}: {summary}")


@app.command()
def check(domain: DomainOption = None) -> None:
    """List untranslated, fuzzy, stale or invalid texts; exit 1 if there is any."""
    problems = check_catalogs(_domains(domain))
    for problem in problems:
        console.print(str(problem), markup=False)
    if problems:
        fail(f"{len(problems)} problems in the catalogs")
    console.print("Catalogs: complete, and in step with the code.")
