"""The `zvonok` command: one Typer app, its commands live in the modules beside it."""

from typing import Annotated

import typer

from core.cli import db, demo, i18n, messages, run, simulate
from core.cli.common import console, fail, replace_process, settings_or_exit
from core.cli.processes import bot_argv, web_argv, worker_argv
from core.settings import SettingsError

app = typer.Typer(
    name="zvonok",
    help="Звонок — электронный журнал, который сам сообщает родителям.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(db.app, name="db")
app.add_typer(i18n.app, name="i18n")
app.command()(demo.demo)
app.command()(run.run)
app.command()(messages.messages)
app.command(name="simulate")(simulate.simulate_command)


@app.command()
def web() -> None:
    """Запустить веб-приложение (uvicorn) на ZVONOK_WEB_HOST:ZVONOK_WEB_PORT."""
    replace_process(web_argv(settings_or_exit()))


@app.command()
def worker(
    check: Annotated[
        bool, typer.Option("--check", help="Проверить, жив ли воркер (health check arq).")
    ] = False,
) -> None:
    """Запустить воркер arq (рассылки, периодические задачи)."""
    settings = settings_or_exit()
    try:
        settings.require_redis_url()
    except SettingsError as error:
        fail(str(error), code=2)
    replace_process(worker_argv(check=check))


@app.command()
def bot() -> None:
    """Запустить Telegram-бота."""
    settings_or_exit()
    replace_process(bot_argv())


def main() -> None:
    """Entry point of the `zvonok` script."""
    try:
        app()
    except BrokenPipeError:  # `zvonok ... | head`
        console.file.close()
