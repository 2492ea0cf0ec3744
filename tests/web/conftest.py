"""Fixtures of the web tests: the app on the `db` fixture (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.db import Database
from core.settings import Settings
from tests.builders import NOW, build_world
from tests.web.browser import Clock, Web
from webapp.app import create_app

SECRET = "web-tests-secret-key-long-enough-0123456789"


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, secret_key=SECRET, **values)  # type: ignore[call-arg, arg-type]


@pytest.fixture
async def web(db: Database) -> AsyncIterator[Web]:
    """The web app at 10:00 in Moscow on the builders' TODAY, with the builders' world."""
    world = await build_world(db)
    clock = Clock(NOW)
    app = create_app(settings=settings(), database=db, clock=clock)
    site = Web(db=db, world=world, clock=clock, app=app)
    yield site
    for client in site.browsers:
        await client.aclose()
