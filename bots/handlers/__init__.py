"""One Router per feature; `bots.app.build_dispatcher` includes them in this order.

Order matters where filters overlap: commands and buttons of the features first,
then the catch-all that answers anything else (`fallthrough`, last).
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Router

from bots.handlers import start

ROUTER_BUILDERS: list[Callable[[], Router]] = [
    start.build_router,
]
