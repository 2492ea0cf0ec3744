"""Personal API tokens: made on the web or over the API, used as bearer tokens, revoked."""

from __future__ import annotations

import datetime as dt
import re

import httpx
from sqlmodel import select

from core.models import AccessToken
from core.services.staff import report_breach, set_password, unlock_staff
from tests.builders import NOW
from tests.web.browser import PASSWORD, Browser, Web
from tests.web.conftest import settings
from tests.web.pages import row_with, text_of
from webapp.app import create_app


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def test_token_made_on_the_page_is_shown_once_works_and_dies_when_revoked(web: Web) -> None:
    browser = await web.signed_in("math")
    await browser.get("/tokens")
    made = await browser.submit(
        "/tokens", {"name": "  Выгрузка   в 1С ", "current_password": PASSWORD}
    )
    assert made.status_code == 201
    assert "Токен «Выгрузка в 1С» создан" in text_of(made.text)
    secret = re.search(r'id="new-token">([^<]+)<', made.text)
    assert secret is not None
    token = secret.group(1)
    assert token.startswith("zvk_") and len(token) > 40

    api = web.browser().client
    me = await api.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json() == {
        "id": web.world.staff["math"],
        "login": "math@1",
        "last_name": "Иванова",
        "first_name": "Мария",
        "middle_name": "Петровна",
        "short_name": "Иванова М.П.",
        "roles": ["teacher"],
        "school": {"id": web.world.school_id, "name": "Школа №1"},
    }

    listed = await browser.get("/tokens")
    assert token not in listed.text  # shown once only
    row = row_with(listed.text, "Выгрузка в 1С")
    assert (
        row[1] == f"{token[:8]}…"
        and row[2] == "23.11.2026, 10:00"
        and row[3] == "23.11.2026, 10:00"
        and row[4] == "21.02.2027, 10:00"  # 90 days, ZVONOK_API_TOKEN_TTL_DAYS's default
    )
    assert "Токен действует 90 дней после создания." in text_of(listed.text)

    id_ = re.search(r'action="/tokens/(\d+)/revoke"', listed.text)
    assert id_ is not None
    revoked = await browser.submit(f"/tokens/{id_.group(1)}/revoke")
    assert revoked.status_code == 303
    assert "Действующих токенов нет." in text_of((await browser.get("/tokens")).text)
    assert (await api.get("/api/v1/me", headers=bearer(token))).status_code == 401


async def test_tokens_over_the_api(web: Web) -> None:
    first = await web.api_token("math", name="первый")
    api = web.browser().client
    made = await api.post(
        "/api/v1/tokens",
        json={"name": "второй", "current_password": PASSWORD},
        headers=bearer(first.secret),
    )
    assert made.status_code == 201
    second = made.json()
    assert second["name"] == "второй" and second["token"].startswith(second["hint"])
    assert second["created_at"].startswith("2026-11-23T07:00")
    assert second["expires_at"].startswith("2027-02-21T07:00")

    web.clock.advance(minutes=10)
    listed = await api.get("/api/v1/tokens", headers=bearer(second["token"]))
    assert [t["name"] for t in listed.json()] == ["второй", "первый"]
    assert all("token" not in t for t in listed.json())
    assert listed.json()[0]["last_used_at"].startswith("2026-11-23T07:10")

    gone = await api.delete(f"/api/v1/tokens/{first.info.id}", headers=bearer(second["token"]))
    assert gone.status_code == 204
    assert (await api.get("/api/v1/me", headers=bearer(first.secret))).status_code == 401
    twice = await api.delete(f"/api/v1/tokens/{first.info.id}", headers=bearer(second["token"]))
    assert twice.status_code == 422
    assert twice.json()["error"] == {
        "code": "token_already_revoked",
        "message": "Токен «первый» уже отозван.",
    }
    still = await api.get("/api/v1/tokens", headers=bearer(second["token"]))
    assert [t["name"] for t in still.json()] == ["второй"]


