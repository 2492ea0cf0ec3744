"""`site`: the `web` fixture on SQLite only, for the journal's page tests.

Pages that only read, and forms whose rules core's own tests cover on both
backends, need no second database (the suite stays fast).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.db import Database
from tests.builders import NOW, build_world
from tests.web.browser import Clock, Web
from tests.web.conftest import settings
from webapp.app import create_app


@pytest.fixture(name="site")
async def site_fixture(sqlite_db: Database) -> AsyncIterator[Web]:
    world = await build_world(sqlite_db)
    clock = Clock(NOW)
    web = Web(sqlite_db, world, clock, create_app(settings(), database=sqlite_db, clock=clock))
    yield web
    for client in web.browsers:
        await client.aclose()
