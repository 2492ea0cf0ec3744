"""The web app: built by `create_app()` (uvicorn's `--factory`), dependencies in its lifespan.

How the web app is put together (read docs/webapp.md for the longer guide):

- **State.** `create_app(settings, database, clock)` keeps a `WebState` (settings, the
  database, the clock) on `app.state.web`. Handlers make one unit of work per core
  call: `uow(request)` to write, `reading_uow(request)` to only read
  (webapp/state.py). Tests pass a database and a clock; nothing reads the machine's
  time behind the clock's back.
- **Who.** Pages take `viewer: PageViewer` (redirect to /login without a session),
  API endpoints `viewer: ApiViewer` (401 JSON without a bearer token). A `Viewer`
  has `.actor` (a core StaffActor), `.staff` (the row), `.lang`, `.csrf_token`
  (webapp/auth.py). What the viewer may do is decided by the core service the
  handler calls (core/permissions.py), never in the handler.
- **Pages.** Each module under webapp/pages has `router = page_router()`: every
  POST/PUT/PATCH/DELETE on it needs the CSRF token (a hidden `csrf_token` field, or
  the `X-CSRF-Token` header htmx sends from <body hx-headers>), else 403 before the
  handler runs (webapp/csrf.py). Render with `render(request, "x.html", viewer=...)`:
  templates extend `base.html` and write English texts through gettext,
  `{{ _("Hello, %(name)s", name=...) }}`, translated by the `web` catalog
  (core/locale/ru/LC_MESSAGES/web.po; docs/i18n.md). After a form POST, redirect (303)
  or re-render the form with the error; for htmx, render a fragment template.
- **Errors.** Let core's errors propagate: webapp/errors.py turns them into 404 /
  403 / 429 / 422 with `error.message(lang)`, as a page, an htmx fragment, or
  `{"error": {"code", "message"}}` for /api. Catch them only to re-show a form.
- **API.** webapp/api/v1.py: pydantic response models, so /openapi.json documents
  every endpoint. No Swagger UI (it would load from a CDN).
- **Static files** are served from webapp/static (htmx vendored there, no CDN).
- **Navigation** by role: webapp/nav.py `SECTIONS`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.db import Database
from core.health import check_database
from core.logs import configure_logging
from core.models import utcnow
from core.probes import Check, ready_answer, token_accepted
from core.reports.signing import signer_of
from core.settings import Settings, load_settings
from webapp import hooks, unsubscribe
from webapp.api import admin as admin_api
from webapp.api import archive as archive_api
from webapp.api import breach as breach_api
from webapp.api import closing as closing_api
from webapp.api import consent as consent_api
from webapp.api import control as control_api
from webapp.api import homeroom as homeroom_api
from webapp.api import journal as journal_api
from webapp.api import roster as roster_api
from webapp.api import statement as statement_api
from webapp.api import test_schedule as test_schedule_api
from webapp.api import v1
from webapp.body_limit import RequestSizeLimit
from webapp.errors import install_error_handlers
from webapp.pages import access, announcements, homeroom, printouts, reminders, today, tokens
from webapp.pages import admin as admin_pages
from webapp.pages import archive as archive_pages
from webapp.pages import consent as consent_pages
from webapp.pages import control as control_pages
from webapp.pages import journal as journal_pages
from webapp.pages import lessons as lesson_pages
from webapp.pages import roster as roster_pages
from webapp.pages import statement as statement_pages
from webapp.pages import test_schedule as test_schedule_pages
from webapp.state import Clock, SessionHandoffs, WebState

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"

# Pages hold children's personal data and open on shared school computers: nothing
# is cached, nothing is framed by another site, scripts and styles come from us only.
_PAGE_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
        b"form-action 'self'; base-uri 'self'",
    ),
]


# Every response, static files too: no guessing a type from the content, and (in
# production, behind the HTTPS proxy) HTTPS only for a year, so a café's Wi-Fi cannot
# strip it from a teacher's next visit.
_ALWAYS = [(b"x-content-type-options", b"nosniff")]
_PRODUCTION = [(b"strict-transport-security", b"max-age=31536000")]


class SecurityHeaders:
    """Adds `_PAGE_HEADERS` to every response but static files, which get `_ALWAYS`;
    `_PRODUCTION` with ZVONOK_ENV=production (a plain ASGI middleware: no per-request
    task, unlike BaseHTTPMiddleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _ALWAYS if scope["path"].startswith("/static/") else _PAGE_HEADERS
        if scope["app"].state.settings.env == "production":
            headers = [*headers, *_PRODUCTION]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in headers if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(
    settings: Settings | None = None,
    database: Database | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    """The FastAPI application; settings and the database are built at start-up unless given.

    A given `database` is used from the start (no lifespan needed, as under
    httpx.ASGITransport) and left open: whoever made it disposes of it. `clock`
    (tests) is the time every unit of work sees; the real time by default.
    """

    def build_state(app: FastAPI, config: Settings, db: Database) -> None:
        app.state.settings, app.state.db = config, db  # webapp/hooks.py reads these
        app.state.web = WebState(config, db, clock or utcnow, signer_of(config))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if database is None:
            config = settings or load_settings()
            build_state(app, config, config.database())
        configure_logging(app.state.settings.log_level, app.state.settings.log_format)
        hooks.hide_hook_tokens()  # uvicorn has set its access log up by now
        log.info("web app started (env=%s)", app.state.settings.env)
        try:
            yield
        finally:
            if database is None:
                await app.state.db.dispose()

    app = FastAPI(
        title="Zvonok",
        summary="The school journal's API: staff authenticate with personal API tokens.",
        version="1",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    if database is not None:
        build_state(app, settings or load_settings(), database)
    app.add_api_route("/healthz", healthz, methods=["GET"], include_in_schema=False)
    app.add_api_route("/metrics", metrics, methods=["GET"], include_in_schema=False)
    app.add_api_route("/livez", livez, methods=["GET"], include_in_schema=False)
    app.add_api_route("/readyz", readyz, methods=["GET"], include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    serve(app, access.router, tokens.router, today.router, reminders.router)
    serve(app, homeroom.router, announcements.router, printouts.router)
    serve(app, statement_pages.router, *admin_pages.routers, consent_pages.router)
    serve(app, v1.router, statement_api.router, admin_api.router, breach_api.router)
    serve(app, consent_api.router, closing_api.router)
    serve(app, archive_pages.router, archive_api.router, homeroom_api.router)
    serve(app, journal_pages.router, lesson_pages.router, journal_api.router)
    serve(app, roster_pages.router, roster_api.router)
    serve(app, test_schedule_pages.router, test_schedule_api.router)
    serve(app, control_pages.router, control_api.router)
    serve(app, hooks.router, unsubscribe.router)
    install_error_handlers(app)
    app.add_middleware(SessionHandoffs)
    app.add_middleware(RequestSizeLimit)
    app.add_middleware(SecurityHeaders)  # the outermost: the 413 gets the headers too
    return app


def serve(app: FastAPI, *routers: APIRouter) -> None:
    """The routers' routes join the app as they are: each was built when its module was
    imported, with its router's prefix, dependencies and options applied. FastAPI's
    `include_router` would build every route again for each app, at its first request
    (about a second for our 260 routes): a production process pays that once, the
    tests, with an app each, hundreds of times. So no router here includes another."""
    for router in routers:
        for route in router.routes:
            assert isinstance(route, APIRoute | Route), f"{route!r}: not a plain route"
        app.router.routes.extend(router.routes)


async def metrics(request: Request) -> Response:
    """The process's Prometheus metrics (core/metrics.py): counts by kind, nothing about
    a person. With ZVONOK_METRICS_TOKEN set, only for `Authorization: Bearer <token>`."""
    token = request.app.state.settings.metrics_token
    if not token_accepted(token, request.headers.get("authorization", "")):
        return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def livez(_request: Request) -> JSONResponse:
    """200 while the process's event loop answers (core/probes.py)."""
    return JSONResponse({"status": "ok", "process": "web"})


async def readyz(request: Request) -> JSONResponse:
    """200 when the database answers, 503 when it does not (core/probes.py)."""
    status, body = await ready_answer(_database_check(request), process="web")
    return JSONResponse(body, status_code=status)


async def healthz(request: Request) -> JSONResponse:
    """`/readyz` as `zvonok run` reads it: 200 when the database answers, 503 when it
    does not. The reason goes to the log only: a driver's error text names hosts, users
    and paths, and anyone may ask."""
    status, body = await ready_answer(_database_check(request))
    return JSONResponse(body, status_code=status)


def _database_check(request: Request) -> dict[str, Check]:
    db = request.app.state.db
    return {"database": lambda: check_database(db)}
