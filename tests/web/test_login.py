"""Signing in and out: passwords, the lock-out, the session cookie."""

from __future__ import annotations

import pytest

from core.models import AccessToken, Staff
from tests.builders import update_row
from tests.web.browser import PASSWORD, Web
from tests.web.conftest import settings
from webapp.app import create_app


def session_cookie_header(response: object) -> str:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    [found] = [h for h in headers if h.startswith("zvonok_session=")]
    return str(found)


async def test_teacher_signs_in_and_lands_on_today(web: Web) -> None:
    await web.give_password("math")
    browser = web.browser()
    page = await browser.get("/")
    assert page.status_code == 303 and page.headers["location"] == "/login"
    form = await browser.get("/login")
    assert "Вход в журнал" in form.text and 'name="csrf_token"' in form.text

    signed_in = await browser.submit("/login", {"login": " Math@1 ", "password": PASSWORD})
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
    start = await browser.get("/")
    assert start.headers["location"] == "/today"
    today = await browser.get("/today")
    assert today.status_code == 200
    assert "Иванова М.П." in today.text and "Школа №1" in today.text
    assert "учитель" in today.text and "Выйти" in today.text


async def test_sign_in_goes_back_to_the_page_asked_for_but_never_off_site(web: Web) -> None:
    await web.give_password("math")
    browser = web.browser()
    asked = await browser.get("/tokens")
    assert asked.headers["location"] == "/login?next=/tokens"
    await browser.get("/login?next=/tokens")
    back = await browser.submit(
        "/login", {"login": "math@1", "password": PASSWORD, "next": "/tokens"}
    )
    assert back.headers["location"] == "/tokens"

    other = web.browser()
    await other.get("/login")
    off_site = await other.submit(
        "/login", {"login": "math@1", "password": PASSWORD, "next": "//evil.example/x"}
    )
    assert off_site.headers["location"] == "/"


@pytest.mark.parametrize(
    ("login", "password"),
    [("math@1", "неверный-пароль"), ("nobody@1", PASSWORD), ("russian@1", PASSWORD)],
    ids=["wrong password", "unknown login", "no password set"],
)
async def test_failed_sign_in_says_the_same_and_opens_no_session(
    web: Web, login: str, password: str
) -> None:
    await web.give_password("math")
    browser = web.browser()
    await browser.get("/login")
    refused = await browser.submit("/login", {"login": login, "password": password})
    assert refused.status_code == 403
    assert "Неверный логин или пароль." in refused.text
    assert f'value="{login}"' in refused.text  # the login stays typed in
    assert password not in refused.text  # the password does not come back
    assert "zvonok_session" not in refused.headers.get("set-cookie", "")
    assert (await browser.get("/today")).headers["location"] == "/login?next=/today"


async def test_sign_in_in_english_after_the_switch(web: Web) -> None:
    await web.give_password("math")
    browser = web.browser()
    await browser.get("/login")
    switched = await browser.submit("/language", {"lang": "en", "next": "/login"})
    assert switched.headers["location"] == "/login"
    page = await browser.get("/login")
    assert "Sign in to the journal" in page.text and '<html lang="en">' in page.text
    refused = await browser.submit("/login", {"login": "math@1", "password": "wrong-one!"})
    assert "Wrong login or password." in refused.text


async def test_five_failures_lock_the_login_for_fifteen_minutes(web: Web) -> None:
    await web.give_password("math")
    browser = web.browser()
    await browser.get("/login")
    for _ in range(4):
        answer = await browser.submit("/login", {"login": "math@1", "password": "подбираю-пароль"})
        assert "Неверный логин или пароль." in answer.text
    fifth = await browser.submit("/login", {"login": "math@1", "password": "подбираю-пароль"})
    # 10:00 in Moscow now: closed until 10:15.
    assert fifth.status_code == 429
    assert "вход с этим логином закрыт до 10:15" in fifth.text

    web.clock.advance(minutes=14)
    right = await browser.submit("/login", {"login": "math@1", "password": PASSWORD})
    assert right.status_code == 429, "the right password does not open a closed login"
    assert "закрыт до 10:15" in right.text

    web.clock.advance(minutes=1)
    opened = await browser.submit("/login", {"login": "math@1", "password": PASSWORD})
    assert opened.status_code == 303
    assert (await browser.get("/today")).status_code == 200


