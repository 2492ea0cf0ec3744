"""Serve an ASGI app with uvicorn inside the current event loop (tests, `zvonok run`)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.types import ASGIApp

TICK = 0.1  # uvicorn's own: the Date header and the exit flag are looked at this often
DRAIN = 0.1  # how long closed connections may take to be seen closed


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()
        self.exit_now = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()

    async def main_loop(self) -> None:
        """uvicorn's loop of ticks, woken at once by `stop` instead of at the next tick
        (a test starts and stops stand-ins by the hundred)."""
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.exit_now.wait(), TICK)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's shutdown gives open connections a tenth of a second to finish; when
        the clients closed theirs (they have, in a test's teardown) there is nothing to
        wait for once the server has seen them go."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DRAIN
        while self._busy() and loop.time() < deadline:  # noqa: ASYNC110  (uvicorn sets no event)
            await asyncio.sleep(DRAIN / 20)
        if self._busy():
            await super().shutdown(sockets)
            return
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()

    def _busy(self) -> bool:
        return bool(self.server_state.connections or self.server_state.tasks)

    def stop(self) -> None:
        self.should_exit = True
        self.exit_now.set()


@asynccontextmanager
async def serve_asgi(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[int]:
    """Serve `app` until the block ends; yields the bound port (port 0 picks a free one)."""
    # Binding ourselves makes the port known before uvicorn starts, and stable.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=2
    )
    server = _Server(config)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    ready = asyncio.create_task(server.ready.wait())
    await asyncio.wait({serving, ready}, return_when=asyncio.FIRST_COMPLETED)
    if not server.ready.is_set():
        ready.cancel()
        sock.close()
        await serving  # re-raises why it could not start
        raise RuntimeError(f"the server on {host}:{port} stopped before serving")
    try:
        yield int(sock.getsockname()[1])
    finally:
        server.stop()
        await serving
        sock.close()
