"""Linux network namespaces as the "hosts" of a benchmark: each process of a deployment
on a machine of its own, reaching the others over a network.

`hosts(["db", "worker1", ...])` makes one namespace per name, each with its own
loopback and one interface on a bridge in this namespace, with addresses 10.77.0.2,
10.77.0.3, … in order; this namespace, at 10.77.0.1, is "the internet" (the
messengers' stand-ins). `Host.run(argv)` is the command that runs `argv` on that host
(`ip netns exec`). Everything is removed when the block ends, also after a failure,
and names carry this process's id, so two runs never meet. Needs root and `ip`
(iproute2); `unavailable()` says why not when they are missing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

SUBNET = "10.77.0"
OUTSIDE = f"{SUBNET}.1"  # this namespace, on the bridge


@dataclass(frozen=True)
class Host:
    name: str
    namespace: str
    address: str

    def run(self, argv: Sequence[str]) -> list[str]:
        """`argv` run inside this host's namespace."""
        return ["ip", "netns", "exec", self.namespace, *argv]


def unavailable() -> str | None:
    """Why namespaces cannot be made here, or None."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if shutil.which("ip") is None:
        return "the ip command (iproute2) is missing"
    return None


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@contextlib.contextmanager
def hosts(names: Sequence[str]) -> Iterator[dict[str, Host]]:
    """One namespace per name on a private bridge (see the module's doc)."""
    if len(names) > 250:
        raise ValueError("at most 250 hosts on one /24")
    tag = f"{os.getpid() % 100_000}"
    bridge = f"zvbr{tag}"
    made: list[str] = []
    try:
        _ip("link", "add", bridge, "type", "bridge")
        _ip("addr", "add", f"{OUTSIDE}/24", "dev", bridge)
        _ip("link", "set", bridge, "up")
        found: dict[str, Host] = {}
        for index, name in enumerate(names):
            namespace = f"zv{tag}-{name}"
            veth = f"zv{tag}v{index}"  # at most 15 characters, as Linux allows
            _ip("netns", "add", namespace)
            made.append(namespace)
            _ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", namespace)
            _ip("link", "set", veth, "master", bridge)
            _ip("link", "set", veth, "up")
            address = f"{SUBNET}.{index + 2}"
            inside = ["-n", namespace]
            _ip(*inside, "addr", "add", f"{address}/24", "dev", "eth0")
            _ip(*inside, "link", "set", "eth0", "up")
            _ip(*inside, "link", "set", "lo", "up")
            found[name] = Host(name, namespace, address)
        yield found
    finally:
        for namespace in made:  # removing a namespace removes its end of the veth too
            with contextlib.suppress(subprocess.CalledProcessError):
                _ip("netns", "delete", namespace)
        with contextlib.suppress(subprocess.CalledProcessError):
            _ip("link", "delete", bridge)
