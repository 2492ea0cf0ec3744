"""Running a test on one of a fixture's values instead of each (tests/conftest.py for
the databases, tests/bot/conftest.py for the messengers)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

import pytest


def one_value_per_test(
    metafunc: pytest.Metafunc,
    argname: str,
    values: Sequence[Any],
    *,
    each_marker: str,
    marks: dict[Any, list[pytest.MarkDecorator]] | None = None,
    indirect: bool = False,
) -> None:
    """Parametrize `argname` with one of `values`, chosen by a stable hash of the test's
    name, unless the test is marked `each_marker` or parametrizes `argname` itself."""
    if argname not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker(each_marker) is not None:
        return
    for mark in metafunc.definition.iter_markers("parametrize"):
        if argname in str(mark.args[0]):
            return
    chosen = values[zlib.crc32(metafunc.definition.nodeid.encode()) % len(values)]
    param = pytest.param(
        chosen, marks=(marks or {}).get(chosen, []), id=str(getattr(chosen, "value", chosen))
    )
    metafunc.definition.add_marker(pytest.mark.parametrize(argname, [param], indirect=indirect))
