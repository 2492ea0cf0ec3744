"""Child processes for `zvonok run`: start, forward their output, stop them all.

Children run in their own sessions, so a Ctrl-C in the terminal reaches only
`zvonok run`; it then stops the children itself, in order, and waits for them.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO

from rich.console import Console
from rich.text import Text

from core.cli.common import t


@dataclass(frozen=True)
class ChildSpec:
    """What to run: a name for the log prefix, the argv and the environment."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str]
    style: str = "cyan"


@dataclass
class Child:
    spec: ChildSpec
    process: subprocess.Popen[str]
    forwarder: threading.Thread = field(repr=False)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def pid(self) -> int:
        return self.process.pid


class Supervisor:
    """Starts children, prefixes their output lines with their name, stops them."""

    def __init__(self, console: Console, prefix_width: int = 6) -> None:
        self.console = console
        self.children: list[Child] = []
        self._width = prefix_width

    def start(self, spec: ChildSpec) -> Child:
        process = subprocess.Popen(  # noqa: S603  (argv built by us, no shell)
            list(spec.argv),
            env=dict(spec.env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
            start_new_session=True,
        )
        forwarder = threading.Thread(
            target=self._forward, args=(spec, process.stdout), name=f"log-{spec.name}", daemon=True
        )
        forwarder.start()
        child = Child(spec, process, forwarder)
        self.children.append(child)
        return child

    def _forward(self, spec: ChildSpec, stream: IO[str] | None) -> None:
        if stream is None:
            return
        prefix = f"{spec.name:<{self._width}}│ "
        for line in stream:
            self.console.print(
                Text.assemble((prefix, spec.style), line.rstrip("\n")),
                highlight=False,
                soft_wrap=True,
            )
        stream.close()

    def exited(self) -> list[Child]:
        """Children that have ended (on their own, since `stop_all` was not called)."""
        return [child for child in self.children if child.process.poll() is not None]

    def stop_all(self, timeout: float = 10.0) -> dict[str, int]:
        """SIGTERM every child (last started first), SIGKILL what outlives `timeout`.

        Returns each child's exit code. Waits for the log forwarders too, so the
        children's last lines are printed before this returns.
        """
        for child in reversed(self.children):
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        codes: dict[str, int] = {}
        for child in reversed(self.children):
            codes[child.name] = self._wait_or_kill(child, deadline)
            child.forwarder.join(timeout=2)
        return codes

    def _wait_or_kill(self, child: Child, deadline: float) -> int:
        try:
            return child.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            note = t._("%(name)s did not stop in time: killing it", name=child.name)
            self.console.print(f"[yellow]{note}[/]")
            child.process.kill()
            return child.process.wait()
