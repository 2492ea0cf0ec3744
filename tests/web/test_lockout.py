"""The login lock-out in core: concurrent failures, and no litter from guessed logins."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from core.errors import Forbidden, LoginBlocked
from core.models import LoginThrottle
from core.services.staff import authenticate
from tests.web.browser import PASSWORD, Web


@pytest.fixture
def web(web_on_both_databases: Web) -> Web:
    """On SQLite and PostgreSQL: these requests exercise the database's own behaviour."""
    return web_on_both_databases


async def throttles(web: Web) -> dict[str, int]:
    async with web.db.session() as session:
        rows = (await session.exec(select(LoginThrottle))).all()
    return {row.login: row.failures for row in rows}


async def attempt(web: Web, login: str, password: str) -> str:
    try:
        await authenticate(web.uow(), login=login, password=password)
    except LoginBlocked:
        return "blocked"
    except Forbidden:
        return "refused"
    return "ok"


async def test_failures_at_the_same_moment_are_all_counted(web: Web) -> None:
    await web.give_password("math")
    answers = await asyncio.gather(*(attempt(web, "math@1", "наугад-пароль") for _ in range(5)))
    assert sorted(answers) == ["blocked", "refused", "refused", "refused", "refused"]
    assert await attempt(web, "math@1", PASSWORD) == "blocked"


async def test_guessed_logins_leave_no_rows_once_their_window_is_over(web: Web) -> None:
    for login in ("guess-1", "guess-2", "guess-3"):
        assert await attempt(web, login, "наугад-пароль") == "refused"
    assert await throttles(web) == {"guess-1": 1, "guess-2": 1, "guess-3": 1}
    web.clock.advance(minutes=15)
    assert await attempt(web, "guess-4", "наугад-пароль") == "refused"
    assert await throttles(web) == {"guess-4": 1}


@pytest.mark.parametrize("login", ["math@1", "MATH@1 "])
async def test_a_success_clears_the_count(web: Web, login: str) -> None:
    await web.give_password("math")
    assert await attempt(web, "math@1", "наугад-пароль") == "refused"
    assert await attempt(web, login, PASSWORD) == "ok"
    assert await throttles(web) == {}
