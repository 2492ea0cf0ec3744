"""Set-up pages: classes, subjects, teaching assignments and the timetable."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from core.models import Role
from core.permissions import has_role
from core.reading import words
from core.reading.school_directory import read_directory
from core.services.school_structure import (
    add_assignment,
    add_timetable_entry,
    create_class,
    create_subject,
    remove_assignment,
    remove_timetable_entry,
    rename_subject,
    update_class,
)
from webapp.auth import PageViewer, Viewer
from webapp.limits import FORM_GUARD
from webapp.pages import page_router
from webapp.pages.admin_forms import (
    Page,
    optional_id,
    render_admin,
    required_id,
    submit,
    whole_number,
)
from webapp.params import Id
from webapp.state import reading_uow, uow

router = page_router()

Text = Annotated[str, Form(max_length=FORM_GUARD)]
DAYS = range(6)


def _page(template: str, tab: str) -> Page:
    async def page(
        request: Request,
        viewer: Viewer,
        *,
        error: str | None = None,
        form: Mapping[str, Any] | None = None,
        status_code: int = 200,
    ) -> Response:
        year_id = optional_id(request.query_params.get("year"))
        directory = await read_directory(reading_uow(request), actor=viewer.actor, year_id=year_id)
        sent = form or {}
        chosen = optional_id(request.query_params.get("class_id") or sent.get("class_id"))
        klass = next((c for c in directory.classes if c.id == chosen), None)
        if klass is None and directory.classes:
            klass = directory.classes[0]
        return render_admin(
            request,
            viewer,
            template,
            tab=tab,
            error=error,
            form=form,
            status_code=status_code,
            can_edit=has_role(viewer.staff, Role.admin),
            d=directory,
            klass=klass,
            days=DAYS,
            day_name=lambda day: words.weekday_name(day, viewer.lang),
        )

    return page


classes_page = _page("admin_classes.html", "classes")
subjects_page = _page("admin_subjects.html", "subjects")
assignments_page = _page("admin_assignments.html", "assignments")
timetable_page = _page("admin_timetable.html", "timetable")


@router.get("/admin/classes")
async def classes(request: Request, viewer: PageViewer) -> Response:
    return await classes_page(request, viewer)


@router.post("/admin/years/{year_id}/classes")
async def class_add(
    request: Request,
    viewer: PageViewer,
    year_id: Id,
    grade: Text = "",
    letter: Text = "",
    class_teacher_id: Text = "",
) -> Response:
    def change() -> Any:
        return create_class(
            uow(request),
            actor=viewer.actor,
            year_id=year_id,
            grade=whole_number(grade) or 0,
            letter=letter,
            class_teacher_id=optional_id(class_teacher_id),
        )

    return await submit(request, viewer, classes_page, change, f"/admin/classes?year={year_id}")


@router.post("/admin/classes/{class_id}")
async def class_save(
    request: Request,
    viewer: PageViewer,
    class_id: Id,
    grade: Text = "",
    letter: Text = "",
    class_teacher_id: Text = "",
) -> Response:
    def change() -> Any:
        return update_class(
            uow(request),
            actor=viewer.actor,
            class_id=class_id,
            grade=whole_number(grade) or 0,
            letter=letter,
            class_teacher_id=optional_id(class_teacher_id),
        )

    return await submit(request, viewer, classes_page, change, "/admin/classes")


@router.get("/admin/subjects")
async def subjects(request: Request, viewer: PageViewer) -> Response:
    return await subjects_page(request, viewer)


@router.post("/admin/subjects")
async def subject_add(
    request: Request,
    viewer: PageViewer,
    name: Text = "",
    short_name: Text = "",
    homework: Text = "",
    graded: Text = "",
) -> Response:
    def change() -> Any:
        return create_subject(
            uow(request),
            actor=viewer.actor,
            name=name,
            short_name=short_name,
            homework=bool(homework),
            graded=bool(graded),
        )

    return await submit(request, viewer, subjects_page, change, "/admin/subjects")


@router.post("/admin/subjects/{subject_id}")
async def subject_save(
    request: Request,
    viewer: PageViewer,
    subject_id: Id,
    name: Text = "",
    short_name: Text = "",
    homework: Text = "",
    graded: Text = "",
) -> Response:
    # An unticked box is not sent at all: the form always shows both, so absent is "no".
    def change() -> Any:
        return rename_subject(
            uow(request),
            actor=viewer.actor,
            subject_id=subject_id,
            name=name,
            short_name=short_name,
            homework=bool(homework),
            graded=bool(graded),
        )

    return await submit(request, viewer, subjects_page, change, "/admin/subjects")


@router.get("/admin/assignments")
async def assignments(request: Request, viewer: PageViewer) -> Response:
    return await assignments_page(request, viewer)


@router.post("/admin/assignments")
async def assignment_add(
    request: Request,
    viewer: PageViewer,
    teacher_id: Text = "",
    class_id: Text = "",
    subject_id: Text = "",
    group_id: Text = "",
) -> Response:
    def change() -> Any:
        return add_assignment(
            uow(request),
            actor=viewer.actor,
            teacher_id=required_id(teacher_id),
            class_id=required_id(class_id),
            subject_id=required_id(subject_id),
            group_id=optional_id(group_id),
        )

    return await submit(request, viewer, assignments_page, change, "/admin/assignments")


@router.post("/admin/assignments/{assignment_id}/delete")
async def assignment_delete(request: Request, viewer: PageViewer, assignment_id: Id) -> Response:
    def change() -> Any:
        return remove_assignment(uow(request), actor=viewer.actor, assignment_id=assignment_id)

    return await submit(request, viewer, assignments_page, change, "/admin/assignments")


@router.get("/admin/timetable")
async def timetable(request: Request, viewer: PageViewer) -> Response:
    return await timetable_page(request, viewer)


@router.post("/admin/classes/{class_id}/timetable")
async def timetable_add(
    request: Request,
    viewer: PageViewer,
    class_id: Id,
    subject_id: Text = "",
    teacher_id: Text = "",
    group_id: Text = "",
    weekday: Text = "",
    slot: Text = "",
    room: Text = "",
) -> Response:
    def change() -> Any:
        day, number = whole_number(weekday), whole_number(slot)
        return add_timetable_entry(
            uow(request),
            actor=viewer.actor,
            class_id=class_id,
            subject_id=required_id(subject_id),
            teacher_id=required_id(teacher_id),
            group_id=optional_id(group_id),
            weekday=-1 if day is None else day,
            slot=-1 if number is None else number,
            room=room,
        )

    back = f"/admin/timetable?class_id={class_id}"
    return await submit(request, viewer, timetable_page, change, back)


@router.post("/admin/timetable/{entry_id}/delete")
async def timetable_delete(
    request: Request, viewer: PageViewer, entry_id: Id, class_id: Text = ""
) -> Response:
    def change() -> Any:
        return remove_timetable_entry(uow(request), actor=viewer.actor, entry_id=entry_id)

    back = f"/admin/timetable?class_id={required_id(class_id)}"
    return await submit(request, viewer, timetable_page, change, back)
