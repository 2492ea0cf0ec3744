"""CSRF: every state-changing request of a browser needs the page's token."""

from __future__ import annotations

import re

import pytest
from sqlmodel import func, select

from core.models import AccessToken, Lesson
from tests.web.browser import PASSWORD, Web
from tests.web.routes import app_routes


async def count_api_tokens(web: Web) -> int:
    async with web.db.session() as session:
        query = select(func.count()).select_from(AccessToken).where(AccessToken.kind == "api")
        return int((await session.exec(query)).one())


async def test_form_without_the_token_is_refused_and_changes_nothing(web: Web) -> None:
    browser = await web.signed_in("math")
    await browser.get("/tokens")
    form = {"name": "Выгрузка", "current_password": PASSWORD}
    refused = await browser.submit("/tokens", form, csrf=False)
    assert refused.status_code == 403
    assert "Форма устарела" in refused.text
    forged = await browser.client.post("/tokens", data={**form, "csrf_token": "0" * 64})
    assert forged.status_code == 403 and "Форма устарела" in forged.text
    assert await count_api_tokens(web) == 0

    accepted = await browser.submit("/tokens", form)
    assert accepted.status_code == 201
    assert await count_api_tokens(web) == 1


async def test_a_token_from_another_session_does_not_work(web: Web) -> None:
    mine = await web.signed_in("math")
    await mine.get("/tokens")
    other = await web.signed_in("russian")
    await other.get("/tokens")
    assert other.csrf != mine.csrf
    form = {"name": "x", "current_password": PASSWORD, "csrf_token": other.csrf}
    refused = await mine.client.post("/tokens", data=form)
    assert refused.status_code == 403 and "Форма устарела" in refused.text
    assert await count_api_tokens(web) == 0


async def test_sign_in_form_needs_its_token_too(web: Web) -> None:
    await web.give_password("math")
    browser = web.browser()
    await browser.get("/login")
    refused = await browser.submit("/login", {"login": "math@1", "password": PASSWORD}, csrf=False)
    assert refused.status_code == 403
    assert "zvonok_session" not in refused.headers.get("set-cookie", "")
    # A site that never showed the form has no nonce cookie at all.
    stranger = web.browser()
    forged = await stranger.client.post(
        "/login", data={"login": "math@1", "password": PASSWORD, "csrf_token": browser.csrf}
    )
    assert forged.status_code == 403


async def test_logout_without_the_token_keeps_the_session(web: Web) -> None:
    browser = await web.signed_in("math")
    await browser.get("/today")
    assert (await browser.submit("/logout", csrf=False)).status_code == 403
    assert (await browser.get("/today")).status_code == 200


async def test_htmx_sends_the_token_in_its_header(web: Web) -> None:
    browser = await web.signed_in("math")
    await browser.get("/today")
    path = f"/today/lessons/{web.world.lessons['math7']}/roll-call"
    refused = await browser.htmx(path, csrf=False)
    assert refused.status_code == 403
    async with web.db.session() as session:
        lesson = await session.get(Lesson, web.world.lessons["math7"])
        assert lesson is not None and lesson.roll_called_at is None
    accepted = await browser.htmx(path)
    assert accepted.status_code == 200


def _page_routes_that_change_things(web: Web) -> list[str]:
    return [
        path
        for method, path in app_routes(web.app)
        if method in {"POST", "PUT", "PATCH", "DELETE"}
        # Hooks and the unsubscribe link are posted by other services (a gateway, a mail
        # provider's one-click): a signed URL, not a browser session, is their credential.
        and not path.startswith(("/api/", "/hooks/", "/unsubscribe/"))
    ]


async def test_every_page_form_in_the_app_refuses_a_post_without_the_token(web: Web) -> None:
    """Guards the pages added later too: each must use `page_router()`."""
    browser = await web.signed_in("math")
    await browser.get("/today")
    paths = _page_routes_that_change_things(web)
    assert {"/login", "/logout", "/password", "/tokens", "/language"} <= set(paths)
    for path in paths:
        concrete = re.sub(r"\{[^}]+\}", str(web.world.lessons["math7"]), path)
        answer = await browser.client.post(concrete, data={})
        assert answer.status_code == 403, f"POST {path} without a CSRF token: {answer.status_code}"
    assert (await browser.get("/today")).status_code == 200, "still signed in"


@pytest.mark.parametrize("with_header", [False, True])
async def test_the_api_takes_a_cookie_only_with_the_csrf_header(
    web: Web, with_header: bool
) -> None:
    browser = await web.signed_in("math")
    await browser.get("/today")
    headers = {"X-CSRF-Token": browser.htmx_token()} if with_header else {}
    answer = await browser.client.get("/api/v1/me", headers=headers)
    if with_header:
        assert answer.status_code == 200 and answer.json()["login"] == "math@1"
    else:
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "unauthorized"
