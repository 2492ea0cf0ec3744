"""The administrator's year close: which years and periods are closed, by whom and
when, and closing one after a confirmation page that lists what is still missing
and says what closing means (core/services/year_close.py). Administrator only: core
refuses everyone else (403)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from core.reading.year_close import closing_overview, missing_before_closing
from core.services.year_close import close_period, close_year
from webapp.auth import PageViewer, Viewer
from webapp.pages import page_router
from webapp.pages.admin_forms import render_admin, submit
from webapp.params import Id
from webapp.state import reading_uow, uow

router = page_router()


async def closing_page(
    request: Request,
    viewer: Viewer,
    *,
    error: str | None = None,
    form: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    years = await closing_overview(reading_uow(request), actor=viewer.actor)
    return render_admin(
        request,
        viewer,
        "admin_closing.html",
        tab="closing",
        error=error,
        form=form,
        status_code=status_code,
        can_edit=True,
        years=years,
    )


@router.get("/admin/closing")
async def closing(request: Request, viewer: PageViewer) -> Response:
    return await closing_page(request, viewer)


async def _confirm(
    request: Request, viewer: Viewer, *, year_id: int, period_id: int | None
) -> Response:
    years = await closing_overview(reading_uow(request), actor=viewer.actor)
    year = next((y for y in years if y.year.id == year_id), None)
    row = year.year if year and period_id is None else None
    if year is not None and period_id is not None:
        row = next((p for p in year.periods if p.id == period_id), None)
    missing = await missing_before_closing(
        reading_uow(request), actor=viewer.actor, year_id=year_id, period_id=period_id
    )
    return render_admin(
        request,
        viewer,
        "admin_closing_confirm.html",
        tab="closing",
        error=None,
        form=None,
        status_code=200,
        can_edit=True,
        row=row,
        is_year=period_id is None,
        missing=missing,
        action=f"/admin/closing/periods/{period_id}"
        if period_id
        else f"/admin/closing/years/{year_id}",
    )


@router.get("/admin/closing/years/{year_id}")
async def year_confirm(request: Request, viewer: PageViewer, year_id: Id) -> Response:
    return await _confirm(request, viewer, year_id=year_id, period_id=None)


@router.get("/admin/closing/years/{year_id}/periods/{period_id}")
async def period_confirm(
    request: Request, viewer: PageViewer, year_id: Id, period_id: Id
) -> Response:
    return await _confirm(request, viewer, year_id=year_id, period_id=period_id)


@router.post("/admin/closing/years/{year_id}")
async def year_close(request: Request, viewer: PageViewer, year_id: Id) -> Response:
    def change() -> Any:
        return close_year(uow(request), actor=viewer.actor, year_id=year_id)

    return await submit(request, viewer, closing_page, change, "/admin/closing")


@router.post("/admin/closing/periods/{period_id}")
async def period_close(request: Request, viewer: PageViewer, period_id: Id) -> Response:
    def change() -> Any:
        return close_period(uow(request), actor=viewer.actor, period_id=period_id)

    return await submit(request, viewer, closing_page, change, "/admin/closing")
