"""Browser tests: the real web app on a free port, driven by headless Chromium.

    async def test_something(live_web: LiveWeb, sign_in: SignIn) -> None:
        page = await sign_in("math")            # a builders' staff key, signed in
        await page.goto(live_web.url + "/journal")

- `live_web`: `webapp.app.create_app` on a SQLite file with the builders' world
  (`tests.builders.build_world`), served by uvicorn on this test's event loop
  (`notifier.standins.asgi.serve_asgi`), its clock standing at 10:00 Moscow on the
  builders' TODAY like the `web` fixture's. The file can be shared with real worker
  processes (`tests.e2e.system.run_system(live_web.db, ...)`).
- `browser`: Playwright's Chromium, Debian's binary (`/usr/bin/chromium` or
  CHROMIUM_PATH), headless. Missing, the test fails and names the setup command
  (`python -m tests.browser_setup`); it is never skipped.
- `sign_in(who)`: a new browser context (its own cookies) in which `who` signed in
  through the sign-in form; their password is set first, as the administrator would.

Every page's uncaught script errors and console errors (a script the content
security policy refused, say) fail the test at teardown; what Chromium and htmx log
for a 4xx answer is not among them (`REFUSALS`): a refused save answers 4xx on purpose.

Browser tests run on the xdist worker that runs the end-to-end tests, one at a time
(`pytest_collection_modifyitems` below): they start servers and a browser and have
timing expectations, like those.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    async_playwright,
)

from core.db import Database
from core.services.staff import set_password
from core.settings import Settings
from core.uow import UnitOfWork
from notifier.standins.asgi import serve_asgi
from tests.browser_setup import chromium_missing_message, chromium_path
from tests.builders import NOW, World, build_world
from tests.web.browser import PASSWORD, Clock
from webapp.app import create_app

SECRET = "browser-tests-secret-key-long-enough-0123456789"
TIMEOUT_MS = 10_000  # one step of a test: a page, a click, an answer
# What Chromium and htmx log for a 4xx answer: a refusal the page shows on purpose.
REFUSALS = ("Failed to load resource", "Response Status Error Code")

SignIn = Callable[..., Awaitable[Page]]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("e2e"))


@dataclass
class LiveWeb:
    """The app under test, served over real HTTP."""

    url: str  # "http://127.0.0.1:<port>"
    db: Database
    world: World
    clock: Clock
    app: FastAPI

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.db, clock=self.clock)

    def login_of(self, who: str) -> str:
        return "stranger@2" if who == "stranger" else f"{who}@1"

    async def give_password(self, who: str, password: str = PASSWORD) -> None:
        """The administrator sets `who`'s password, as on the first day."""
        admin = "stranger" if who == "stranger" else "admin"
        await set_password(
            self.uow(),
            actor=self.world.actor(admin),
            staff_id=self.world.staff[who],
            password=password,
        )


@pytest.fixture
async def live_web(sqlite_db: Database) -> AsyncIterator[LiveWeb]:
    """The real app on a free port, with the builders' world."""
    world = await build_world(sqlite_db)
    clock = Clock(NOW)
    settings = Settings(_env_file=None, secret_key=SECRET)  # type: ignore[call-arg, arg-type]
    app = create_app(settings=settings, database=sqlite_db, clock=clock)
    async with serve_asgi(app) as port:
        yield LiveWeb(f"http://127.0.0.1:{port}", sqlite_db, world, clock, app)


@dataclass
class PageProblems:
    """Script errors and console errors of every page opened in a test."""

    found: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.found.append(f"script error: {error}"))
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith(REFUSALS):
            self.found.append(f"console: {message.text}")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Headless Chromium (Debian's), launched for this test."""
    path = chromium_path()
    if not path.exists():
        pytest.fail(chromium_missing_message(), pytrace=False)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(path), headless=True)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def sign_in(live_web: LiveWeb, browser: Browser) -> AsyncIterator[SignIn]:
    """`await sign_in("math")`: a page in a fresh context where that staff member signed in."""
    contexts: list[BrowserContext] = []
    problems = PageProblems()

    async def signed_in(who: str) -> Page:
        await live_web.give_password(who)
        context = await browser.new_context(base_url=live_web.url, locale="ru-RU")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        context.on("page", problems.watch)
        page = await context.new_page()
        await page.goto("/login")
        await page.fill("input[name=login]", live_web.login_of(who))
        await page.fill("input[name=password]", PASSWORD)
        async with page.expect_navigation():
            await page.click('form[action="/login"] button[type=submit]')
        if "/login" in page.url:
            raise AssertionError(f"{who} could not sign in: {await page.inner_text('main')}")
        return page

    yield signed_in
    for context in contexts:
        with contextlib.suppress(Error):  # the browser may be gone after a failed test
            await context.close()
    assert not problems.found, "the pages had errors:\n" + "\n".join(problems.found)
