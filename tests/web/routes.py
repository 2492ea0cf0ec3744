"""Every route of the app, however FastAPI nests included routers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute


def _walk(routes: Iterable[BaseRoute], prefix: str) -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        inner = getattr(route, "original_router", None)  # FastAPI >= 0.130 keeps routers nested
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _walk(inner.routes, prefix + getattr(context, "prefix", ""))
        elif isinstance(route, APIRoute):
            yield prefix + route.path, route


def app_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every endpoint, e.g. ("POST", "/tokens/{token_id}/revoke")."""
    found = []
    for path, route in _walk(app.routes, ""):
        for method in sorted(route.methods - {"HEAD"}):
            found.append((method, path))
    return found
