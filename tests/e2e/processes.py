"""Running the `zvonok` command as a user does, from the end-to-end tests."""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path

ZVONOK = str(Path(sys.executable).parent / "zvonok")


def clean_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """This machine's environment without any ZVONOK_* of the developer's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZVONOK_")}
    env.update(ZVONOK_DATA_DIR=str(data_dir), COLUMNS="120", **extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.2)
