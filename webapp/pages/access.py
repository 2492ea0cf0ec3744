"""Signing in and out, changing one's password, choosing the language."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from core.errors import ZvonokError
from core.i18n import DEFAULT_LANGUAGE, STAFF_LANGUAGES, texts
from core.security import MIN_PASSWORD_LENGTH
from core.services.access_tokens import close_session
from core.services.passwords import MIN_DISTINCT_CHARACTERS
from core.services.sign_in import sign_in
from core.services.staff import set_password
from webapp.auth import (
    LANGUAGE_COOKIE,
    PageViewer,
    Viewer,
    clear_session_cookie,
    optional_staff,
    request_language,
    set_device_cookie,
    set_session_cookie,
    sign_in_client,
)
from webapp.csrf import SESSION_COOKIE
from webapp.errors import status_for
from webapp.pages import page_router, safe_next
from webapp.render import render
from webapp.state import uow, web_state

router = page_router()


@router.get("/login")
async def login_page(
    request: Request,
    viewer: Annotated[Viewer | None, Depends(optional_staff)],
    next: str = "/",
) -> Response:
    if viewer is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", viewer=None, login="", next=safe_next(next), error=None)


@router.post("/login")
async def login(
    request: Request,
    login: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    try:
        signed_in = await sign_in(
            uow(request), login=login, password=password, client=sign_in_client(request)
        )
    except ZvonokError as error:
        return render(
            request,
            "login.html",
            viewer=None,
            status_code=status_for(error),
            login=login,
            next=safe_next(next),
            error=error.message(request_language(request)),
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, response, signed_in.session_secret)
    set_device_cookie(request, response, signed_in.device_cookie)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        await close_session(uow(request), secret=secret)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(request, response)
    return response


def _password_page(
    request: Request, viewer: Viewer, *, status_code: int = 200, **context: object
) -> Response:
    return render(
        request,
        "password.html",
        viewer=viewer,
        status_code=status_code,
        min_length=MIN_PASSWORD_LENGTH,
        min_distinct=MIN_DISTINCT_CHARACTERS,
        **{"error": None, "done": False, **context},
    )


@router.get("/password")
async def password_page(request: Request, viewer: PageViewer) -> Response:
    return _password_page(request, viewer)


@router.post("/password")
async def change_password(
    request: Request,
    viewer: PageViewer,
    current: Annotated[str, Form(max_length=1000)] = "",
    new: Annotated[str, Form(max_length=1000)] = "",
    repeat: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    if new != repeat:
        differ = texts("web", viewer.lang)._("The new password and its repetition differ.")
        return _password_page(request, viewer, status_code=422, error=differ)
    try:
        await set_password(
            uow(request),
            actor=viewer.actor,
            staff_id=viewer.actor.staff_id,
            password=new,
            current_password=current,
            keep_session=viewer.session_secret,
        )
    except ZvonokError as error:
        return _password_page(
            request, viewer, status_code=status_for(error), error=error.message(viewer.lang)
        )
    return _password_page(request, viewer, done=True)


@router.post("/language")
async def choose_language(
    request: Request,
    lang: Annotated[str, Form()] = DEFAULT_LANGUAGE,
    next: Annotated[str, Form()] = "/",
) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        lang if lang in STAFF_LANGUAGES else DEFAULT_LANGUAGE,
        max_age=365 * 24 * 3600,
        samesite="lax",
        secure=web_state(request).production,
        path="/",
    )
    return response
