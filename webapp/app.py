"""The web app: built by `create_app()` (uvicorn's `--factory`), dependencies in its lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import func
from sqlmodel import select

from core.db import Database
from core.health import check_database
from core.logs import configure_logging
from core.models import School
from core.settings import Settings, load_settings
from webapp import hooks

log = logging.getLogger(__name__)

_INDEX = """<!doctype html>
<html lang="ru">
<head><meta charset="utf-8"><title>Звонок — электронный журнал</title></head>
<body>
<h1>Звонок — электронный журнал</h1>
<p>Сервер работает. Страницы журнала появятся вместе с веб-интерфейсом.</p>
<p>Школ в базе: {schools}.</p>
<p><a href="/healthz">Проверка состояния</a></p>
</body>
</html>
"""


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """The FastAPI application; settings and the database are built at start-up unless given.

    A given `database` is used from the start (no lifespan needed, as under
    httpx.ASGITransport) and left open: whoever made it disposes of it.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings or load_settings()
        configure_logging(app.state.settings.log_level)
        app.state.db = database or Database(app.state.settings.database_url_resolved)
        log.info("web app started (env=%s)", app.state.settings.env)
        try:
            yield
        finally:
            if database is None:
                await app.state.db.dispose()

    app = FastAPI(title="Zvonok", lifespan=lifespan)
    if database is not None:
        app.state.db = database
        app.state.settings = settings or load_settings()
    app.add_api_route("/healthz", healthz, methods=["GET"])
    app.add_api_route("/", index, methods=["GET"], response_class=HTMLResponse)
    app.include_router(hooks.router)
    return app


async def healthz(request: Request) -> JSONResponse:
    """200 when the database answers, 503 (with the reason) when it does not."""
    try:
        await check_database(request.app.state.db)
    except Exception as error:  # any failure means "not healthy"; the reason is reported
        log.warning("health check failed: %s", error)
        return JSONResponse({"status": "error", "database": str(error)}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


async def index(request: Request) -> HTMLResponse:
    db: Database = request.app.state.db
    async with db.session() as session:
        schools = (await session.exec(select(func.count()).select_from(School))).one()
    return HTMLResponse(_INDEX.format(schools=int(schools)))
