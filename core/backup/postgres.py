"""PostgreSQL's own tools, pg_dump and pg_restore: found, version-checked, run.

pg_dump refuses a server newer than itself, and pg_restore cannot read an archive
written by a newer pg_dump: both are checked first, so the IT person reads which
client tools to install instead of pg_dump's "server version mismatch".
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from core.errors import BackupError

_VERSION = re.compile(r"\)\s*(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class PgTool:
    name: str  # pg_dump | pg_restore
    path: str
    version: str  # "15.20"

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])


def parse_version(output: str) -> str:
    """`pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)` → `15.20`."""
    found = _VERSION.search(output)
    if found is None:
        raise ValueError(f"no version in {output!r}")
    return ".".join(part for part in found.groups() if part)


def check_versions(tool: PgTool, server_major: int) -> None:
    """Refuse a tool older than the server (or than the dump it must read)."""
    if tool.major < server_major:
        raise BackupError(
            "pg_tool_too_old",
            tool=tool.name,
            tool_version=tool.version,
            server_version=str(server_major),
        )


async def _run(argv: Sequence[str], env: dict[str, str] | None = None) -> str:
    process = await asyncio.create_subprocess_exec(
        *argv,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        detail = err.decode(errors="replace").strip() or f"exit code {process.returncode}"
        raise BackupError("pg_tool_failed", tool=Path(argv[0]).name, detail=detail[-2000:])
    return out.decode(errors="replace")


def tool_path(name: str, bin_dir: Path | None) -> str:
    path = str(bin_dir / name) if bin_dir else shutil.which(name)
    if path is None or not Path(path).is_file():
        raise BackupError("pg_tool_missing", tool=name, path=path or "PATH")
    return path


async def find_tool(name: str, bin_dir: Path | None) -> PgTool:
    path = tool_path(name, bin_dir)
    return PgTool(name, path, parse_version(await _run([path, "--version"])))


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and the environment carrying it (so it
    shows in no process list)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


async def dump(tool: PgTool, url: str, snapshot: str, target: Path) -> None:
    """pg_dump in the exported snapshot `snapshot`: the same state the manifest reads."""
    dbname, env = libpq_target(url)
    await _run(
        [
            tool.path,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--snapshot={snapshot}",
            f"--file={target}",
            f"--dbname={dbname}",
        ],
        env,
    )


async def restore(tool: PgTool, source: Path, url: str) -> None:
    """pg_restore into an empty database, all or nothing."""
    dbname, env = libpq_target(url)
    await _run(
        [
            tool.path,
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={dbname}",
            str(source),
        ],
        env,
    )
