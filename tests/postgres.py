"""Finding a PostgreSQL server for the tests, or starting a private one.

Order: ZVONOK_TEST_POSTGRES_URL; a server on 127.0.0.1:5432 (CI and the dev
machines run one); a throw-away cluster started from the Debian binaries
(`initdb`/`pg_ctl`) when they are installed. When none works the Postgres tests
are not run, and the test run says so in its summary.
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg


@dataclass
class PostgresServer:
    url: str  # postgresql://user@host:port/postgres
    how: str
    stop_dir: Path | None = None
    notes: list[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.stop_dir is not None:
            pg_ctl = _binary("pg_ctl")
            if pg_ctl:
                subprocess.run(
                    [pg_ctl, "-D", str(self.stop_dir / "data"), "-m", "immediate", "stop"],
                    capture_output=True,
                    check=False,
                )
            shutil.rmtree(self.stop_dir, ignore_errors=True)


async def _can_connect(url: str) -> bool:
    try:
        conn = await asyncpg.connect(url, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await conn.close()
    return True


def _binary(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return found[0] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_private(notes: list[str]) -> PostgresServer | None:
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl:
        notes.append("no PostgreSQL binaries (initdb, pg_ctl) are installed")
        return None
    base = Path(tempfile.mkdtemp(prefix="zvonok-pg-"))
    user = "postgres"
    cmd_prefix: list[str] = []
    if os.geteuid() == 0:
        # initdb refuses to run as root: run the private cluster as an ordinary user.
        if shutil.which("runuser") is None:
            notes.append("running as root and runuser is missing")
            return None
        cmd_prefix = ["runuser", "-u", "nobody", "--"]
        os.chmod(base, 0o777)
    port = _free_port()
    data = base / "data"
    steps = [
        [*cmd_prefix, initdb, "-D", str(data), "-U", user, "-A", "trust", "--no-sync"],
        [
            *cmd_prefix,
            pg_ctl,
            "-D",
            str(data),
            "-l",
            str(base / "log"),
            "-o",
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off",
            "-w",
            "start",
        ],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            notes.append(f"{Path(step[len(cmd_prefix)]).name} failed: {done.stderr.strip()[:200]}")
            shutil.rmtree(base, ignore_errors=True)
            return None
    return PostgresServer(f"postgresql://{user}@127.0.0.1:{port}/postgres", "started", base, notes)


def find_postgres() -> PostgresServer | list[str] | None:
    """A server to test against, or the reasons none could be had."""
    notes: list[str] = []
    explicit = os.environ.get("ZVONOK_TEST_POSTGRES_URL")
    candidates = [explicit] if explicit else ["postgresql://postgres@127.0.0.1:5432/postgres"]
    for url in candidates:
        if asyncio.run(_can_connect(url)):
            return PostgresServer(url, "found", notes=notes)
        notes.append(f"nothing answers at {url.split('@')[-1]}")
    if explicit:
        return notes
    server = _start_private(notes)
    return server if server is not None else notes
