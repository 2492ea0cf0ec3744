"""Fixtures of the web tests: the app with the builders' world, at a fixed clock.

`web` runs on SQLite only: a page or an endpoint asks core, whose commands and reads
are tested on SQLite and PostgreSQL in tests/integration; what the web tests check
(what a route shows, accepts and refuses) does not depend on the database. Modules
whose requests exercise database behaviour of their own (locking, counting queries,
big exports) use `web_on_both_databases` instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.db import Database
from core.settings import Settings
from tests.builders import NOW, build_world
from tests.keys import BACKUP_KEY
from tests.web.browser import Clock, Web
from webapp.app import create_app

SECRET = "web-tests-secret-key-long-enough-0123456789"


def settings(**values: object) -> Settings:
    values = {"backup_key": BACKUP_KEY, **values}  # production refuses to start without one
    return Settings(_env_file=None, secret_key=SECRET, **values)  # type: ignore[call-arg, arg-type]


async def sites(db: Database, config: Settings | None = None) -> AsyncIterator[Web]:
    """The app on `db` with the builders' world (with `config`: other settings)."""
    world = await build_world(db)
    clock = Clock(NOW)
    app = create_app(settings=config or settings(), database=db, clock=clock)
    site = Web(db=db, world=world, clock=clock, app=app)
    yield site
    for client in site.browsers:
        await client.aclose()


@pytest.fixture
async def web(sqlite_db: Database) -> AsyncIterator[Web]:
    """The web app at 10:00 in Moscow on the builders' TODAY, on SQLite."""
    async for site in sites(sqlite_db):
        yield site


@pytest.fixture
async def web_on_both_databases(db: Database) -> AsyncIterator[Web]:
    """The same app on SQLite and on PostgreSQL in turn."""
    async for site in sites(db):
        yield site
