"""The `zvonok` command: one Typer app, its commands live in the modules beside it."""

from typing import Annotated

import typer

from core.cli import archive, audit, backup, db, demo, i18n, messages, run, simulate
from core.cli.common import console, fail, replace_process, settings_or_exit, t
from core.cli.processes import bot_argv, web_argv, worker_argv
from core.cli.state import redis_url_of
from core.cli.worker_check import check_worker, print_findings
from core.settings import SettingsError

app = typer.Typer(
    name="zvonok",
    help=t._("Zvonok: the school journal that tells the parents itself."),
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(audit.app, name="audit")
app.add_typer(db.app, name="db")
app.add_typer(i18n.app, name="i18n")
app.add_typer(archive.app, name="archive")
app.command(help=demo.HELP)(demo.demo)
app.command(help=run.HELP)(run.run)
app.command(help=messages.HELP)(messages.messages)
app.command(name="backup", help=backup.BACKUP_HELP)(backup.backup)
app.command(name="restore", help=backup.RESTORE_HELP)(backup.restore)
app.command(name="simulate", help=simulate.HELP)(simulate.simulate_command)


@app.command(help=t._("Start the web app (uvicorn) on ZVONOK_WEB_HOST:ZVONOK_WEB_PORT."))
def web() -> None:
    """Start the web app."""
    replace_process(web_argv(settings_or_exit()))


@app.command(help=t._("Start the arq worker (deliveries, periodic jobs)."))
def worker(
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help=t._(
                "Check that a worker is alive: its heartbeat and arq's health check in "
                "ZVONOK_REDIS_URL, or in the Redis of a running `zvonok run`."
            ),
        ),
    ] = False,
) -> None:
    """Start the worker, or check one."""
    settings = settings_or_exit()
    if check:
        url, source = redis_url_of(settings)
        raise typer.Exit(0 if print_findings(check_worker(url, source)) else 1)
    try:
        settings.require_redis_url()
    except SettingsError as error:
        fail(str(error), code=2)
    replace_process(worker_argv())


@app.command(help=t._("Start the Telegram bot."))
def bot() -> None:
    """Start the bot."""
    settings_or_exit()
    replace_process(bot_argv())


def main() -> None:
    """Entry point of the `zvonok` script."""
    try:
        app()
    except BrokenPipeError:  # `zvonok ... | head`
        console.file.close()
