"""What every `zvonok` command shares: the console, its language, settings, handing over.

The CLI speaks the language of `ZVONOK_LANGUAGE` (`ru`, the default, or `en`), read
once here: Typer builds the commands' help when the modules are imported.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import NoReturn

import typer
from rich.console import Console

from core.i18n import STAFF_LANGUAGES, pick_language, texts
from core.settings import Settings, SettingsError, load_settings

console = Console(highlight=False)
LANGUAGE = pick_language(os.environ.get("ZVONOK_LANGUAGE"), allowed=STAFF_LANGUAGES)
t = texts("core", LANGUAGE)


def fail(message: str, code: int = 1) -> NoReturn:
    console.print(t._("[bold red]Error:[/] %(message)s", message=message), markup=True)
    raise typer.Exit(code)


def settings_or_exit() -> Settings:
    """The settings, or a readable message and exit code 2 when they are invalid."""
    try:
        return load_settings()
    except SettingsError as error:
        fail(str(error), code=2)


def python_module(module: str, *arguments: str) -> list[str]:
    """argv running `python -m module` with this interpreter (the project's venv)."""
    return [sys.executable, "-m", module, *arguments]


def replace_process(argv: Sequence[str], env: Mapping[str, str] | None = None) -> NoReturn:
    """Become `argv`: signals then reach the server itself, with no wrapper between."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(argv[0], list(argv), dict(env if env is not None else os.environ))  # noqa: S606