async def test_api_refusals_are_json_errors(web: Web) -> None:
    mine = await web.api_token("math", name="мой")
    theirs = await web.api_token("russian", name="чужой")
    api = web.browser().client

    nobody = await api.get("/api/v1/me")
    assert nobody.status_code == 401 and nobody.headers["www-authenticate"] == "Bearer"
    assert nobody.json()["error"]["code"] == "unauthorized"
    assert "Authorization: Bearer" in nobody.json()["error"]["message"]
    wrong = await api.get("/api/v1/me", headers=bearer("zvk_" + "x" * 43))
    assert wrong.status_code == 401

    other = await api.delete(f"/api/v1/tokens/{theirs.info.id}", headers=bearer(mine.secret))
    assert other.status_code == 404
    assert other.json() == {"error": {"code": "not_found", "message": "Не найдено: токен."}}
    english = await api.delete(
        f"/api/v1/tokens/{theirs.info.id}",
        headers={**bearer(mine.secret), "Accept-Language": "en-GB,en;q=0.9"},
    )
    assert english.json()["error"]["message"] == "Not found: token."
    long_name = await api.post(
        "/api/v1/tokens",
        json={"name": "я" * 101, "current_password": PASSWORD},
        headers=bearer(mine.secret),
    )
    assert long_name.status_code == 422
    assert long_name.json()["error"]["code"] == "invalid_request"
    assert (await api.get("/api/v1/me", headers=bearer(theirs.secret))).status_code == 200


async def test_a_session_cookie_secret_is_no_api_token(web: Web) -> None:
    browser = await web.signed_in("math")
    session = browser.client.cookies["zvonok_session"]
    api = web.browser().client
    assert (await api.get("/api/v1/me", headers=bearer(session))).status_code == 401


async def test_a_reported_breach_kills_every_token_for_good(web: Web) -> None:
    w = web.world
    token = await web.api_token("math", name="утёк")
    browser = await web.signed_in("math")
    await report_breach(
        web.uow(),
        actor=w.actor("admin"),
        staff_id=w.staff["math"],
        reported_at=NOW - dt.timedelta(minutes=5),
        lookback=dt.timedelta(days=7),
    )
    api = web.browser().client
    assert (await api.get("/api/v1/me", headers=bearer(token.secret))).status_code == 401
    assert (await browser.get("/today")).status_code == 303
    await unlock_staff(
        web.uow(),
        actor=w.actor("admin"),
        staff_id=w.staff["math"],
        new_password="новый-пароль-2026",
    )
    assert (await api.get("/api/v1/me", headers=bearer(token.secret))).status_code == 401
    assert (await browser.get("/today")).status_code == 303


async def test_openapi_document_lists_the_api_and_nothing_else(web: Web) -> None:
    api = web.browser().client
    answer = await api.get("/openapi.json")
    assert answer.status_code == 200
    document = answer.json()
    assert {
        "/api/v1/me",
        "/api/v1/tokens",
        "/api/v1/tokens/{token_id}",
        "/api/v1/today",
    } <= set(document["paths"])
    assert all(path.startswith("/api/v1/") for path in document["paths"]), "pages stay out"
    assert set(document["paths"]["/api/v1/tokens"]) == {"get", "post"}
    assert "delete" in document["paths"]["/api/v1/tokens/{token_id}"]
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    me = document["paths"]["/api/v1/me"]["get"]
    assert me["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorResponse"
    )
    # No Swagger UI: it would load its scripts from a CDN.
    assert (await api.get("/docs")).status_code == 404


async def test_pages_load_htmx_and_styles_from_the_app_itself(web: Web) -> None:
    client = web.browser().client
    page = await client.get("/login")
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert "/static/htmx.min.js" in sources and "/static/style.css" in sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    script = await client.get("/static/htmx.min.js")
    assert script.status_code == 200 and "htmx" in script.text[:200]
    assert (await client.get("/static/style.css")).status_code == 200
    assert isinstance(page, httpx.Response) and page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"


async def test_a_too_long_name_is_refused_on_the_page_and_nothing_is_made(web: Web) -> None:
    browser = await web.signed_in("math")
    await browser.get("/tokens")
    refused = await browser.submit("/tokens", {"name": "я" * 101, "current_password": PASSWORD})
    assert refused.status_code == 422
    assert "Название токена — не длиннее 100 символов." in text_of(refused.text)
    assert "zvk_" not in refused.text
    assert "Действующих токенов нет." in text_of(refused.text)


async def api_tokens(web: Web) -> list[AccessToken]:
    async with web.db.session() as session:
        return list(
            (await session.exec(select(AccessToken).where(AccessToken.kind == "api"))).all()
        )


