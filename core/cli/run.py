"""`zvonok run`: the whole system on one machine with one command.

Order: settings → private Redis (unless ZVONOK_REDIS_URL) → migrations → the demo
school when the database has none → stand-ins for Telegram, MAX, SMTP and SMS where no
real service is configured → web, worker and bot as child processes.
On Ctrl-C or SIGTERM it stops web, worker and bot first, then the stand-ins, then Redis.
"""

import asyncio
import contextlib
import datetime as dt
import json
import os
import signal
import socket
import threading
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from core.cli.common import console, fail, settings_or_exit, t
from core.cli.demo import (
    count_schools,
    load_demo_school,
    print_summary,
    refuse_demo_in_production,
    save_demo_invites,
    save_logins,
)
from core.cli.processes import bot_argv, child_env, web_argv, web_url, worker_argv
from core.cli.readiness import print_started, wait_until_ready
from core.cli.redis_server import PrivateRedis, RedisStartError
from core.cli.standins import Standins, StandinStartError, plan_standins
from core.cli.state import STATE_FILE
from core.cli.supervisor import ChildSpec, Supervisor
from core.db import Database
from core.migrate import upgrade_database
from core.settings import Settings

HELP = t._(
    "Start the whole system: Redis, migrations, the demo school, stand-ins, the web app, "
    "the worker and the bot."
)


class StopRequest:
    """SIGINT/SIGTERM: interrupt start-up at once; once running, ask the loop to stop."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.running = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.event.set()
        if not self.running:
            self.running = True  # a second signal must not interrupt the clean-up
            raise KeyboardInterrupt

    def install(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self)


async def prepare_database(settings: Settings, demo_scale: float) -> None:
    """Migrate; load the demo school into an empty database and show its logins."""
    url = settings.database_url_resolved
    console.print(t._("Applying the migrations…"))
    await upgrade_database(url)
    db = Database(url)
    try:
        if await count_schools(db):
            return
        refuse_demo_in_production(settings)
        console.print(t._("The database is empty: loading the demo school."))
        summary = await load_demo_school(db, seed=2026, today=dt.date.today(), scale=demo_scale)
        await save_demo_invites(db, settings.data_dir, summary.school_id)
    finally:
        await db.dispose()
    print_summary(summary, with_logins=False)  # the start-up report shows them
    save_logins(settings.data_dir, summary.logins)


def refuse_busy_port(settings: Settings) -> None:
    with socket.socket() as probe:
        # Like uvicorn, so a port in TIME_WAIT from a previous run counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((settings.web_host, settings.web_port))
        except OSError:
            fail(
                t._(
                    "port %(port)s on %(host)s is taken: stop what holds it, "
                    "or set ZVONOK_WEB_PORT",
                    port=settings.web_port,
                    host=settings.web_host,
                )
            )


def start_children(
    supervisor: Supervisor, settings: Settings, redis_url: str, standins: Standins
) -> None:
    # The stand-ins' addresses go to all three, so they all see the same services.
    env = child_env(settings, redis_url=redis_url) | standins.env()
    supervisor.start(ChildSpec("web", web_argv(settings), env, "green"))
    supervisor.start(ChildSpec("worker", worker_argv(), env, "magenta"))
    supervisor.start(ChildSpec("bot", bot_argv(), env, "blue"))


def write_state(
    path: Path,
    supervisor: Supervisor,
    redis: PrivateRedis | None,
    url: str,
    standins: Standins,
) -> None:
    """Who runs where, for people and tools such as `zvonok messages` (removed on a clean stop)."""
    state = {
        "pid": os.getpid(),
        "redis_url": url,
        "redis_pid": redis.process.pid if redis and redis.process else None,
        "children": {child.name: child.pid for child in supervisor.children},
        "standins": standins.state(),
    }
    path.write_text(json.dumps(state, indent=2), encoding="utf-8")


def supervise(supervisors: list[Supervisor], stop: StopRequest) -> int:
    """Wait for a stop signal; a child ending on its own stops everything (exit code 1)."""
    stop.running = True
    while not stop.event.wait(0.5):
        gone = [child for supervisor in supervisors for child in supervisor.exited()]
        if gone:
            for child in gone:
                message = t._(
                    "%(name)s ended by itself (code %(code)s): stopping everything.",
                    name=child.name,
                    code=child.process.returncode,
                )
                console.print(f"[bold red]{message}[/]")
            return 1
    return 0


def shut_down(
    supervisor: Supervisor, standins: Standins, redis: PrivateRedis | None, state: Path
) -> None:
    console.print(t._("Stopping the processes…"))
    codes = supervisor.stop_all()
    # After the worker: it may be finishing a send to one of them.
    codes |= standins.stop_all()
    if redis is not None:
        codes["redis"] = redis.stop() or 0
    state.unlink(missing_ok=True)
    if not codes:
        console.print(t._("Stopped: nothing was running."))
        return
    summary = ", ".join(_describe_exit(name, code) for name, code in codes.items())
    console.print(t._("Stopped: %(processes)s.", processes=summary))


def _describe_exit(name: str, code: int) -> str:
    # uvicorn re-raises the signal it stopped on, so -SIGTERM is a clean stop too.
    if code in (0, -signal.SIGTERM, -signal.SIGINT):
        return t._("%(name)s (ok)", name=name)
    return t._("%(name)s (code %(code)s)", name=name, code=code)


def run(
    demo_scale: Annotated[
        float,
        typer.Option(
            min=0.05,
            max=2.0,
            help=t._("The demo school's size when the database is empty (0.1: a small one)."),
        ),
    ] = 1.0,
) -> None:
    """Run everything on this machine."""
    settings = settings_or_exit()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    refuse_busy_port(settings)
    stop = StopRequest()
    stop.install()
    supervisor = Supervisor(console)
    standins = Standins(plan_standins(settings, web_url(settings)), console)
    redis = PrivateRedis(settings.data_dir / "redis") if settings.redis_url is None else None
    state = settings.data_dir / STATE_FILE
    code = 0
    try:
        if redis is not None:
            redis.start()
        redis_url = settings.redis_url or (redis.url if redis else "")
        asyncio.run(prepare_database(settings, demo_scale))
        standins.start(stop.event)
        start_children(supervisor, settings, redis_url, standins)
        write_state(state, supervisor, redis, redis_url, standins)
        if wait_until_ready(settings, redis_url, supervisor, stop.event):
            print_started(settings, redis_url, supervisor, redis, standins)
        code = supervise([supervisor, standins.supervisor], stop)
    except (RedisStartError, StandinStartError) as error:
        console.print(t._("[bold red]Error:[/] %(message)s", message=error))
        code = 1
    except KeyboardInterrupt:
        console.print(t._("Interrupted while starting."))
    finally:
        stop.running = True
        with contextlib.suppress(KeyboardInterrupt):
            shut_down(supervisor, standins, redis, state)
    raise typer.Exit(code)
