"""The start page and a teacher's "Today": lessons by the bells and what each lacks."""

from __future__ import annotations

import datetime as dt

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from core.reading.teacher_day import teacher_day
from core.services.roll_call import record_roll_call
from webapp.auth import PageViewer
from webapp.nav import sections_for, start_page
from webapp.pages import page_router
from webapp.params import Day, Id
from webapp.render import is_htmx, render
from webapp.state import reading_uow, uow

router = page_router()


@router.get("/")
async def home(request: Request, viewer: PageViewer) -> Response:
    """A teacher lands on Today; everyone else on the list of their sections."""
    target = start_page(viewer.staff)
    if target is not None:
        return RedirectResponse(target, status_code=303)
    return render(request, "home.html", viewer=viewer, offered=sections_for(viewer.staff))


@router.get("/today")
async def today(request: Request, viewer: PageViewer, date: Day | None = None) -> Response:
    day = await teacher_day(reading_uow(request), actor=viewer.actor, on=date)
    return render(request, "today.html", viewer=viewer, day=day, dt=dt, picked=date is not None)


@router.post("/today/lessons/{lesson_id}/roll-call")
async def roll_call(request: Request, viewer: PageViewer, lesson_id: Id) -> Response:
    """ "Everyone present": the roll was called and nobody is missing."""
    lesson = await record_roll_call(uow(request), actor=viewer.actor, lesson_id=lesson_id)
    back = f"/today?date={lesson.date.isoformat()}"
    if is_htmx(request):
        # Re-read the day, so the row shows exactly what core now says.
        day = await teacher_day(reading_uow(request), actor=viewer.actor, on=lesson.date)
        row = next((row for row in day.lessons if row.lesson_id == lesson_id), None)
        if row is not None:
            return render(request, "_today_row.html", viewer=viewer, row=row)
        return Response(status_code=204, headers={"HX-Redirect": back})
    return RedirectResponse(back, status_code=303)
