"""The sign-in lock-outs in core (core/services/login_guard.py): per login and source,
per address (password spraying), per login over every address (and known devices,
which pass it); concurrent failures; no litter from guessed logins."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from core.errors import Forbidden, LoginBlocked
from core.known_devices import remember_device
from core.models import LoginThrottle
from core.services import login_guard
from core.services.login_guard import Client
from core.services.staff import authenticate
from tests.web.browser import PASSWORD, Web

# Both databases, each test: concurrent failed sign-ins are counted by each database's own locking.
pytestmark = pytest.mark.both_databases

ATTACKER = Client(address="203.0.113.66")
SCHOOL = Client(address="198.51.100.10")
KEY = "device-key-of-the-tests"


@pytest.fixture
def web(web_on_both_databases: Web) -> Web:
    """On SQLite and PostgreSQL: these requests exercise the database's own behaviour."""
    return web_on_both_databases


async def throttles(web: Web) -> dict[tuple[str, str], int]:
    async with web.db.session() as session:
        rows = (await session.exec(select(LoginThrottle))).all()
    return {(row.login, row.source): row.failures for row in rows}


async def attempt(web: Web, login: str, password: str, client: Client = SCHOOL) -> str:
    try:
        await authenticate(web.uow(), login=login, password=password, client=client)
    except LoginBlocked as blocked:
        return blocked.code
    except Forbidden:
        return "refused"
    return "ok"


async def test_failures_at_the_same_moment_are_all_counted(web: Web) -> None:
    await web.give_password("math")
    answers = await asyncio.gather(*(attempt(web, "math@1", "наугад-пароль") for _ in range(5)))
    assert sorted(answers) == ["login_blocked", "refused", "refused", "refused", "refused"]
    assert await attempt(web, "math@1", PASSWORD) == "login_blocked"


async def test_guessed_logins_leave_no_rows_once_their_window_is_over(web: Web) -> None:
    for login in ("guess-1", "guess-2", "guess-3"):
        assert await attempt(web, login, "наугад-пароль") == "refused"
    school = "ip:198.51.100.10"
    assert await throttles(web) == {
        **{(login, school): 1 for login in ("guess-1", "guess-2", "guess-3")},
        **{(login, ""): 1 for login in ("guess-1", "guess-2", "guess-3")},
        ("", school): 3,
    }
    web.clock.advance(minutes=15)
    assert await attempt(web, "guess-4", "наугад-пароль") == "refused"
    assert await throttles(web) == {("guess-4", school): 1, ("guess-4", ""): 1, ("", school): 1}


@pytest.mark.parametrize("login", ["math@1", "MATH@1 "])
async def test_a_success_clears_its_own_count_only(web: Web, login: str) -> None:
    await web.give_password("math")
    assert await attempt(web, "math@1", "наугад-пароль") == "refused"
    assert await attempt(web, login, PASSWORD) == "ok"
    # The address's and the login's counts stay: signing in to one account must not
    # wipe out what a sprayer or a botnet did.
    assert await throttles(web) == {("", "ip:198.51.100.10"): 1, ("math@1", ""): 1}


async def test_hammering_a_login_from_one_address_closes_it_for_that_address_only(
    web: Web,
) -> None:
    await web.give_password("admin")
    answers = [await attempt(web, "admin@1", "подбор-пароля", ATTACKER) for _ in range(12)]
    assert answers == ["refused"] * 4 + ["login_blocked"] * 8
    assert await attempt(web, "admin@1", PASSWORD, ATTACKER) == "login_blocked"
    assert await attempt(web, "admin@1", PASSWORD, SCHOOL) == "ok"
    # Knocking while closed is not counted: the block ends on time, however long the
    # attacker keeps on; the next round closes the attacker's address again, only it.
    web.clock.advance(minutes=15)
    assert await attempt(web, "admin@1", "подбор-пароля", ATTACKER) == "refused"
    assert await attempt(web, "admin@1", PASSWORD, SCHOOL) == "ok"


async def test_an_ipv6_host_counts_by_its_network() -> None:
    first = login_guard.attempt_of("admin@1", Client(address="2001:db8:1:2::1"))
    second = login_guard.attempt_of("admin@1", Client(address="2001:db8:1:2:ffff::9"))
    mapped = login_guard.attempt_of("admin@1", Client(address="::ffff:203.0.113.66"))
    assert first.source == second.source == "ip:2001:db8:1:2::/64"
    assert mapped.source == "ip:203.0.113.66"


async def test_many_addresses_close_a_login_but_never_for_its_known_devices(web: Web) -> None:
    await web.give_password("admin")
    # Fifty failures from ten addresses, five each (each address stays under its own
    # limits): counted as authenticate counts them, without fifty argon2 checks.
    for n in range(10):
        bot = login_guard.attempt_of("admin@1", Client(address=f"192.0.2.{n + 1}"))
        for _ in range(login_guard.MAX_FAILURES):
            async with web.uow() as uow:
                await login_guard.record_failure(uow, bot)
                await uow.commit()
    assert await attempt(web, "admin@1", PASSWORD, SCHOOL) == "login_blocked_new_devices"

    own_browser = Client(
        address="198.51.100.77",
        device_cookie=remember_device(KEY, "admin@1", ""),
        device_key=KEY,
    )
    assert await attempt(web, "admin@1", PASSWORD, own_browser) == "ok"
    # A device cookie made for another login, or signed with another key, is no proof.
    other = Client(SCHOOL.address, remember_device(KEY, "math@1", ""), KEY)
    forged = Client(SCHOOL.address, remember_device("another-key", "admin@1", ""), KEY)
    for client in (other, forged):
        assert await attempt(web, "admin@1", PASSWORD, client) == "login_blocked_new_devices"
