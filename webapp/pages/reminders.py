"""A staff member's reminders: when to be reminded, or not at all (issue 10).

Teachers hear of homework before its deadline, of marks, topics and roll calls in the
evening, and of what became late; the page shows the school's times and lets each
choose their own or switch reminders off, unless the school made them mandatory.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from core.errors import RuleViolation, ZvonokError
from core.reading.reminder_settings import reminder_settings
from core.services.reminder_settings import set_reminder_settings
from webapp.auth import PageViewer, Viewer
from webapp.errors import status_for
from webapp.pages import page_router
from webapp.render import render
from webapp.state import reading_uow, uow

router = page_router()


async def _page(
    request: Request, viewer: Viewer, *, error: str | None = None, status_code: int = 200
) -> Response:
    settings = await reminder_settings(reading_uow(request), actor=viewer.actor)
    return render(
        request,
        "reminders.html",
        viewer=viewer,
        status_code=status_code,
        settings=settings,
        error=error,
        saved=request.query_params.get("saved") == "1",
    )


@router.get("/reminders")
async def reminders_page(request: Request, viewer: PageViewer) -> Response:
    return await _page(request, viewer)


@router.post("/reminders")
async def save_reminders(
    request: Request,
    viewer: PageViewer,
    enabled: Annotated[str, Form(max_length=10)] = "",
    homework_minutes_before: Annotated[str, Form(max_length=10)] = "",
    evening_time: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    try:
        await set_reminder_settings(
            uow(request),
            actor=viewer.actor,
            enabled=enabled == "on",
            homework_minutes_before=_minutes(homework_minutes_before),
            evening_time=_time(evening_time),
        )
    except ZvonokError as error:
        message = error.message(viewer.lang)
        return await _page(request, viewer, error=message, status_code=status_for(error))
    return RedirectResponse("/reminders?saved=1", status_code=303)


def _minutes(value: str) -> int | None:
    if not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        raise RuleViolation("bad_reminder_minutes", value=value) from None


def _time(value: str) -> dt.time | None:
    if not value.strip():
        return None
    try:
        return dt.time.fromisoformat(value.strip())
    except ValueError:
        raise RuleViolation("bad_reminder_time", value=value) from None
