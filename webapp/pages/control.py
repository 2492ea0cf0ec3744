"""The control of the journal: the deputy director's dashboard («Контроль журнала»), a
teacher's own backlog («Мои задолженности»), the items behind each figure, and the
control report («Справка по итогам проверки ЭЖ») with its archive.

Every page calls one core read (`core.reading.control_summary`, `control_items`,
`control_lists`) or
the report's export (`core.reports.control_exports`); who sees what is core's answer.
The span (a period, a week, or two dates) travels in the query string, so each figure
links to exactly the items it counted.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from core import formats
from core.control.rules import Kind, State
from core.reading.control_items import (
    Filter,
    LessonList,
    PupilList,
    control_lessons,
    control_pupils,
)
from core.reading.control_lists import ScheduleList, control_overload, control_tests
from core.reading.control_span import SpanAsked, resolve_span
from core.reading.control_summary import LESSON_KINDS, control_summary
from core.reports.control_exports import (
    ReportFile,
    export_control_report,
    fetch_control_report,
    list_control_reports,
)
from webapp.auth import PageViewer
from webapp.pages import page_router
from webapp.params import Day, Id
from webapp.render import render
from webapp.state import reading_uow, uow

router = page_router()


def span_asked(
    period: Id | None = None,
    week: Day | None = None,
    start: Day | None = None,
    end: Day | None = None,
) -> SpanAsked:
    """The span of the query string: a period, a week (any day of it), or two dates."""
    return SpanAsked(period_id=period, week=week, start=start, end=end)


def where_asked(
    teacher: Id | None = None,
    klass: Annotated[Id | None, Query(alias="class")] = None,
    subject: Id | None = None,
    group: Id | None = None,
) -> Filter:
    """Whose items: a teacher; a class (with a subject: exactly that page of it)."""
    return Filter(teacher_id=teacher, class_id=klass, subject_id=subject, group_id=group)


Span = Annotated[SpanAsked, Depends(span_asked)]
Where = Annotated[Filter, Depends(where_asked)]


@router.get("/control")
async def dashboard(
    request: Request, viewer: PageViewer, asked: Span, teacher: Id | None = None
) -> Response:
    summary = await control_summary(
        reading_uow(request), actor=viewer.actor, asked=asked, teacher_id=teacher
    )
    span = summary.span
    monday = span.week or span.start
    return render(
        request,
        "control.html",
        viewer=viewer,
        s=summary,
        base=span.query + (f"&teacher={teacher}" if teacher else ""),
        teacher_id=teacher,
        teacher=summary.control.names.staff.get(teacher) if teacher else None,
        kinds=[kind.value for kind in LESSON_KINDS],
        overseer=summary.whole_school or teacher is not None,
        weeks=(monday - dt.timedelta(days=7), monday + dt.timedelta(days=7)),
        first_of=lambda year, month: dt.date(year, month, 1),
        percent=lambda part, whole: formats.percent(part / whole, viewer.lang),
    )


@router.get("/control/lessons")
async def lessons(
    request: Request,
    viewer: PageViewer,
    asked: Span,
    where: Where,
    what: LessonList,
    state: State | None = None,
) -> Response:
    found = await control_lessons(
        reading_uow(request), actor=viewer.actor, asked=asked, what=what, state=state, where=where
    )
    return render(
        request,
        "control_lessons.html",
        viewer=viewer,
        found=found,
        what=what.value,
        state=state.value if state else None,
        whose=where.words(found.control.names),
        teacher_id=where.teacher_id if found.control.whole_school else None,
    )


@router.get("/control/pupils")
async def pupils(
    request: Request,
    viewer: PageViewer,
    asked: Span,
    where: Where,
    what: PupilList,
    of: Id | None = None,
    kind: Kind | None = None,
    overdue: bool | None = None,
) -> Response:
    """`of`: one of the span's periods; `kind`, `overdue`: which period marks."""
    found = await control_pupils(
        reading_uow(request),
        actor=viewer.actor,
        asked=asked,
        what=what,
        period_id=of,
        kind=kind,
        overdue=overdue,
        where=where,
    )
    return render(
        request,
        "control_pupils.html",
        viewer=viewer,
        found=found,
        what=what.value,
        kind=kind.value if kind else None,
        overdue=overdue,
        whose=where.words(found.control.names),
        teacher_id=where.teacher_id if found.control.whole_school else None,
    )


@router.get("/control/homework")
async def overload(request: Request, viewer: PageViewer, asked: Span, where: Where) -> Response:
    """The days a class's homework went over the limit."""
    found = await control_overload(
        reading_uow(request), actor=viewer.actor, asked=asked, where=where
    )
    return render(
        request,
        "control_homework.html",
        viewer=viewer,
        found=found,
        whose=where.words(found.names),
        teacher_id=where.teacher_id if found.whole_school else None,
    )


@router.get("/control/tests")
async def tests(
    request: Request, viewer: PageViewer, asked: Span, where: Where, what: ScheduleList
) -> Response:
    """Tests held off the schedule, or scheduled and not held."""
    found = await control_tests(
        reading_uow(request), actor=viewer.actor, asked=asked, what=what, where=where
    )
    return render(
        request,
        "control_tests.html",
        viewer=viewer,
        found=found,
        what=what.value,
        whose=where.words(found.names),
        teacher_id=where.teacher_id if found.whole_school else None,
    )


@router.get("/control/reports")
async def reports(
    request: Request, viewer: PageViewer, asked: Span, export: Id | None = None
) -> Response:
    """The archive of control reports, and the form to make one for a span."""
    archive = await list_control_reports(reading_uow(request), actor=viewer.actor)
    span = await resolve_span(reading_uow(request), actor=viewer.actor, asked=asked)
    return render(
        request, "control_reports.html", viewer=viewer, archive=archive, span=span, fresh=export
    )


@router.post("/control/reports")
async def make_report(
    request: Request,
    viewer: PageViewer,
    period: Annotated[Id | None, Form()] = None,
    week: Annotated[Day | None, Form()] = None,
    start: Annotated[Day | None, Form()] = None,
    end: Annotated[Day | None, Form()] = None,
    format: Annotated[str, Form(max_length=10)] = "pdf",
) -> Response:
    made = await export_control_report(
        uow(request),
        actor=viewer.actor,
        asked=SpanAsked(period_id=period, week=week, start=start, end=end),
        fmt=format,
        language=viewer.lang,
    )
    target = f"/control/reports?export={made.info.export_id}#archive"
    return RedirectResponse(target, status_code=303)


@router.get("/control/reports/{export_id}")
async def download_report(request: Request, viewer: PageViewer, export_id: Id) -> Response:
    found = await fetch_control_report(
        reading_uow(request), actor=viewer.actor, export_id=export_id
    )
    return report_response(found)


def report_response(found: ReportFile) -> Response:
    """The archived bytes as a download, with both hashes in the headers."""
    info = found.info
    return Response(
        found.data,
        media_type=info.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{info.filename}"',
            "X-Content-SHA256": info.file_sha256,
            "X-Report-Content-SHA256": info.content_sha256,
            "X-Generated-At": info.generated_at.isoformat(),
        },
    )
