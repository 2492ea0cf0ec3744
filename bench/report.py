"""How benchmarks talk: progress on stderr, one summary line and one JSON line on stdout."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_STARTED = time.monotonic()


def progress(message: str) -> None:
    """One line of progress on stderr, prefixed with the seconds since start."""
    print(f"[{time.monotonic() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (`fraction` in 0..1) of `values`; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def spread(values: Sequence[float]) -> float:
    """Seconds from the first to the last of `values` (0 for fewer than two)."""
    return max(values) - min(values) if len(values) > 1 else 0.0


def busiest_window(times: Sequence[float], window: float = 1.0) -> int:
    """The most of `times` that fall within any `window` seconds (how bunched sends were)."""
    ordered = sorted(times)
    most, first = 0, 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= window:
            first += 1
        most = max(most, last - first + 1)
    return most


def rounded(value: float, digits: int = 3) -> float | None:
    """JSON has no NaN: a missing figure is null."""
    return None if math.isnan(value) else round(value, digits)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "nproc": os.cpu_count(),
        "memory_total_mb": _memory_total_mb(),
        "python": platform.python_version(),
        # Others' processes share the CPUs: the load at the end tells whether they did.
        "loadavg_1m": round(os.getloadavg()[0], 2),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "code": _code_version(),
    }


def _code_version() -> str | None:
    """The commit measured, "+changes" when the work tree differs from it."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "core", "notifier", "workers"],
            cwd=root,
            capture_output=True,
            text=True,
        )
    except OSError:
        return None
    if head.returncode != 0:
        return None
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def _memory_total_mb() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def emit(summary: str, figures: dict[str, Any]) -> None:
    """The human summary line, then the figures as the last stdout line (one JSON object)."""
    print(summary, flush=True)
    print(json.dumps({**figures, "machine": machine()}, ensure_ascii=False), flush=True)
