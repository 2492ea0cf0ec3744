"""Changing one's own password on the web."""

from __future__ import annotations

import pytest

from tests.web.browser import PASSWORD, Web
from tests.web.pages import text_of

NEW = "новый-пароль-2026"


async def test_password_change_keeps_this_session_and_ends_the_others(web: Web) -> None:
    browser = await web.signed_in("math")
    elsewhere = web.browser()
    assert (await elsewhere.login("math@1")).status_code == 303
    await browser.get("/password")
    done = await browser.submit("/password", {"current": PASSWORD, "new": NEW, "repeat": NEW})
    assert done.status_code == 200
    assert "Пароль изменён" in text_of(done.text)

    assert (await browser.get("/today")).status_code == 200
    assert (await elsewhere.get("/today")).headers["location"] == "/login?next=/today"
    old = web.browser()
    await old.get("/login")
    assert (
        await old.submit("/login", {"login": "math@1", "password": PASSWORD})
    ).status_code == 403
    assert (await old.submit("/login", {"login": "math@1", "password": NEW})).status_code == 303


@pytest.mark.parametrize(
    ("current", "new", "repeat", "status", "says"),
    [
        (PASSWORD, NEW, NEW + "!", 422, "Новый пароль и его повтор не совпадают."),
        ("не-тот-пароль", NEW, NEW, 403, "Текущий пароль указан неверно."),
        (PASSWORD, "ёж-42", "ёж-42", 422, "нужно не меньше 8 символов"),
        (PASSWORD, "12345678", "12345678", 422, "слишком распространён"),
        (PASSWORD, "ababababab", "ababababab", 422, "не меньше 5 разных символов"),
        (PASSWORD, "MATH@1-и-ещё", "MATH@1-и-ещё", 422, "не должен содержать логин"),
    ],
    ids=["repeat differs", "wrong current", "short", "common", "repetitive", "has login"],
)
async def test_refused_change_says_why_and_keeps_the_old_password(
    web: Web, current: str, new: str, repeat: str, status: int, says: str
) -> None:
    browser = await web.signed_in("math")
    await browser.get("/password")
    refused = await browser.submit("/password", {"current": current, "new": new, "repeat": repeat})
    assert refused.status_code == status
    assert says in text_of(refused.text)
    assert new not in refused.text  # passwords are never sent back
    check = web.browser()
    await check.get("/login")
    assert (
        await check.submit("/login", {"login": "math@1", "password": PASSWORD})
    ).status_code == 303


async def test_password_page_in_english(web: Web) -> None:
    browser = await web.signed_in("math")
    await browser.get("/password")
    await browser.submit("/language", {"lang": "en", "next": "/password"})
    page = await browser.get("/password")
    assert "Change password" in page.text
    refused = await browser.submit(
        "/password", {"current": PASSWORD, "new": "short", "repeat": "short"}
    )
    assert "The password is too short: at least 8 characters." in text_of(refused.text)
