"""Make sure the browser tests have their browser: `python -m tests.browser_setup`.

The browser tests (tests/browser) drive Debian's Chromium through Playwright with
`executable_path`; Playwright's own browser download is not used (it cannot reach
its servers from here). Exits 0 when the browser is there (`/usr/bin/chromium`, or
the path in CHROMIUM_PATH); else installs Debian's `chromium` when apt-get is
available and we are root; else says exactly what to install, and exits 1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

DEFAULT_CHROMIUM = "/usr/bin/chromium"
SETUP_COMMAND = "python -m tests.browser_setup"
APT_PACKAGE = "chromium"


def chromium_path() -> Path:
    """Where the browser tests look for Chromium."""
    return Path(os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM)


def chromium_missing_message() -> str:
    path = chromium_path()
    return (
        f"Chromium is not at {path}: the browser tests need it. Run `{SETUP_COMMAND}` "
        f"(as root it installs Debian's `{APT_PACKAGE}` package: "
        f"`apt-get update && apt-get install -y {APT_PACKAGE}`), or point CHROMIUM_PATH "
        "at a Chromium or Chrome binary."
    )


def _apt_install() -> bool:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", APT_PACKAGE]):
        print("+", " ".join(command), flush=True)
        if subprocess.run(command, env=env, check=False).returncode != 0:
            return False
    return True


def main() -> int:
    path = chromium_path()
    if path.exists():
        print(f"Chromium found: {path}")
        return 0
    can_install = shutil.which("apt-get") is not None and os.geteuid() == 0
    if can_install and path == Path(DEFAULT_CHROMIUM) and _apt_install() and path.exists():
        print(f"Chromium installed: {path}")
        return 0
    print(chromium_missing_message(), file=sys.stderr)
    if not can_install:
        print(
            f"Install it as root: `apt-get update && apt-get install -y {APT_PACKAGE}` "
            "(Debian, Ubuntu), or set CHROMIUM_PATH.",
            file=sys.stderr,
        )
    return 1


if __name__ == "__main__":
    sys.exit(main())
