"""Server-rendered pages. Each module builds its `router` with `page_router()`."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from webapp.csrf import require_csrf


def page_router() -> APIRouter:
    """A router for pages: every POST is CSRF-checked, nothing goes in the OpenAPI document."""
    return APIRouter(
        dependencies=[Depends(require_csrf)],
        include_in_schema=False,
        default_response_class=HTMLResponse,
    )


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to; anything else (another site, //host) is ignored."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default
