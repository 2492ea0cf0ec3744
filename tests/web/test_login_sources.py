"""Sign-in lock-outs as a browser meets them: by the client's address and by the
known-device cookie (core/services/login_guard.py, core/known_devices.py).

On SQLite only: the counting is core's (tests/web/test_lockout.py runs it on both
databases); here the question is which address and cookie the web app hands to it.
"""

from __future__ import annotations

from tests.web.browser import PASSWORD, Browser, Web
from tests.web.journal_site import site_fixture  # noqa: F401  (the `site` fixture)
from tests.web.pages import text_of

ATTACKER = "203.0.113.66"


async def sign_in(browser: Browser, login: str, password: str) -> tuple[int, str]:
    answer = await browser.submit("/login", {"login": login, "password": password})
    return answer.status_code, text_of(answer.text)


async def test_spraying_one_password_over_thirty_logins_from_one_address_is_stopped(
    site: Web,
) -> None:
    await site.give_password("math")
    sprayer = site.browser(address=ATTACKER)
    await sprayer.get("/login")
    logins = [f"{key}@1" for key in site.world.staff if key != "stranger"]
    logins += [f"teacher{n}@1" for n in range(30 - len(logins))]
    answers = [await sign_in(sprayer, login, "Школа2026!") for login in logins]
    assert [status for status, _ in answers] == [403] * 19 + [429] * 11
    assert (
        "Слишком много неудачных попыток входа с этого адреса: вход с него закрыт до 10:15"
        in (answers[-1][1])
    )
    # Closed for every login from there, even with the right password...
    assert (await sign_in(sprayer, "math@1", PASSWORD))[0] == 429
    # ...and from there only.
    teacher = site.browser(address="198.51.100.10")
    await teacher.get("/login")
    assert (await sign_in(teacher, "math@1", PASSWORD))[0] == 303

    site.clock.advance(minutes=15)
    assert (await sign_in(sprayer, "math@1", PASSWORD))[0] == 303


async def test_an_attacker_cannot_lock_the_administrator_out(site: Web) -> None:
    await site.give_password("admin")
    attacker = site.browser(address=ATTACKER)
    await attacker.get("/login")
    answers = [await sign_in(attacker, "admin@1", "подбор-пароля") for _ in range(8)]
    assert [status for status, _ in answers] == [403] * 4 + [429] * 4
    assert "вход с этим логином закрыт до 10:15" in answers[-1][1]

    # The administrator at another address signs in, and the browser becomes known.
    office = site.browser(address="198.51.100.10")
    await office.get("/login")
    signed_in = await office.submit("/login", {"login": "admin@1", "password": PASSWORD})
    assert signed_in.status_code == 303
    [cookie] = [c for c in signed_in.headers.get_list("set-cookie") if "zvonok_device=" in c]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    device = office.client.cookies["zvonok_device"]
    assert "admin" not in device  # the cookie does not say whose it is

    # Even behind the attacker's own address (the school's one NAT address), the
    # browser that signed in before is let through: it counts as a source of its own.
    same_network = site.browser(address=ATTACKER)
    same_network.client.cookies.set("zvonok_device", device)
    await same_network.get("/login")
    assert (await sign_in(same_network, "admin@1", PASSWORD))[0] == 303
    assert (await sign_in(attacker, "admin@1", PASSWORD))[0] == 429
