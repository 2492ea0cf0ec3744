"""The test schedule (график контрольных работ): /tests and /tests/classes/{class}.

`/tests` is a teacher's: the form to plan a test on one of their pages (date, class or
group and subject, kind, title), their tests of a period with the school's limits each
breaks, a cancel button on each to come, and the classes whose schedule they read.
`/tests/classes/{class}` shows every subject's tests of a class to its readers (class
teacher, teachers of the class, deputy director, administrators). Core decides who may
do what (core.services.test_schedule, core.reading.test_schedule).

The forms post with htmx, which swaps back the section (the list re-read from core with
the message: saved, and the warnings of the test just planned, or core's refusal with
what was typed kept); without htmx a saved form goes back to the page (303), which
shows the same, and a refused one shows the page with the message.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from core.errors import ZvonokError
from core.reading.test_schedule import class_tests, teacher_tests
from core.services.test_schedule import cancel_test, schedule_test
from core.test_limits import TEST_KINDS
from core.validation import is_row_id
from webapp.auth import PageViewer, Viewer
from webapp.errors import status_for
from webapp.limits import FORM_GUARD
from webapp.pages import page_router
from webapp.params import Day, Id
from webapp.render import is_htmx, render
from webapp.state import reading_uow, uow

router = page_router()


def page_value(class_id: int, subject_id: int, group_id: int | None) -> str:
    """The plan form's choice of a page: «class:subject» or «class:subject:group»."""
    parts = [class_id, subject_id] + ([group_id] if group_id else [])
    return ":".join(str(part) for part in parts)


def parse_page(value: str) -> tuple[int, int, int | None]:
    """(class, subject, group) of a page choice; a part no row can have becomes 0, which
    core answers as not found."""
    parts = [int(p) if p.isdigit() and is_row_id(int(p)) else 0 for p in value.split(":")]
    if len(parts) not in (2, 3):
        return 0, 0, None
    return parts[0], parts[1], parts[2] if len(parts) == 3 else None


@router.get("/tests")
async def schedule_page(
    request: Request,
    viewer: PageViewer,
    period: Id | None = None,
    date: Day | None = None,
    planned: Id | None = None,
    cancelled: bool = False,
) -> Response:
    """My tests of a period (`period`, or the one holding `date`, by default today);
    after a plan or a cancel without htmx, what was done."""
    return await _teacher_page(
        request, viewer, period=period, around=date, planned=planned, cancelled=cancelled
    )


async def _teacher_page(
    request: Request,
    viewer: Viewer,
    *,
    period: int | None = None,
    around: dt.date | None = None,
    planned: int | None = None,
    cancelled: bool = False,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
    section_only: bool = False,
) -> Response:
    schedule = await teacher_tests(
        reading_uow(request), actor=viewer.actor, period_id=period, around=around
    )
    just_planned = next((t for t in schedule.tests if t.test_id == planned), None)
    return render(
        request,
        "_tests_mine.html" if section_only else "tests.html",
        viewer=viewer,
        status_code=status_code,
        schedule=schedule,
        kinds=TEST_KINDS,
        page_value=page_value,
        planned=just_planned,
        cancelled=cancelled,
        error=error,
        form=form or {},
    )


@router.post("/tests")
async def plan(
    request: Request,
    viewer: PageViewer,
    page: Annotated[str, Form(max_length=40)],
    date: Annotated[Day, Form()],
    work_type: Annotated[str, Form(max_length=20)] = "test",
    title: Annotated[str, Form(max_length=FORM_GUARD)] = "",
) -> Response:
    """Plan a test on one of my pages; over the school's limits: warned, or refused."""
    class_id, subject_id, group_id = parse_page(page)
    try:
        done = await schedule_test(
            uow(request),
            actor=viewer.actor,
            class_id=class_id,
            subject_id=subject_id,
            group_id=group_id,
            on=date,
            work_type=work_type,
            title=title,
        )
    except ZvonokError as refused:
        typed = {"page": page, "date": date, "work_type": work_type, "title": title}
        return await _teacher_page(
            request,
            viewer,
            around=date,
            error=refused.message(viewer.lang),
            form=typed,
            status_code=status_for(refused),
            section_only=is_htmx(request),
        )
    if not is_htmx(request):
        target = f"/tests?date={date.isoformat()}&planned={done.test.id}"
        return RedirectResponse(target, status_code=303)
    return await _teacher_page(
        request, viewer, around=date, planned=done.test.id, section_only=True
    )


@router.post("/tests/{test_id}/cancel")
async def cancel(request: Request, viewer: PageViewer, test_id: Id) -> Response:
    """Take one of my tests off the schedule."""
    test = await cancel_test(uow(request), actor=viewer.actor, test_id=test_id)
    if not is_htmx(request):
        target = f"/tests?date={test.date.isoformat()}&cancelled=1"
        return RedirectResponse(target, status_code=303)
    return await _teacher_page(request, viewer, around=test.date, cancelled=True, section_only=True)


@router.get("/tests/classes/{class_id}")
async def class_page(
    request: Request,
    viewer: PageViewer,
    class_id: Id,
    period: Id | None = None,
) -> Response:
    """Every subject's tests of a class in a period (the current one by default)."""
    schedule = await class_tests(
        reading_uow(request), actor=viewer.actor, class_id=class_id, period_id=period
    )
    return render(request, "tests_class.html", viewer=viewer, schedule=schedule)
