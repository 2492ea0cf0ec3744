"""Personal API tokens: list (with when each expires), create with the current password
(the secret is shown once), revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from core.errors import ZvonokError
from core.services.access_tokens import (
    NewApiToken,
    create_api_token,
    list_api_tokens,
    revoke_api_token,
)
from webapp.auth import PageViewer, Viewer
from webapp.errors import status_for
from webapp.limits import FORM_GUARD
from webapp.pages import page_router
from webapp.params import Id
from webapp.render import render
from webapp.state import reading_uow, uow, web_state

router = page_router()


async def _tokens_page(
    request: Request,
    viewer: Viewer,
    *,
    issued: NewApiToken | None = None,
    error: str | None = None,
    name: str = "",
    status_code: int = 200,
) -> Response:
    tokens = await list_api_tokens(reading_uow(request), actor=viewer.actor)
    state = web_state(request)
    return render(
        request,
        "tokens.html",
        viewer=viewer,
        status_code=status_code,
        tokens=tokens,
        issued=issued,
        error=error,
        name=name,
        now=state.clock(),
        ttl_days=state.settings.api_token_ttl_days,
    )


@router.get("/tokens")
async def tokens_page(request: Request, viewer: PageViewer) -> Response:
    return await _tokens_page(request, viewer)


@router.post("/tokens")
async def create_token(
    request: Request,
    viewer: PageViewer,
    name: Annotated[str, Form(max_length=FORM_GUARD)] = "",
    current_password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    try:
        issued = await create_api_token(
            uow(request),
            actor=viewer.actor,
            name=name,
            current_password=current_password,
            ttl=web_state(request).api_token_ttl,
        )
    except ZvonokError as error:
        message = error.message(viewer.lang)
        return await _tokens_page(
            request, viewer, error=message, name=name, status_code=status_for(error)
        )
    return await _tokens_page(request, viewer, issued=issued, status_code=201)


@router.post("/tokens/{token_id}/revoke")
async def revoke_token(request: Request, viewer: PageViewer, token_id: Id) -> Response:
    await revoke_api_token(uow(request), actor=viewer.actor, token_id=token_id)
    return RedirectResponse("/tokens", status_code=303)
