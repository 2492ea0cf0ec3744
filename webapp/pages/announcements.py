"""Announcements: the whole school's (deputy director, administrators) and each one's
per-parent status, which refreshes itself (htmx polling) while messages are on the way.

A class's announcements are posted from its class page (webapp/pages/homeroom.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from core.errors import ZvonokError
from core.reading.announcement_status import ParentState, announcement_status
from core.reading.class_messages import class_messages
from core.services.announcements import post_announcement
from webapp.auth import PageViewer, Viewer
from webapp.errors import status_for
from webapp.limits import FORM_GUARD
from webapp.pages import page_router
from webapp.params import Id
from webapp.render import render
from webapp.state import reading_uow, uow

router = page_router()

# Seconds between the status page's refreshes while something is on the way.
POLL_SECONDS = 3
FILTERS = (*(state.value for state in ParentState), "acknowledged")


@router.get("/announcements")
async def school_announcements(request: Request, viewer: PageViewer) -> Response:
    return await _school_page(request, viewer)


async def _school_page(
    request: Request,
    viewer: Viewer,
    *,
    status_code: int = 200,
    error: str | None = None,
    draft: dict[str, Any] | None = None,
) -> Response:
    messages = await class_messages(reading_uow(request), actor=viewer.actor, class_id=None)
    return render(
        request,
        "announcements.html",
        viewer=viewer,
        status_code=status_code,
        messages=messages,
        error=error,
        draft=draft or {},
    )


@router.post("/announcements")
async def post_to_school(
    request: Request,
    viewer: PageViewer,
    title: Annotated[str, Form(max_length=FORM_GUARD)] = "",
    body: Annotated[str, Form(max_length=FORM_GUARD)] = "",
    urgent: Annotated[bool, Form()] = False,
) -> Response:
    """An announcement to every family of the school."""
    try:
        posted = await post_announcement(
            uow(request), actor=viewer.actor, class_id=None, title=title, body=body, urgent=urgent
        )
    except ZvonokError as refused:
        draft = {"title": title, "body": body, "urgent": urgent}
        return await _school_page(
            request,
            viewer,
            status_code=status_for(refused),
            error=refused.message(viewer.lang),
            draft=draft,
        )
    return RedirectResponse(f"/announcements/{posted.id}", status_code=303)


@router.get("/announcements/{announcement_id}")
async def announcement_page(
    request: Request, viewer: PageViewer, announcement_id: Id, state: str = ""
) -> Response:
    """Each parent's delivery and «Ознакомлен»; `state` keeps only one kind of line."""
    return await _status(request, viewer, announcement_id, state, "announcement.html")


@router.get("/announcements/{announcement_id}/status")
async def announcement_status_fragment(
    request: Request, viewer: PageViewer, announcement_id: Id, state: str = ""
) -> Response:
    """The status table alone: what the page's polling swaps in."""
    return await _status(request, viewer, announcement_id, state, "_announcement_status.html")


async def _status(
    request: Request, viewer: Viewer, announcement_id: Id, state: str, template: str
) -> Response:
    status = await announcement_status(
        reading_uow(request),
        actor=viewer.actor,
        announcement_id=announcement_id,
        language=viewer.lang,
    )
    chosen = state if state in FILTERS else ""
    lines = [
        line
        for line in status.parents
        if not chosen
        or line.state.value == chosen
        or (chosen == "acknowledged" and line.acknowledged_at is not None)
    ]
    return render(
        request,
        template,
        viewer=viewer,
        status=status,
        lines=lines,
        chosen=chosen,
        filters=FILTERS,
        poll_seconds=POLL_SECONDS,
    )
