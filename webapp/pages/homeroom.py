"""The class teacher's pages: their classes, and one class's parents and announcements.

`/homeroom` lists the classes a staff member looks after (a class teacher their own; the
administration every class) with the monthly message's state; `/homeroom/{class}` shows
the class's announcements and the compose form, the parents (reachable or not, and
who wants the weekly summary on paper), the invite sheet and the weekly print forms.
Who may do what there is core's answer (core.reading.class_families).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from core.errors import ZvonokError
from core.reading.class_families import class_families
from core.reading.class_messages import class_messages, my_classes
from core.reading.diary import monday_of
from core.services.announcements import post_announcement
from core.services.guardians import set_paper_summary
from webapp.auth import PageViewer, Viewer
from webapp.errors import status_for
from webapp.limits import FORM_GUARD
from webapp.pages import page_router, safe_next
from webapp.params import Id
from webapp.render import is_htmx, render
from webapp.state import reading_uow, uow, web_state

router = page_router()


@router.get("/homeroom")
async def homeroom(request: Request, viewer: PageViewer) -> Response:
    """The classes I look after; a class teacher of one class goes straight to it."""
    classes = await my_classes(reading_uow(request), actor=viewer.actor)
    if len(classes) == 1:
        return RedirectResponse(f"/homeroom/{classes[0].class_id}", status_code=303)
    return render(request, "homeroom.html", viewer=viewer, classes=classes)


@router.get("/homeroom/{class_id}")
async def class_page(request: Request, viewer: PageViewer, class_id: Id) -> Response:
    return await _class_page(request, viewer, class_id)


async def _class_page(
    request: Request,
    viewer: Viewer,
    class_id: Id,
    *,
    status_code: int = 200,
    error: str | None = None,
    draft: dict[str, Any] | None = None,
) -> Response:
    families = await class_families(reading_uow(request), actor=viewer.actor, class_id=class_id)
    messages = None
    if families.may_post:
        messages = await class_messages(reading_uow(request), actor=viewer.actor, class_id=class_id)
    return render(
        request,
        "homeroom_class.html",
        viewer=viewer,
        status_code=status_code,
        families=families,
        messages=messages,
        error=error,
        draft=draft or {},
        bot=web_state(request).settings.bot_username("telegram", viewer.actor.school_id),
        monday=monday_of(families.today),
    )


@router.post("/homeroom/{class_id}/announcements")
async def post_to_class(
    request: Request,
    viewer: PageViewer,
    class_id: Id,
    title: Annotated[str, Form(max_length=FORM_GUARD)] = "",
    body: Annotated[str, Form(max_length=FORM_GUARD)] = "",
    urgent: Annotated[bool, Form()] = False,
    monthly: Annotated[bool, Form()] = False,
) -> Response:
    """Send an announcement to the class's parents; then its per-parent status."""
    try:
        posted = await post_announcement(
            uow(request),
            actor=viewer.actor,
            class_id=class_id,
            title=title,
            body=body,
            urgent=urgent,
            monthly=monthly,
        )
    except ZvonokError as refused:
        # Shown in the form with what was typed: nothing is lost.
        draft = {"title": title, "body": body, "urgent": urgent, "monthly": monthly}
        return await _class_page(
            request,
            viewer,
            class_id,
            status_code=status_for(refused),
            error=refused.message(viewer.lang),
            draft=draft,
        )
    return RedirectResponse(f"/announcements/{posted.id}", status_code=303)


@router.post("/homeroom/guardians/{guardian_id}/paper-summary")
async def paper_summary(
    request: Request,
    viewer: PageViewer,
    guardian_id: Id,
    wants: Annotated[bool, Form()] = False,
    next: Annotated[str, Form()] = "",
) -> Response:
    """Mark (or unmark) a parent as wanting the weekly summary on paper."""
    guardian = await set_paper_summary(
        uow(request), actor=viewer.actor, guardian_id=guardian_id, wants=wants
    )
    if is_htmx(request):
        return render(
            request,
            "_homeroom_paper.html",
            viewer=viewer,
            guardian_id=guardian.id,
            wants=guardian.wants_paper_summary,
            back=safe_next(next, "/homeroom"),
        )
    return RedirectResponse(safe_next(next, "/homeroom"), status_code=303)
