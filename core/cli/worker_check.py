"""`zvonok worker --check`: is a worker alive? Says what it checked, then OK or why not.

It finds Redis as `zvonok messages` finds the stand-ins: ZVONOK_REDIS_URL, or else the
private Redis of a running `zvonok run` (`<data_dir>/run.json`). A worker is alive when
both of its signs are fresh: our heartbeat (written every 30 s, expires after 90 s)
and arq's own health-check key (written every `health_check_interval`).
"""

from __future__ import annotations

import datetime as dt
from contextlib import closing
from dataclasses import dataclass
from typing import cast

import redis
from arq.constants import default_queue_name, health_check_key_suffix

from core import formats
from core.cli.common import LANGUAGE, console, t
from core.health import HEARTBEAT_KEY

ARQ_HEALTH_KEY = default_queue_name + health_check_key_suffix


@dataclass(frozen=True)
class Finding:
    """One thing checked: what, what was found, and whether it is fine."""

    what: str
    found: str
    ok: bool


def _heartbeat(value: str | None, now: dt.datetime) -> Finding:
    what = t._("the worker's heartbeat (%(key)s)", key=HEARTBEAT_KEY)
    if value is None:
        return Finding(what, t._("none: no worker wrote it in the last 90 seconds"), False)
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        return Finding(what, t._("unreadable: %(value)s", value=value), False)
    ago = max(0, round((now - at).total_seconds()))
    found = t.ngettext(
        "written at %(time)s, %(num)d second ago",
        "written at %(time)s, %(num)d seconds ago",
        ago,
        time=formats.time_with_seconds(at.astimezone(), LANGUAGE),
    )
    return Finding(what, found, True)


def _arq_health(value: str | None) -> Finding:
    what = t._("arq's health check (%(key)s)", key=ARQ_HEALTH_KEY)
    if value is None:
        return Finding(what, t._("none: no worker reported itself recently"), False)
    return Finding(what, value, True)


def check_worker(url: str, source: str, now: dt.datetime | None = None) -> list[Finding]:
    """Ask Redis at `url` for the worker's signs; the first finding is Redis itself."""
    where = t._("Redis %(url)s (from %(source)s)", url=url, source=source)
    client = redis.Redis.from_url(url, socket_timeout=2, decode_responses=True)
    with closing(client):  # redis-py 5.2 declares no types on `close` (pyproject.toml)
        try:
            client.ping()
            values = cast(list[str | None], client.mget([HEARTBEAT_KEY, ARQ_HEALTH_KEY]))
        except (redis.RedisError, OSError) as error:
            return [Finding(where, t._("does not answer: %(error)s", error=error), False)]
    heartbeat, health = values
    return [
        Finding(where, t._("answers"), True),
        _heartbeat(heartbeat, now or dt.datetime.now(dt.UTC)),
        _arq_health(health),
    ]


def print_findings(findings: list[Finding]) -> bool:
    """Print each finding and the verdict; True when the worker is alive."""
    for finding in findings:
        mark = "[green]✓[/]" if finding.ok else "[red]✗[/]"
        # soft_wrap: a long path or URL stays whole, to copy from the terminal.
        line = t._(
            "%(mark)s %(what)s: %(found)s", mark=mark, what=finding.what, found=finding.found
        )
        console.print(line, soft_wrap=True)
    alive = all(finding.ok for finding in findings)
    if alive:
        console.print(t._("[bold green]OK[/]: a worker is running."))
    else:
        console.print(t._("[bold red]Not OK[/]: no worker is running on this Redis."))
    return alive
