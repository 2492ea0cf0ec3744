"""A person at a browser: the web app over httpx's ASGI transport, with its own cookies.

`Browser.get` / `Browser.submit` work like a browser: `submit` sends a form with the
CSRF token of the last page seen (as the hidden field does), unless told not to.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI

from core.db import Database
from core.models import Staff
from core.services.access_tokens import NewApiToken, create_api_token
from core.services.staff import set_password
from core.uow import UnitOfWork
from tests.builders import World

PASSWORD = "звонок-на-урок-2026"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
_HX_HEADERS = re.compile(r"hx-headers='\{\"X-CSRF-Token\": \"([0-9a-f]+)\"\}'")


class Clock:
    """The time the web app sees: stands still until a test moves it."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class Browser:
    client: httpx.AsyncClient
    csrf: str = ""
    last: httpx.Response | None = field(default=None)

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        response = await self.client.get(path, **kwargs)
        self._remember(response)
        return response

    async def submit(
        self, path: str, data: dict[str, str] | None = None, *, csrf: bool = True, **kwargs: Any
    ) -> httpx.Response:
        """POST a form as the page's form would (with the page's CSRF token)."""
        form = dict(data or {})
        if csrf:
            assert self.csrf, "open a page with a form first"
            form["csrf_token"] = self.csrf
        response = await self.client.post(path, data=form, **kwargs)
        self._remember(response)
        return response

    async def htmx(self, path: str, *, csrf: bool = True) -> httpx.Response:
        """An htmx POST: no form field, the token in the header `hx-headers` sets."""
        headers = {"HX-Request": "true"}
        if csrf:
            headers["X-CSRF-Token"] = self.htmx_token()
        return await self.client.post(path, headers=headers)

    def htmx_token(self) -> str:
        assert self.last is not None
        found = _HX_HEADERS.search(self.last.text)
        assert found, "the page gives htmx no CSRF header"
        return found.group(1)

    def _remember(self, response: httpx.Response) -> None:
        if response.headers.get("content-type", "").startswith("text/html"):
            self.last = response
            found = _CSRF_FIELD.search(response.text)
            if found:
                self.csrf = found.group(1)

    async def login(self, login: str, password: str = PASSWORD) -> httpx.Response:
        await self.get("/login")
        return await self.submit("/login", {"login": login, "password": password})


@dataclass
class Web:
    """The app under test on a database with the builders' world."""

    db: Database
    world: World
    clock: Clock
    app: FastAPI
    browsers: list[httpx.AsyncClient] = field(default_factory=list)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.db, clock=self.clock)

    def browser(self, base_url: str = "http://testserver", address: str = "127.0.0.1") -> Browser:
        """A browser of its own (cookies), at the client address `address`."""
        transport = httpx.ASGITransport(app=self.app, client=(address, 50000))
        client = httpx.AsyncClient(transport=transport, base_url=base_url)
        self.browsers.append(client)
        return Browser(client)

    async def give_password(self, who: str, password: str = PASSWORD) -> None:
        """The administrator sets `who`'s password, as on the first day."""
        # The stranger's school is another one: there he is the administrator himself.
        admin = "stranger" if who == "stranger" else "admin"
        await set_password(
            self.uow(),
            actor=self.world.actor(admin),
            staff_id=self.world.staff[who],
            password=password,
        )

    async def api_token(self, who: str, name: str = "api") -> NewApiToken:
        """A personal API token of `who`, made as on the tokens page: with the password
        (given first if `who` has none yet) and the app's token lifetime."""
        async with self.db.session() as session:
            staff = await session.get(Staff, self.world.staff[who])
        if staff is None or staff.password_hash is None:
            await self.give_password(who)
        return await create_api_token(
            self.uow(),
            actor=self.world.actor(who),
            name=name,
            current_password=PASSWORD,
            ttl=self.app.state.web.api_token_ttl,
        )

    async def signed_in(self, who: str) -> Browser:
        """A browser in which `who` (a builders' staff key) has signed in."""
        await self.give_password(who)
        browser = self.browser()
        response = await browser.login(self.login_of(who))
        assert response.status_code == 303, response.text
        return browser

    def login_of(self, who: str) -> str:
        return "stranger@2" if who == "stranger" else f"{who}@1"
