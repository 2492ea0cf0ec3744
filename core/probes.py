"""Liveness, readiness and metrics over HTTP, for the processes' operators.

The web app answers these paths itself; a worker and the bot process have no web
server of their own, so when their port is set (`ZVONOK_WORKER_METRICS_PORT`,
`ZVONOK_BOT_METRICS_PORT`) `ProbeServer` serves them on the process's event loop:

- `/livez`: 200 while the event loop answers. A loop stuck in a computation or a
  blocking call answers late or never; the orchestrator's probe times out and it
  restarts the process.
- `/readyz`: 200 when the process can do its work now (its checks: the database,
  Redis, a worker's liveness key), else 503 naming the checks that failed. The error
  itself goes to the log only: a driver's text names hosts and users.
- `/metrics`: Prometheus's text format, behind `ZVONOK_METRICS_TOKEN` when it is set.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import SecretStr

import core.metrics  # noqa: F401  (its families are registered, so every process shows them)

log = logging.getLogger(__name__)

# A check raises when its dependency cannot serve the process now.
Check = Callable[[], Awaitable[Any]]
CHECK_SECONDS = 3.0  # a dependency slower than this is not ready either


async def _run_checks(checks: Mapping[str, Check]) -> tuple[bool, dict[str, str]]:
    """Run every check (at most CHECK_SECONDS each); whether all passed, and each's
    outcome ("ok" or "error")."""
    outcomes: dict[str, str] = {}
    for name, check in checks.items():
        try:
            async with asyncio.timeout(CHECK_SECONDS):
                await check()
        except Exception as error:  # any failure means "not ready"
            log.warning("readiness: %s failed: %s: %s", name, type(error).__name__, error)
            outcomes[name] = "error"
        else:
            outcomes[name] = "ok"
    return all(outcome == "ok" for outcome in outcomes.values()), outcomes


async def ready_answer(checks: Mapping[str, Check], **about: str) -> tuple[int, dict[str, str]]:
    """A readiness probe's answer: 200 or 503, and `{"status": "ok" | "error", **about,
    <check>: "ok" | "error", ...}`."""
    ready, outcomes = await _run_checks(checks)
    return (200 if ready else 503), {"status": "ok" if ready else "error", **about, **outcomes}


def token_accepted(token: SecretStr | None, authorization: str) -> bool:
    """Whether an Authorization header carries the metrics token (always, without one)."""
    if token is None:
        return True
    expected = f"Bearer {token.get_secret_value()}"
    return hmac.compare_digest(authorization.encode(), expected.encode())


class ProbeServer:
    """`/livez`, `/readyz` and `/metrics` of one process, on its own port."""

    def __init__(self, process: str, checks: Mapping[str, Check], token: SecretStr | None):
        self.process, self.checks, self.token = process, checks, token
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int | None) -> None:
        """Listen on `port` (None: serve nothing)."""
        if port is None:
            return
        app = web.Application()
        app.router.add_get("/livez", self._live)
        app.router.add_get("/readyz", self._ready)
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        log.info("%s probes and metrics on http://%s:%s/", self.process, host, port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _live(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "process": self.process})

    async def _ready(self, _request: web.Request) -> web.Response:
        status, body = await ready_answer(self.checks, process=self.process)
        return web.json_response(body, status=status)

    async def _metrics(self, request: web.Request) -> web.Response:
        if not token_accepted(self.token, request.headers.get("Authorization", "")):
            return web.Response(status=401, headers={"WWW-Authenticate": "Bearer"})
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})
