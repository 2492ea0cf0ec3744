"""The roster for the administrator and the secretary: classes, a class's students
(enrol), a student (transfer, leaving, history, guardians), and the import of a list
from a CSV or XLSX file with its preview and progress bar.

Every handler calls one core service with `viewer.actor` (core.services.roster,
core.services.roster_import, core.reading.roster); who may do what is core's answer.
A refused enrolment, transfer or leaving is shown in its form, with what was typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from core.errors import RuleViolation, ZvonokError
from core.reading.roster import class_roster, roster_overview, student_record
from core.reading.roster_imports import recent_roster_imports, roster_import
from core.services.roster import enrol_student, remove_student, transfer_student
from core.services.roster_file import MAX_FILE_BYTES
from core.services.roster_import import cancel_roster_import, upload_roster
from core.validation import check_day
from webapp.auth import PageViewer, Viewer
from webapp.errors import status_for
from webapp.limits import FORM_GUARD
from webapp.pages import page_router
from webapp.params import Id
from webapp.render import render
from webapp.roster_jobs import roster_jobs, start_check, start_import
from webapp.state import reading_uow, uow

router = page_router()

# A small file is checked or imported before the answer; a big one shows its progress.
SETTLE_SECONDS = 1.0


def form_date(text: str) -> dt.date | None:
    """A date from a form's date field ("" → None), refusing anything else."""
    text = text.strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as error:
        raise RuleViolation("roster_bad_date", value=text) from error
    return check_day(day)


def _shown(error: ZvonokError, viewer: Viewer) -> tuple[str, int]:
    """A rule broken by the form's values is shown in the form; a refusal is not."""
    status = status_for(error)
    if status != 422:
        raise error
    return error.message(viewer.lang), status


@router.get("/roster")
async def overview(request: Request, viewer: PageViewer) -> Response:
    data = await roster_overview(reading_uow(request), actor=viewer.actor)
    return render(request, "roster.html", viewer=viewer, overview=data)


# A class: its students and enrolment -------------------------------------------------


@router.get("/roster/classes/{class_id}")
async def class_page(
    request: Request, viewer: PageViewer, class_id: Id, enrolled: Id | None = None
) -> Response:
    return await _class_page(request, viewer, class_id, enrolled=enrolled)


