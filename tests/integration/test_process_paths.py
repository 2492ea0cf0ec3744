"""The CLI starts web, worker, bot and the stand-ins by module path (core must not
import them): every path it names exists and starts.

A renamed module would otherwise be found only when `zvonok run` failed to start it.
Each module runs `--help` in its own interpreter, as the CLI would start it; what it
imports only once running (uvicorn's app factory, the worker's jobs) is imported too.
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import core.cli
from core.cli.processes import bot_argv, web_argv, worker_argv
from core.cli.standins import plan_standins
from core.settings import Settings

CLI = Path(core.cli.__file__).parent
# What the started processes import once they run, beyond `--help`.
LATER = {"workers": ["workers.main"], "bots": ["bots.app"]}


def started(tmp_path: Path) -> list[list[str]]:
    """Every argv the CLI builds for a child process (with no real service configured,
    so that every stand-in is planned)."""
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'z.db'}")
    standins = plan_standins(settings, "http://127.0.0.1:8000")
    assert {s.key for s in standins} == {"telegram", "max", "smtp", "sms"}
    return [
        web_argv(settings),
        worker_argv(),
        bot_argv(),
        *(s.argv for s in standins),
    ]


def test_every_module_the_cli_starts_is_covered(tmp_path: Path) -> None:
    """A new `python_module(...)` in the CLI must be added to `started`."""
    calls = sum(
        len(re.findall(r"(?<!def )python_module\(", path.read_text()))
        for path in CLI.glob("*.py")
        if path.name != "common.py"
    )
    assert calls == 7  # web, worker, bot; the Telegram, MAX, SMTP and SMS stand-ins
    modules = {argv[2] for argv in started(tmp_path)}
    assert modules == {
        "uvicorn",
        "workers",
        "bots",
        "notifier.standins.telegram_api",
        "notifier.standins.max_server",
        "notifier.standins.smtp",
        "notifier.standins.sms_gateway",
    }


async def _run(*argv: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, output.decode()


async def test_every_started_module_exists_and_starts(tmp_path: Path) -> None:
    argvs = started(tmp_path)
    for argv in argvs:
        assert argv[:2] == [sys.executable, "-m"]
    modules = sorted({argv[2] for argv in argvs})
    helps = await asyncio.gather(*(_run(sys.executable, "-m", m, "--help") for m in modules))
    for module, (code, output) in zip(modules, helps, strict=True):
        assert code == 0 and "usage" in output.lower(), f"python -m {module} --help:\n{output}"

    # uvicorn imports the app by the "module:attribute" string it is given, when it
    # starts: resolve each such target the way uvicorn does.
    targets = [a for argv in argvs for a in argv[3:] if re.fullmatch(r"[\w.]+:\w+", a)]
    assert targets == ["webapp.app:create_app"]
    later = [m for module in modules for m in LATER.get(module, [])]
    script = (
        "import importlib, sys\n"
        "from uvicorn.importer import import_from_string\n"
        "for target in sys.argv[1].split():\n"
        "    assert callable(import_from_string(target)), target\n"
        "for name in sys.argv[2].split():\n"
        "    importlib.import_module(name)\n"
    )
    code, output = await _run(sys.executable, "-c", script, " ".join(targets), " ".join(later))
    assert code == 0, output
