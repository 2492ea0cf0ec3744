"""The journal grid: /journal lists the viewer's pages, /journal?class=&subject= shows one.

Students down, the period's lessons across, marks and attendance in the cells, the
weighted average and the period mark at the end (core.reading.grid). The page only
reads; webapp/static/grid.js saves each cell as it is typed, through the JSON API
(webapp/api/journal.py), with the session cookie and the page's CSRF token.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from core.reading.grid import journal_grid
from core.reading.journal_pages import journal_pages
from webapp.auth import PageViewer
from webapp.pages import page_router
from webapp.params import Id
from webapp.render import render
from webapp.state import reading_uow

router = page_router()


@router.get("/journal")
async def journal(
    request: Request,
    viewer: PageViewer,
    klass: Annotated[Id | None, Query(alias="class")] = None,
    subject: Id | None = None,
    group: Id | None = None,
    period: Id | None = None,
) -> Response:
    """The pages to choose from; with a class and a subject, that page's grid."""
    if klass is None or subject is None:
        pages = await journal_pages(reading_uow(request), actor=viewer.actor, class_id=klass)
        return render(request, "journal_pages.html", viewer=viewer, pages=pages)
    grid = await journal_grid(
        reading_uow(request),
        actor=viewer.actor,
        class_id=klass,
        subject_id=subject,
        group_id=group,
        period_id=period,
    )
    return render(request, "journal.html", viewer=viewer, grid=grid)
