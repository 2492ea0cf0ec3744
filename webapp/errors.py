"""Errors → responses, in one place for the whole app.

Core's typed errors map to HTTP statuses by class (`status_for`): NotFound 404,
LoginBlocked 429, Forbidden 403, anything else core refuses 422. The text is always
`error.message(lang)`. Besides, a value the database cannot store (a number or date
out of range, a NUL in a text) is 422 `unstorable_value` and a write that collides
with another (a unique index) 409 `conflict`. The API answers `{"error": {"code": <code>, "message": <text>}}`
(the error's own code: `error_code`);
an htmx request gets the `_error.html` fragment, retargeted to the layout's
`#flash` area (base.html lets htmx swap 4xx fragments); a page gets `error.html`. A handler that wants to show the error in
its own form (sign-in, password) catches the `ZvonokError` itself and uses
`status_for` for the status.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import Forbidden, LoginBlocked, NotFound, ZvonokError
from core.i18n import texts
from webapp.auth import LoginRequired, NotAuthenticated, request_language
from webapp.csrf import CsrfRefused
from webapp.render import environment, is_htmx, render

log = logging.getLogger(__name__)

API_PREFIX = "/api/"


def status_for(error: ZvonokError) -> int:
    """The HTTP status of a core error (the one mapping the whole app uses)."""
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, LoginBlocked):
        return 429
    if isinstance(error, Forbidden):
        return 403
    return 422


def error_code(error: ZvonokError) -> str:
    """The stable code of a core error (`not_found`, `bad_mark_value`) for programs."""
    code = getattr(error, "code", None) or getattr(error, "key_used", None)
    return str(code or type(error).__name__)


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX) or request.url.path == "/openapi.json"


def error_response(
    request: Request, *, status: int, code: str, message: str, lang: str
) -> Response:
    """The same error for whoever asked: JSON for the API, a fragment for htmx, a page."""
    if is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        body = {"error": {"code": code, "message": message}}
        return JSONResponse(body, status_code=status, headers=headers)
    if is_htmx(request):
        # Into the layout's message area, whatever the request meant to swap.
        fragment = environment(lang).get_template("_error.html").render(message=message)
        headers = {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
        return Response(fragment, status_code=status, media_type="text/html", headers=headers)
    return render(request, "error.html", viewer=None, status_code=status, message=message)


async def _core_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ZvonokError)
    lang = request_language(request, api=is_api(request))
    return error_response(
        request,
        status=status_for(error),
        code=error_code(error),
        message=error.message(lang),
        lang=lang,
    )


async def _csrf_refused(request: Request, error: Exception) -> Response:
    lang = request_language(request)
    message = texts("web", lang)._(
        "The form is out of date or was not sent from this site. Reload the page and try again."
    )
    return error_response(request, status=403, code="csrf_refused", message=message, lang=lang)


async def _login_required(request: Request, error: Exception) -> Response:
    target = "/login"
    if request.method == "GET" and request.url.path != "/":
        target += f"?next={request.url.path}"
    if is_htmx(request):
        # htmx follows a redirect inside its request; this makes the browser go there.
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _not_authenticated(request: Request, error: Exception) -> Response:
    lang = request_language(request, api=True)
    message = texts("web", lang)._(
        "Sign-in needed: send a token in the header “Authorization: Bearer <token>”."
    )
    return error_response(request, status=401, code="unauthorized", message=message, lang=lang)


async def _invalid(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    lang = request_language(request, api=is_api(request))
    detail = "; ".join(
        f"{'.'.join(str(part) for part in e['loc'][1:]) or e['loc'][0]}: {e['msg']}"
        for e in error.errors()
    )
    message = texts("web", lang)._("Invalid request: %(detail)s", detail=detail)
    return error_response(request, status=422, code="invalid_request", message=message, lang=lang)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    lang = request_language(request, api=is_api(request))
    t = texts("web", lang)
    known = {
        404: ("not_found", t._("Page not found.")),
        405: ("method_not_allowed", t._("Method not allowed here.")),
    }
    code, message = known.get(error.status_code, ("http_error", str(error.detail)))
    return error_response(request, status=error.status_code, code=code, message=message, lang=lang)


def _is_unstorable(error: BaseException) -> bool:
    """A value the database (or Python's date arithmetic) cannot hold: SQLite's driver
    raises OverflowError for an integer above 2^63 − 1; PostgreSQL answers SQLSTATE
    class 22, "data exception" (asyncpg: "value out of int32 range", a NUL in a text),
    which SQLAlchemy wraps in a DBAPIError."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OverflowError | DataError):
            return True
        if any(cls.__name__ == "DataError" for cls in type(seen).__mro__):  # the driver's
            return True
        if str(getattr(seen, "sqlstate", None) or "").startswith("22"):
            return True
        seen = seen.__cause__ or getattr(seen, "orig", None)
    return False


async def _database_error(request: Request, error: Exception) -> Response:
    """Extreme input the request types did not stop (422), or a write that collides with
    a row written meanwhile (409); anything else is a server error."""
    lang = request_language(request, api=is_api(request))
    t = texts("web", lang)
    if _is_unstorable(error):
        log.info("unstorable value refused: %s %s", request.method, request.url.path)
        message = t._(
            "A value in the request cannot be stored: a number or a date out of range, or a "
            "character no text may hold. Nothing was saved."
        )
        return error_response(
            request, status=422, code="unstorable_value", message=message, lang=lang
        )
    if isinstance(error, IntegrityError):
        log.info("conflicting write refused: %s %s", request.method, request.url.path)
        message = t._(
            "This conflicts with what the journal holds now (someone may have just made the "
            "same change). Reload the page and try again: nothing was saved."
        )
        return error_response(request, status=409, code="conflict", message=message, lang=lang)
    raise error


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ZvonokError, _core_error)
    app.add_exception_handler(CsrfRefused, _csrf_refused)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(NotAuthenticated, _not_authenticated)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OverflowError, _database_error)
    app.add_exception_handler(DBAPIError, _database_error)
