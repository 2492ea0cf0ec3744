"""The worker's dealings with the C allocator (glibc's malloc): fewer heaps, and the
free pages of a big job given back.

glibc gives each thread that allocates a heap ("arena") of its own, up to eight per
core. A worker's threads are its SQLite connections (aiosqlite runs each in a thread,
which builds the rows of its results) and the default executor (the backup packs and
encrypts there); memory freed in one arena is reused by that arena only, so every
thread keeps its own high-water mark resident. `malloc_trim` gives back what glibc
holds free: large objects and buffers, SQLite's memory, the threads' heaps (Python's
small objects live in its own allocator's arenas, which it does not reach).

Nothing happens where the C library is not glibc (musl, macOS): both calls are no-ops.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from typing import Any

log = logging.getLogger(__name__)

# glibc's mallopt parameter for the most arenas (malloc.h), and the worker's choice:
# the main thread's heap and one the other threads share.
M_ARENA_MAX = -8
ARENAS = 2


def _glibc() -> Any | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    # musl has neither malloc_trim nor this mallopt parameter.
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


def limit_arenas() -> None:
    """At most ARENAS heaps, unless MALLOC_ARENA_MAX (glibc's own variable) says how
    many. Call before any thread starts: arenas made earlier stay."""
    libc = _glibc()
    if libc is None or "MALLOC_ARENA_MAX" in os.environ:
        return
    if not libc.mallopt(M_ARENA_MAX, ARENAS):
        log.warning("mallopt(M_ARENA_MAX) refused: the allocator keeps its own limit")


def release_free_memory() -> None:
    """Give the heaps' free pages back to the system (`malloc_trim`): after a job that
    held a lot at once, so that its peak does not stay resident until the next one."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
