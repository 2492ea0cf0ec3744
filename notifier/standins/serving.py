"""Serving a bot stand-in: in a test's event loop (`serve_standin`, under
`run_telegram_emulator` and `run_max_standin`) or as a process of its own (`serve_main`,
under `python -m notifier.standins.telegram_api` and `... .max_server`)."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

import uvicorn
from starlette.applications import Starlette
from starlette.routing import BaseRoute

from notifier.standins.asgi import serve_asgi
from notifier.standins.update_stream import UpdateStream


class Closing(Protocol):
    async def close(self) -> None: ...


ControlT = TypeVar("ControlT", bound=Closing)


def standin_app(
    routes: Sequence[BaseRoute], updates: UpdateStream[Any] | Sequence[UpdateStream[Any]]
) -> Starlette:
    """`updates`: the stream of each bot served (closed at shutdown, waking long polls)."""
    streams = _streams(updates)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        for stream in streams:
            await stream.close()

    return Starlette(routes=list(routes), lifespan=lifespan)


@contextlib.asynccontextmanager
async def serve_standin(
    app: Starlette,
    updates: UpdateStream[Any] | Sequence[UpdateStream[Any]],
    control: Callable[[str], ControlT],
    host: str,
    port: int,
) -> AsyncIterator[tuple[str, ControlT]]:
    """Serve `app` on this event loop (port 0 picks a free port); yields its base URL and
    a control client for it."""
    async with serve_asgi(app, host, port) as bound_port:
        base_url = f"http://{host}:{bound_port}"
        client = control(base_url)
        try:
            yield base_url, client
        finally:
            await client.close()
            # Wake the long polls first, or the server's shutdown waits out their timeouts.
            for stream in _streams(updates):
                await stream.close()


@contextlib.asynccontextmanager
async def serve_bots(
    app: Starlette,
    updates: Sequence[UpdateStream[Any]],
    control: Callable[..., ControlT],
    prefixes: Sequence[str],
    host: str,
    port: int,
) -> AsyncIterator[tuple[str, ControlT, list[ControlT]]]:
    """`serve_standin` for a stand-in serving several bots at one address: also yields a
    control client for each school bot, at its prefix (`control(base_url, prefix)`)."""
    async with serve_standin(app, updates, control, host, port) as (base_url, client):
        own = [control(base_url, prefix) for prefix in prefixes]
        try:
            yield base_url, client, own
        finally:
            for school_client in own:
                await school_client.close()


def _streams(
    updates: UpdateStream[Any] | Sequence[UpdateStream[Any]],
) -> tuple[UpdateStream[Any], ...]:
    return (updates,) if isinstance(updates, UpdateStream) else tuple(updates)


def standin_arguments(description: str, *, port: int, token: str) -> argparse.ArgumentParser:
    """The options both stand-ins take when run alone; each adds its own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--token", default=token)
    parser.add_argument("--no-limits", action="store_true", help="disable the rate limits")
    parser.add_argument(
        "--invites-file", type=Path, help="demo invite codes to show on the chat page (/chat/)"
    )
    parser.add_argument(
        "--log-level", default="info", choices=["debug", "info", "warning", "error"]
    )
    return parser


def serve_main(app: Starlette, args: argparse.Namespace) -> None:
    # Long polls would hold a graceful shutdown for their whole timeout: cap the wait.
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        timeout_graceful_shutdown=2,
    )
