"""The lesson page /lessons/{id}: topic, work type, homework, remarks, substitution.

Each form posts to its own endpoint; htmx swaps back the form's section, re-read
from core, with core's refusal shown inside the section and what was typed kept.
Without htmx, a saved form goes back to the page (303) and a refused one shows the
page with the message. The pupils' marks and attendance use the grid's script.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from core.errors import ZvonokError
from core.reading.lesson_page import lesson_page
from core.services.homework import delete_homework, set_homework
from core.services.lesson_settings import set_topic_and_work_type
from core.services.lessons import assign_substitute
from core.services.remarks import post_remark
from webapp.auth import PageViewer, Viewer
from webapp.errors import status_for
from webapp.limits import FORM_GUARD
from webapp.pages import page_router
from webapp.params import Day, Id
from webapp.render import is_htmx, render
from webapp.state import reading_uow, uow

router = page_router()

SECTIONS = {
    "topic": "_lesson_topic.html",
    "homework": "_lesson_homework.html",
    "remarks": "_lesson_remarks.html",
    "substitute": "_lesson_substitute.html",
}


@router.get("/lessons/{lesson_id}")
async def lesson(request: Request, viewer: PageViewer, lesson_id: Id) -> Response:
    found = await lesson_page(reading_uow(request), actor=viewer.actor, lesson_id=lesson_id)
    return render(request, "lesson.html", viewer=viewer, lesson=found, **_blank())


def _blank() -> dict[str, Any]:
    return {"error": None, "error_in": None, "form": {}, "done": None}


async def _answer(
    request: Request,
    viewer: Viewer,
    lesson_id: Id,
    section: str,
    action: Awaitable[object],
    form: dict[str, Any],
) -> Response:
    """Run the core call; answer with the section (htmx) or the page, saved or refused."""
    context = _blank()
    status = 200
    try:
        await action
        context["done"] = section
    except ZvonokError as error:
        status = status_for(error)
        context.update(error=error.message(viewer.lang), error_in=section, form=form)
    if not is_htmx(request) and status == 200:
        return RedirectResponse(f"/lessons/{lesson_id}", status_code=303)
    found = await lesson_page(reading_uow(request), actor=viewer.actor, lesson_id=lesson_id)
    template = SECTIONS[section] if is_htmx(request) else "lesson.html"
    return render(request, template, viewer=viewer, status_code=status, lesson=found, **context)


@router.post("/lessons/{lesson_id}/topic")
async def topic(
    request: Request,
    viewer: PageViewer,
    lesson_id: Id,
    topic: Annotated[str, Form(max_length=FORM_GUARD)] = "",
    work_type: Annotated[str | None, Form(max_length=20)] = None,
) -> Response:
    """The topic and, when given, the lesson's work type (the grid column's): both or neither."""
    action = set_topic_and_work_type(
        uow(request), actor=viewer.actor, lesson_id=lesson_id, topic=topic, work_type=work_type
    )
    form = {"topic": topic, "work_type": work_type}
    return await _answer(request, viewer, lesson_id, "topic", action, form)


@router.post("/lessons/{lesson_id}/homework")
async def homework(
    request: Request,
    viewer: PageViewer,
    lesson_id: Id,
    text: Annotated[str, Form(max_length=FORM_GUARD)] = "",
    due_date: Annotated[Day | None, Form()] = None,
    students: Annotated[list[Id] | None, Form()] = None,
    minutes: Annotated[int | None, Form()] = None,
) -> Response:
    """Homework for the class, or for the ticked students only, with the time it takes
    if the teacher estimates it; the section then says when the day goes over the limit."""
    action = set_homework(
        uow(request),
        actor=viewer.actor,
        lesson_id=lesson_id,
        text=text,
        due_date=due_date,
        student_ids=students or [],
        minutes=minutes,
    )
    form = {"text": text, "due_date": due_date, "students": students or [], "minutes": minutes}
    return await _answer(request, viewer, lesson_id, "homework", action, form)


@router.post("/lessons/{lesson_id}/homework/{homework_id}/delete")
async def homework_delete(
    request: Request, viewer: PageViewer, lesson_id: Id, homework_id: Id
) -> Response:
    action = delete_homework(uow(request), actor=viewer.actor, homework_id=homework_id)
    return await _answer(request, viewer, lesson_id, "homework", action, {})


@router.post("/lessons/{lesson_id}/remarks")
async def remark(
    request: Request,
    viewer: PageViewer,
    lesson_id: Id,
    student: Annotated[Id, Form()],
    kind: Annotated[str, Form(max_length=20)] = "remark",
    text: Annotated[str, Form(max_length=FORM_GUARD)] = "",
    send: Annotated[bool, Form()] = False,
) -> Response:
    """A remark, praise or appeal; sent to the parents when «отправить родителям» is ticked."""
    action = post_remark(
        uow(request),
        actor=viewer.actor,
        lesson_id=lesson_id,
        student_id=student,
        kind=kind,
        text=text,
        send_to_parents=send,
    )
    form = {"student": student, "kind": kind, "text": text, "send": send}
    return await _answer(request, viewer, lesson_id, "remarks", action, form)


@router.post("/lessons/{lesson_id}/substitute")
async def substitute(
    request: Request,
    viewer: PageViewer,
    lesson_id: Id,
    substitute: Annotated[Id | None, Form()] = None,
) -> Response:
    """The deputy director or an administrator names the substitute (none: withdraw)."""
    action = assign_substitute(
        uow(request), actor=viewer.actor, lesson_id=lesson_id, substitute_id=substitute
    )
    return await _answer(request, viewer, lesson_id, "substitute", action, {})
