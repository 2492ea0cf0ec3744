"""`zvonok i18n ...`: keep the gettext catalogs in step with the code (core/catalogs.py)."""

from typing import Annotated

import typer

from core.catalogs import check as check_catalogs
from core.catalogs import update as update_catalogs
from core.cli.common import console, fail, t
from core.i18n import DOMAINS, Domain

app = typer.Typer(help=t._("Translations: gettext catalogs (Babel)."), no_args_is_help=True)

DomainOption = Annotated[
    list[str] | None,
    typer.Option("--domain", "-d", help=t._("Only these domains (default: all).")),
]


def _domains(names: list[str] | None) -> list[Domain]:
    unknown = sorted(set(names or ()) - DOMAINS.keys())
    if unknown:
        fail(
            t._(
                "unknown domains %(unknown)s; known: %(known)s",
                unknown=", ".join(unknown),
                known=", ".join(sorted(DOMAINS)),
            ),
            code=2,
        )
    return [DOMAINS[name] for name in names] if names else list(DOMAINS.values())


@app.command(help=t._("Extract the message ids from the code into every language's .po file."))
def update(domain: DomainOption = None) -> None:
    """Extract and merge."""
    for each in _domains(domain):
        counts = update_catalogs(each)
        summary = ", ".join(
            t.ngettext(
                "%(language)s: %(num)d untranslated",
                "%(language)s: %(num)d untranslated",
                count,
                language=lang,
            )
            for lang, count in counts.items()
        )
        console.print(f"{each.name}: {summary}")


@app.command(help=t._("List untranslated, fuzzy, stale or invalid texts; exit 1 if there is any."))
def check(domain: DomainOption = None) -> None:
    """Check the catalogs."""
    problems = check_catalogs(_domains(domain))
    for problem in problems:
        console.print(str(problem), markup=False)
    if problems:
        fail(
            t.ngettext(
                "%(num)d problem in the catalogs", "%(num)d problems in the catalogs", len(problems)
            )
        )
    console.print(t._("Catalogs: complete, and in step with the code."))