async def test_a_success_forgets_earlier_failures(web: Web) -> None:
    await web.give_password("math")
    browser = web.browser()
    await browser.get("/login")
    for _ in range(4):
        await browser.submit("/login", {"login": "math@1", "password": "опечатка-в-пароле"})
    assert (
        await browser.submit("/login", {"login": "math@1", "password": PASSWORD})
    ).status_code == 303
    again = web.browser()
    await again.get("/login")
    for _ in range(4):
        answer = await again.submit("/login", {"login": "math@1", "password": "опечатка-в-пароле"})
        assert answer.status_code == 403, "four failures after a success do not lock"


async def test_failures_spread_over_more_than_the_window_do_not_lock(web: Web) -> None:
    await web.give_password("math")
    browser = web.browser()
    await browser.get("/login")
    for _ in range(4):
        await browser.submit("/login", {"login": "math@1", "password": "опечатка-в-пароле"})
    web.clock.advance(minutes=16)
    answer = await browser.submit("/login", {"login": "math@1", "password": "опечатка-в-пароле"})
    assert answer.status_code == 403


async def test_unknown_login_is_locked_out_exactly_like_a_real_one(web: Web) -> None:
    browser = web.browser()
    await browser.get("/login")
    answers = [
        await browser.submit("/login", {"login": "nobody@1", "password": "угадываю-пароль"})
        for _ in range(5)
    ]
    assert [a.status_code for a in answers] == [403, 403, 403, 403, 429]
    assert "закрыт до 10:15" in answers[-1].text


async def test_session_cookie_is_http_only_and_same_site(web: Web) -> None:
    await web.give_password("math")
    browser = web.browser()
    signed_in = await browser.login("math@1")
    cookie = session_cookie_header(signed_in).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # development: plain http on a laptop


async def test_session_cookie_is_secure_in_production(web: Web) -> None:
    await web.give_password("math")
    app = create_app(settings=settings(env="production"), database=web.db, clock=web.clock)
    web.app = app
    plain = web.browser()
    await plain.get("/login")
    # Secure cookies never travel over plain http: the form's CSRF cookie neither.
    refused = await plain.submit("/login", {"login": "math@1", "password": PASSWORD})
    assert refused.status_code == 403
    browser = web.browser(base_url="https://testserver")
    signed_in = await browser.login("math@1")
    cookie = session_cookie_header(signed_in).lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert (await browser.get("/today")).status_code == 200


async def test_logout_ends_the_session_even_for_a_copied_cookie(web: Web) -> None:
    browser = await web.signed_in("math")
    copied = browser.client.cookies["zvonok_session"]
    await browser.get("/today")
    out = await browser.submit("/logout")
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert (await browser.get("/today")).headers["location"] == "/login?next=/today"

    thief = web.browser()
    thief.client.cookies.set("zvonok_session", copied)
    assert (await thief.get("/today")).headers["location"] == "/login?next=/today"


async def test_session_ends_after_twelve_idle_hours(web: Web) -> None:
    browser = await web.signed_in("math")
    web.clock.advance(hours=11, minutes=59)
    assert (await browser.get("/today")).status_code == 200
    web.clock.advance(hours=11, minutes=59)  # used a moment ago: still alive
    assert (await browser.get("/today")).status_code == 200
    web.clock.advance(hours=12)
    assert (await browser.get("/today")).status_code == 303


async def test_locked_account_loses_its_open_session(web: Web) -> None:
    browser = await web.signed_in("math")
    await update_row(web.db, Staff, web.world.staff["math"], locked_at=web.clock.now)
    assert (await browser.get("/today")).headers["location"] == "/login?next=/today"
    await browser.get("/login")
    again = await browser.submit("/login", {"login": "math@1", "password": PASSWORD})
    assert again.status_code == 403 and "заблокирована" in again.text


async def test_only_a_hash_of_the_session_is_stored(web: Web) -> None:
    browser = await web.signed_in("math")
    secret = browser.client.cookies["zvonok_session"]
    async with web.db.session() as session:
        from sqlmodel import select

        rows = (await session.exec(select(AccessToken))).all()
    assert len(rows) == 1 and rows[0].kind == "session"
    assert secret not in rows[0].token_hash and len(secret) >= 40
