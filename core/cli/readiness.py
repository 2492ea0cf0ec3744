"""Waiting for `zvonok run`'s processes to be up, and telling the user where to look."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from contextlib import closing

import redis
from rich.panel import Panel
from rich.table import Table
from sqlalchemy.engine import make_url

from core.cli.common import console, t
from core.cli.demo import print_logins, saved_logins
from core.cli.processes import web_url
from core.cli.redis_server import PrivateRedis
from core.cli.standins import Standins
from core.cli.supervisor import Supervisor
from core.health import HEARTBEAT_KEY
from core.settings import Settings


def web_is_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:  # noqa: S310
            return int(response.status) == 200
    except (OSError, urllib.error.URLError):
        return False


def worker_heartbeat(redis_url: str) -> str | None:
    """The worker's last heartbeat time, or None when there is none (or no Redis)."""
    client = redis.Redis.from_url(redis_url, socket_timeout=1, decode_responses=True)
    with closing(client):  # redis-py 5.2 declares no types on `close` (pyproject.toml)
        try:
            value = client.get(HEARTBEAT_KEY)
        except redis.RedisError:
            return None
    return value if isinstance(value, str) else None


def wait_until_ready(
    settings: Settings,
    redis_url: str,
    supervisor: Supervisor,
    stop: threading.Event,
    timeout: float = 60.0,
) -> bool:
    """True once /healthz answers and the worker's heartbeat is there (or on timeout).

    False when a child ended or a stop was asked for: the caller deals with that.
    """
    deadline = time.monotonic() + timeout
    web, worker = False, False
    with console.status(t._("Waiting for the web app and the worker to come up…")):
        while not (web and worker):
            if supervisor.exited() or stop.is_set():
                return False
            if time.monotonic() > deadline:
                missing = [n for n, ok in (("web /healthz", web), ("worker", worker)) if not ok]
                note = t._(
                    "Not up within %(seconds)s s: %(missing)s",
                    seconds=round(timeout),
                    missing=", ".join(missing),
                )
                console.print(f"[yellow]{note}[/]")
                return True
            web = web or web_is_healthy(web_url(settings))
            worker = worker or worker_heartbeat(redis_url) is not None
            stop.wait(0.3)
    return True


def print_started(
    settings: Settings,
    redis_url: str,
    supervisor: Supervisor,
    private: PrivateRedis | None,
    standins: Standins,
) -> None:
    url = web_url(settings)
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row(t._("Web"), t._("%(url)s/   (health: %(url)s/healthz)", url=url))
    if private:
        where = t._(
            "%(url)s   (private, data and log in %(path)s)", url=redis_url, path=private.directory
        )
    else:
        where = t._("%(url)s   (external)", url=redis_url)
    facts.add_row("Redis", where)
    db = make_url(settings.database_url_resolved).render_as_string(hide_password=True)
    facts.add_row(t._("Database"), db)
    facts.add_row(t._("Bot"), bot_mode(settings, standins))
    for label, where in standins.panel_rows(settings):
        facts.add_row(label, where)
    children = [*standins.supervisor.children, *supervisor.children]
    pids = ", ".join(f"{c.name} {c.pid}" for c in children)
    facts.add_row(t._("Processes"), pids)
    facts.add_row(t._("Check"), t._("zvonok worker --check   (finds this Redis in run.json)"))
    title, subtitle = t._("Zvonok is running"), t._("Ctrl-C stops everything")
    console.print(Panel(facts, title=title, subtitle=subtitle))
    logins = saved_logins(settings.data_dir)
    if logins:
        print_logins(logins)
    pages = standins.chat_pages()
    if "Telegram" in pages:
        console.print(
            t._(
                "To talk to the bot in Telegram: open %(page)s, press “Write” next to a "
                "parent and send /start with their code.",
                page=pages["Telegram"],
            )
        )
    if "MAX" in pages:
        console.print(
            t._(
                "To talk to the bot in MAX: open %(page)s, press “Write” next to a parent "
                "and open the start link with their code.",
                page=pages["MAX"],
            )
        )


def bot_mode(settings: Settings, standins: Standins) -> str:
    if settings.telegram_webhook_url is not None:
        listen = f"{settings.telegram_webhook_host}:{settings.telegram_webhook_port}"
        return t._(
            "gets updates by webhook %(url)s (listens on %(listen)s)",
            url=settings.telegram_webhook_url,
            listen=listen,
        )
    api = standins.env().get("ZVONOK_TELEGRAM_API_URL", settings.telegram_api_url)
    return t._("polls the API (%(api)s)", api=api)