async def test_a_token_needs_the_current_password_and_a_wrong_one_makes_none(web: Web) -> None:
    browser = await web.signed_in("math")
    await browser.get("/tokens")
    for password in ("не-мой-пароль", ""):
        refused = await browser.submit(
            "/tokens", {"name": "Выгрузка", "current_password": password}
        )
        assert refused.status_code == 403
        text = text_of(refused.text)
        assert "Текущий пароль указан неверно." in text
        assert "zvk_" not in refused.text and "Действующих токенов нет." in text
        assert 'value="Выгрузка"' in refused.text  # the name stays typed in
    assert await api_tokens(web) == []

    api = web.browser().client
    token = await web.api_token("math", name="программа")
    wrong = await api.post(
        "/api/v1/tokens",
        json={"name": "ещё", "current_password": "не-мой-пароль"},
        headers=bearer(token.secret),
    )
    assert wrong.status_code == 403
    assert wrong.json()["error"]["code"] == "wrong_current_password"
    missing = await api.post("/api/v1/tokens", json={"name": "ещё"}, headers=bearer(token.secret))
    assert missing.status_code == 422
    assert [t.name for t in await api_tokens(web)] == ["программа"]


async def test_a_token_expires_after_the_configured_days_like_an_unknown_one(web: Web) -> None:
    web.app = create_app(settings=settings(api_token_ttl_days=30), database=web.db, clock=web.clock)
    browser = await web.signed_in("math")
    await browser.get("/tokens")
    made = await browser.submit("/tokens", {"name": "отчёт", "current_password": PASSWORD})
    found = re.search(r'id="new-token">([^<]+)<', made.text)
    assert found is not None
    token = found.group(1)
    assert row_with(made.text, "отчёт")[4] == "23.12.2026, 10:00"
    assert "Токен действует 30 дней после создания." in text_of(made.text)

    api = web.browser().client
    web.clock.advance(days=29, hours=23, minutes=59)
    assert (await api.get("/api/v1/me", headers=bearer(token))).status_code == 200
    web.clock.advance(minutes=1)
    expired = await api.get("/api/v1/me", headers=bearer(token))
    unknown = await api.get("/api/v1/me", headers=bearer("zvk_" + "x" * 43))
    assert expired.status_code == unknown.status_code == 401
    assert expired.json() == unknown.json()

    browser = web.browser()  # the first session is long over; the password is the same
    await browser.login("math@1")
    listed = await browser.get("/tokens")
    assert row_with(listed.text, "отчёт")[4] == "истёк 23.12.2026, 10:00"


async def made_on_the_page(browser: Browser, name: str, password: str) -> str:
    await browser.get("/tokens")
    made = await browser.submit("/tokens", {"name": name, "current_password": password})
    found = re.search(r'id="new-token">([^<]+)<', made.text)
    assert found is not None, made.text
    return found.group(1)


async def test_a_password_change_or_reset_revokes_every_token(web: Web) -> None:
    browser = await web.signed_in("math")
    own = await made_on_the_page(browser, "мой", PASSWORD)
    api = web.browser().client
    assert (await api.get("/api/v1/me", headers=bearer(own))).status_code == 200

    await browser.get("/password")
    changed = await browser.submit(
        "/password",
        {"current": PASSWORD, "new": "новый-пароль-2026", "repeat": "новый-пароль-2026"},
    )
    assert changed.status_code == 200 and "Пароль изменён" in text_of(changed.text)
    assert (await api.get("/api/v1/me", headers=bearer(own))).status_code == 401
    assert (await browser.get("/tokens")).status_code == 200, "the session that changed it stays"
    assert "Действующих токенов нет." in text_of((await browser.get("/tokens")).text)

    again = await made_on_the_page(browser, "после смены", "новый-пароль-2026")
    assert (await api.get("/api/v1/me", headers=bearer(again))).status_code == 200
    await set_password(
        web.uow(),
        actor=web.world.actor("admin"),
        staff_id=web.world.staff["math"],
        password="пароль-от-администратора",
    )
    assert (await api.get("/api/v1/me", headers=bearer(again))).status_code == 401
    assert all(t.revoked_at is not None for t in await api_tokens(web))
