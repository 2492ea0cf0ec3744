"""The administrator's backups page: each destination's newest good backup, its age and
size, and the failures since (core/reading/backups.py; docs/operations.md)."""

from __future__ import annotations

import datetime as dt

from fastapi import Request
from fastapi.responses import Response

from core.reading.backups import read_backup_status
from webapp.auth import PageViewer
from webapp.pages import page_router
from webapp.pages.admin_forms import render_admin
from webapp.state import reading_uow, web_state

router = page_router()


@router.get("/admin/backups")
async def backups(request: Request, viewer: PageViewer) -> Response:
    settings = web_state(request).settings
    max_age = dt.timedelta(hours=settings.backup_max_age_hours)
    statuses = await read_backup_status(
        reading_uow(request),
        actor=viewer.actor,
        destinations=settings.backup_destinations_resolved,
        max_age=max_age,
    )
    return render_admin(
        request,
        viewer,
        "admin_backups.html",
        tab="backups",
        error=None,
        form=None,
        status_code=200,
        can_edit=True,
        statuses=statuses,
        max_age=max_age,
        nightly_at=settings.backup_time,
    )
