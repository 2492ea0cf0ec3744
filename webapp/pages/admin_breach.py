"""Set-up page: the entries breach reports voided on an account, and restoring chosen
ones with a written reason (issue 11; administrator only:
core/reading/breach_voids.py, core/services/breach_restore.py)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from core.errors import ZvonokError
from core.reading import words
from core.reading.breach_voids import BreachVoids, breach_voids
from core.services.breach_restore import restore_voided
from webapp.auth import PageViewer, Viewer
from webapp.errors import status_for
from webapp.pages import page_router
from webapp.pages.admin_staff import Text
from webapp.params import Id
from webapp.render import render
from webapp.state import reading_uow, uow

router = page_router()


@router.get("/admin/staff/{staff_id}/voided")
async def voided_page(request: Request, viewer: PageViewer, staff_id: Id) -> Response:
    """The account's voided entries, each with a box to choose it for restoring."""
    found = await breach_voids(reading_uow(request), actor=viewer.actor, staff_id=staff_id)
    return _render(request, viewer, found)


@router.post("/admin/staff/{staff_id}/voided")
async def restore_page(
    request: Request, viewer: PageViewer, staff_id: Id, reason: Text = ""
) -> Response:
    """Restore the chosen entries (`void` boxes) with the written reason."""
    boxes = [str(v) for v in (await request.form()).getlist("void")]
    chosen = [int(v) for v in boxes if v.isdigit() and len(v) < 12]
    restored, error = 0, None
    try:
        restored = await restore_voided(
            uow(request), actor=viewer.actor, void_ids=chosen, reason=reason
        )
    except ZvonokError as refused:
        error = refused
    found = await breach_voids(reading_uow(request), actor=viewer.actor, staff_id=staff_id)
    return _render(request, viewer, found, restored=restored, error=error, reason=reason)


def _render(
    request: Request,
    viewer: Viewer,
    found: BreachVoids,
    *,
    restored: int = 0,
    error: ZvonokError | None = None,
    reason: str = "",
) -> Response:
    return render(
        request,
        "admin_breach.html",
        viewer=viewer,
        status_code=status_for(error) if error else 200,
        found=found,
        restored=restored,
        error=error.message(viewer.lang) if error else None,
        reason=reason if error else "",
        attendance=lambda status, late: words.attendance_words(status, late, viewer.lang),
    )
