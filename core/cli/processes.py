"""The three long-running processes, started by module name only.

Core must not import webapp, workers or bots (an import-linter contract), so
`zvonok web|worker|bot` and `zvonok run` start them as `python -m ...`.
"""

from __future__ import annotations

import os

from core.cli.common import python_module
from core.settings import Settings


def web_argv(settings: Settings) -> list[str]:
    return python_module(
        "uvicorn",
        "webapp.app:create_app",
        "--factory",
        "--host",
        settings.web_host,
        "--port",
        str(settings.web_port),
        "--log-level",
        settings.log_level.lower(),
    )


def worker_argv() -> list[str]:
    return python_module("workers")


def bot_argv() -> list[str]:
    return python_module("bots")


def child_env(settings: Settings, *, redis_url: str) -> dict[str, str]:
    """The environment of `zvonok run`'s children: the same database, data and Redis."""
    env = dict(os.environ)
    env.update(
        ZVONOK_DATA_DIR=str(settings.data_dir.resolve()),
        ZVONOK_DATABASE_URL=settings.database_url_resolved,
        ZVONOK_REDIS_URL=redis_url,
        PYTHONUNBUFFERED="1",
    )
    return env


def web_url(settings: Settings) -> str:
    """Where a browser on this machine reaches the web app."""
    host = settings.web_host
    if host in ("0.0.0.0", "::", ""):  # noqa: S104  (we only read the setting)
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.web_port}"