async def _class_page(
    request: Request,
    viewer: Viewer,
    class_id: Id,
    *,
    enrolled: Id | None = None,
    error: str | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    roster = await class_roster(reading_uow(request), actor=viewer.actor, class_id=class_id)
    return render(
        request,
        "roster_class.html",
        viewer=viewer,
        status_code=status_code,
        roster=roster,
        enrolled=next((line for line in roster.students if line.id == enrolled), None),
        error=error,
        typed=typed or {"on": roster.today.isoformat()},
    )


@router.post("/roster/classes/{class_id}/enrol")
async def enrol(
    request: Request,
    viewer: PageViewer,
    class_id: Id,
    last_name: Annotated[str, Form(max_length=FORM_GUARD)] = "",
    first_name: Annotated[str, Form(max_length=FORM_GUARD)] = "",
    middle_name: Annotated[str, Form(max_length=FORM_GUARD)] = "",
    birth_date: Annotated[str, Form(max_length=20)] = "",
    on: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    typed = {
        "last_name": last_name,
        "first_name": first_name,
        "middle_name": middle_name,
        "birth_date": birth_date,
        "on": on,
    }
    try:
        student = await enrol_student(
            uow(request),
            actor=viewer.actor,
            class_id=class_id,
            last_name=last_name,
            first_name=first_name,
            middle_name=middle_name,
            birth_date=form_date(birth_date),
            on=form_date(on) or _no_date(),
        )
    except ZvonokError as refused:
        message, status = _shown(refused, viewer)
        return await _class_page(
            request, viewer, class_id, error=message, typed=typed, status_code=status
        )
    # The id, not the name, goes in the address: addresses end up in access logs.
    return RedirectResponse(f"/roster/classes/{class_id}?enrolled={student.id}", status_code=303)


def _no_date() -> dt.date:
    raise RuleViolation("roster_bad_date", value="")


# A student: history, guardians, transfer and leaving ---------------------------------


@router.get("/roster/students/{student_id}")
async def student_page(
    request: Request, viewer: PageViewer, student_id: Id, done: str = ""
) -> Response:
    return await _student_page(request, viewer, student_id, done=done)


async def _student_page(
    request: Request,
    viewer: Viewer,
    student_id: Id,
    *,
    done: str = "",
    error: str | None = None,
    typed: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    record = await student_record(reading_uow(request), actor=viewer.actor, student_id=student_id)
    return render(
        request,
        "roster_student.html",
        viewer=viewer,
        status_code=status_code,
        record=record,
        done=done,
        error=error,
        typed=typed or {"on": record.today.isoformat()},
    )


@router.post("/roster/students/{student_id}/transfer")
async def transfer(
    request: Request,
    viewer: PageViewer,
    student_id: Id,
    class_id: Annotated[Id, Form()],
    on: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    try:
        await transfer_student(
            uow(request),
            actor=viewer.actor,
            student_id=student_id,
            to_class_id=class_id,
            on=form_date(on) or _no_date(),
        )
    except ZvonokError as refused:
        message, status = _shown(refused, viewer)
        typed = {"on": on, "class_id": class_id}
        return await _student_page(
            request, viewer, student_id, error=message, typed=typed, status_code=status
        )
    return RedirectResponse(f"/roster/students/{student_id}?done=transferred", status_code=303)


@router.post("/roster/students/{student_id}/leave")
async def leave(
    request: Request,
    viewer: PageViewer,
    student_id: Id,
    on: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=FORM_GUARD)] = "",
) -> Response:
    try:
        await remove_student(
            uow(request),
            actor=viewer.actor,
            student_id=student_id,
            on=form_date(on) or _no_date(),
            reason=reason,
        )
    except ZvonokError as refused:
        message, status = _shown(refused, viewer)
        typed = {"on": on, "reason": reason}
        return await _student_page(
            request, viewer, student_id, error=message, typed=typed, status_code=status
        )
    return RedirectResponse(f"/roster/students/{student_id}?done=left", status_code=303)


# Import from a file ------------------------------------------------------------------


@router.get("/roster/import")
async def import_index(request: Request, viewer: PageViewer) -> Response:
    return await _import_index(request, viewer)


async def _import_index(
    request: Request, viewer: Viewer, *, error: str | None = None, status_code: int = 200
) -> Response:
    recent = await recent_roster_imports(reading_uow(request), actor=viewer.actor)
    return render(
        request,
        "roster_import_index.html",
        viewer=viewer,
        status_code=status_code,
        recent=recent,
        error=error,
    )


@router.post("/roster/import")
async def upload(
    request: Request,
    viewer: PageViewer,
    file: Annotated[UploadFile, File()],
    enrol_on: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Keep the file and check it (in the background when it takes a while)."""
    content = await file.read(MAX_FILE_BYTES + 1)  # one byte more tells "too big"
    try:
        view = await upload_roster(
            uow(request),
            actor=viewer.actor,
            filename=file.filename or "",
            content=content,
            enrol_on=form_date(enrol_on),
        )
    except ZvonokError as refused:
        message, status = _shown(refused, viewer)
        return await _import_index(request, viewer, error=message, status_code=status)
    job = start_check(request, viewer.actor, view.id)
    await roster_jobs(request).settle(job, SETTLE_SECONDS)
    return RedirectResponse(f"/roster/imports/{view.id}", status_code=303)


@router.get("/roster/imports/{import_id}")
async def import_page(request: Request, viewer: PageViewer, import_id: Id) -> Response:
    return await _import_state(request, viewer, import_id, "roster_import.html")


@router.get("/roster/imports/{import_id}/state")
async def import_state(request: Request, viewer: PageViewer, import_id: Id) -> Response:
    """The import's state as a fragment: the page polls it while a task runs."""
    return await _import_state(request, viewer, import_id, "_roster_import_state.html")


async def _import_state(request: Request, viewer: Viewer, import_id: Id, template: str) -> Response:
    job = roster_jobs(request).state(import_id)  # before the row: see JobState
    view = await roster_import(reading_uow(request), actor=viewer.actor, import_id=import_id)
    if view.status == "uploaded" and job is None:
        # Its check was lost with a restarted process: start it again.
        job = start_check(request, viewer.actor, import_id).state()
    return render(request, template, viewer=viewer, view=view, job=job)


@router.post("/roster/imports/{import_id}/confirm")
async def confirm(request: Request, viewer: PageViewer, import_id: Id) -> Response:
    # Refuse at once whom core refuses (another school, a teacher), not in the background.
    await roster_import(reading_uow(request), actor=viewer.actor, import_id=import_id)
    job = start_import(request, viewer.actor, import_id)
    await roster_jobs(request).settle(job, SETTLE_SECONDS)
    return RedirectResponse(f"/roster/imports/{import_id}", status_code=303)


@router.post("/roster/imports/{import_id}/cancel")
async def cancel(request: Request, viewer: PageViewer, import_id: Id) -> Response:
    await cancel_roster_import(uow(request), actor=viewer.actor, import_id=import_id)
    return RedirectResponse(f"/roster/imports/{import_id}", status_code=303)
