"""`<data_dir>/run.json`: what a running `zvonok run` started, read by the other commands.

`zvonok messages` finds the stand-ins there and `zvonok worker --check` the private
Redis, so neither needs an address pasted from the start-up panel.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.cli.common import fail, t
from core.settings import Settings

STATE_FILE = "run.json"


def read_state(data_dir: Path) -> dict[str, Any]:
    """The running `zvonok run`'s state, or a readable error when there is none."""
    path = data_dir / STATE_FILE
    try:
        state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(t._("`zvonok run` is not running: there is no %(path)s", path=path))
    except json.JSONDecodeError as error:
        fail(t._("%(path)s is damaged: %(error)s", path=path, error=error))
    return state


def redis_url_of(settings: Settings) -> tuple[str, str]:
    """The Redis to use and where it was found: ZVONOK_REDIS_URL, else `zvonok run`'s."""
    if settings.redis_url is not None:
        return settings.redis_url, "ZVONOK_REDIS_URL"
    path = settings.data_dir / STATE_FILE
    if not path.is_file():
        fail(
            t._(
                "ZVONOK_REDIS_URL is not set and `zvonok run` is not running (there is no "
                "%(path)s): point ZVONOK_REDIS_URL at the workers' Redis.",
                path=path,
            ),
            code=2,
        )
    url = read_state(settings.data_dir).get("redis_url")
    if not url:
        fail(t._("%(path)s names no Redis", path=path), code=2)
    return str(url), str(path)
