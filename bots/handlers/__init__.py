"""The bot's features, written once for every messenger (`bots.dialog`).

One Router per feature; `build_dialogue` tries them in this order. Order matters
where routes overlap: commands and buttons of the features first, then the catch-all
that answers anything else (`fallthrough`, last).
"""

from __future__ import annotations

from collections.abc import Callable

from bots.dialog.errors import on_error
from bots.dialog.router import Dialogue, Router
from bots.handlers import (
    acknowledge,
    consent,
    fallthrough,
    homework,
    reading,
    settings,
    start,
    stop,
    summary,
)

ROUTER_BUILDERS: list[Callable[[], Router]] = [
    consent.build_router,  # first: a re-consent owed is asked before anything else
    start.build_router,
    stop.build_router,
    reading.build_router,
    summary.build_router,
    settings.build_router,
    acknowledge.build_router,
    homework.build_router,
    fallthrough.build_router,  # the catch-all: keep it last
]


def build_dialogue() -> Dialogue:
    return Dialogue([build() for build in ROUTER_BUILDERS], on_error)
