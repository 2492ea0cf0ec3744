"""The class teacher's printouts: the invite-code sheet and the weekly summary (PDF).

Both are made by core/reports and sent inline, so the browser opens them in its PDF
viewer with a print button; the file name is Latin (core.reports.filenames).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Form, Query, Request
from fastapi.responses import Response

from core.errors import RuleViolation
from core.reports.class_weekly import class_weekly_pdf
from core.reports.invite_sheet import invite_sheet
from webapp.auth import PageViewer
from webapp.pages import page_router
from webapp.params import Day, Id
from webapp.state import reading_uow, uow, web_state

router = page_router()


def pdf_response(pdf: bytes, filename: str) -> Response:
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@router.post("/homeroom/{class_id}/invite-sheet")
async def invite_sheet_pdf(
    request: Request,
    viewer: PageViewer,
    class_id: Id,
    only_unsubscribed: Annotated[bool, Form()] = False,
) -> Response:
    """Issue new codes for the class's parents and return their A4 sheet."""
    sheet = await invite_sheet(
        uow(request),
        actor=viewer.actor,
        class_id=class_id,
        bot_username=web_state(request).settings.bot_username("telegram", viewer.actor.school_id),
        max_bot_username=web_state(request).settings.bot_username("max", viewer.actor.school_id),
        only_unsubscribed=only_unsubscribed,
        language=viewer.lang,
    )
    return pdf_response(sheet.pdf, sheet.filename)


@router.get("/homeroom/{class_id}/weekly-summary")
async def weekly_summary(
    request: Request,
    viewer: PageViewer,
    class_id: Id,
    week: Day,
    who: Annotated[Literal["all", "paper", "student"], Query()] = "all",
    student: Id | None = None,
) -> Response:
    """The week's summary: the whole class, those who asked for paper, or one student."""
    if who == "student" and student is None:
        raise RuleViolation("bad_value", reason="no_student_chosen")
    printed = await class_weekly_pdf(
        reading_uow(request),
        actor=viewer.actor,
        class_id=class_id,
        week_start=week,
        student_id=student if who == "student" else None,
        paper_only=who == "paper",
        language=viewer.lang,
    )
    return pdf_response(printed.pdf, printed.filename)
