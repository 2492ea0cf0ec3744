"""/api/v1 for the journal: the grid, its cells, lessons, marks and attendance.

The grid page's script (webapp/static/grid.js) saves cells here with the session
cookie and the page's CSRF token; programs use a bearer token. Each endpoint calls
one core service with `viewer.actor` (core checks who may read or write what) and
answers a model of webapp/api/journal_models.py.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from core.reading.grid import journal_grid
from core.reading.homework_load import homework_day_load
from core.reading.journal_pages import journal_pages
from core.reading.lesson_page import lesson_page
from core.services.attendance import mark_attendance
from core.services.homework import delete_homework, set_homework
from core.services.journal_grid import save_cell, save_period_cell
from core.services.lesson_settings import set_lesson_topic, set_lesson_work_type
from core.services.lessons import assign_substitute
from core.services.marks import change_mark, delete_mark, post_mark
from core.services.remarks import post_remark
from core.services.roll_call import record_roll_call
from webapp.api.journal_models import (
    AttendanceIn,
    AttendanceOut,
    CellIn,
    GridOut,
    HomeworkIn,
    HomeworkOut,
    LessonOut,
    MarkChangeIn,
    MarkIn,
    MarkRowOut,
    PagesOut,
    PeriodMarkIn,
    PeriodMarkOut,
    RemarkIn,
    RemarkOut,
    SavedCellOut,
    SubstituteIn,
    TopicIn,
    WorkTypeIn,
)
from webapp.api.v1 import error_responses
from webapp.auth import ApiViewer
from webapp.params import Id
from webapp.state import reading_uow, uow

router = APIRouter(prefix="/api/v1", tags=["journal"], responses=error_responses())


@router.get("/journal/pages", response_model=PagesOut)
async def pages(request: Request, viewer: ApiViewer, class_id: Id | None = None) -> PagesOut:
    """The pages I teach, the classes I read, and one class's other pages."""
    found = await journal_pages(reading_uow(request), actor=viewer.actor, class_id=class_id)
    return PagesOut.of(found)


@router.get("/journal", response_model=GridOut)
async def grid(
    request: Request,
    viewer: ApiViewer,
    class_id: Id,
    subject_id: Id,
    group_id: Id | None = None,
    period_id: Id | None = None,
) -> GridOut:
    """A page's grid for a period (the current one by default)."""
    found = await journal_grid(
        reading_uow(request),
        actor=viewer.actor,
        class_id=class_id,
        subject_id=subject_id,
        group_id=group_id,
        period_id=period_id,
    )
    return GridOut.of(found)


@router.put("/journal/cells", response_model=SavedCellOut)
async def put_cell(request: Request, viewer: ApiViewer, body: CellIn) -> SavedCellOut:
    """Make a student's cell at a lesson say `text`: marks and attendance, as typed."""
    saved = await save_cell(
        uow(request),
        actor=viewer.actor,
        lesson_id=body.lesson_id,
        student_id=body.student_id,
        text=body.text,
        period_id=body.period_id,
    )
    return SavedCellOut.saved(body.student_id, saved)


@router.put("/journal/period-marks", response_model=PeriodMarkOut)
async def put_period_mark(request: Request, viewer: ApiViewer, body: PeriodMarkIn) -> PeriodMarkOut:
    """Set (or correct) a student's final period mark for a subject."""
    mark = await save_period_cell(
        uow(request),
        actor=viewer.actor,
        period_id=body.period_id,
        student_id=body.student_id,
        subject_id=body.subject_id,
        text=body.value,
    )
    return PeriodMarkOut.of(mark)


@router.get("/lessons/{lesson_id}", response_model=LessonOut)
async def get_lesson(request: Request, viewer: ApiViewer, lesson_id: Id) -> LessonOut:
    """A lesson: topic, work type, substitution, pupils' cells, homework, remarks."""
    return await _lesson_now(request, viewer, lesson_id)


async def _lesson_now(request: Request, viewer: ApiViewer, lesson_id: Id) -> LessonOut:
    page = await lesson_page(reading_uow(request), actor=viewer.actor, lesson_id=lesson_id)
    return LessonOut.of(page)


@router.put("/lessons/{lesson_id}/topic", response_model=LessonOut)
async def put_topic(request: Request, viewer: ApiViewer, lesson_id: Id, body: TopicIn) -> LessonOut:
    """Set the lesson's topic."""
    await set_lesson_topic(uow(request), actor=viewer.actor, lesson_id=lesson_id, topic=body.topic)
    return await _lesson_now(request, viewer, lesson_id)


@router.put("/lessons/{lesson_id}/work-type", response_model=LessonOut)
async def put_work_type(
    request: Request, viewer: ApiViewer, lesson_id: Id, body: WorkTypeIn
) -> LessonOut:
    """Set the work the lesson's marks are for; its marks of the old type follow."""
    await set_lesson_work_type(
        uow(request), actor=viewer.actor, lesson_id=lesson_id, work_type=body.work_type
    )
    return await _lesson_now(request, viewer, lesson_id)


@router.put("/lessons/{lesson_id}/substitute", response_model=LessonOut)
async def put_substitute(
    request: Request, viewer: ApiViewer, lesson_id: Id, body: SubstituteIn
) -> LessonOut:
    """Name the substitute teacher (deputy director, administrator), or withdraw it."""
    await assign_substitute(
        uow(request), actor=viewer.actor, lesson_id=lesson_id, substitute_id=body.substitute_id
    )
    return await _lesson_now(request, viewer, lesson_id)


@router.post("/lessons/{lesson_id}/homework", response_model=HomeworkOut, status_code=201)
async def post_homework(
    request: Request, viewer: ApiViewer, lesson_id: Id, body: HomeworkIn
) -> HomeworkOut:
    """Set homework for the class, or (with `student_ids`) for those students only; with
    `minutes`, the time it takes. The answer carries the day's load against the limit."""
    homework = await set_homework(
        uow(request),
        actor=viewer.actor,
        lesson_id=lesson_id,
        text=body.text,
        due_date=body.due_date,
        student_ids=body.student_ids,
        minutes=body.minutes,
    )
    load = await homework_day_load(
        reading_uow(request), actor=viewer.actor, homework_id=homework.id or 0
    )
    return HomeworkOut.of(homework, load)


@router.delete("/lessons/{lesson_id}/homework/{homework_id}", status_code=204)
async def remove_homework(
    request: Request, viewer: ApiViewer, lesson_id: Id, homework_id: Id
) -> Response:
    """Withdraw homework (families are told)."""
    await delete_homework(uow(request), actor=viewer.actor, homework_id=homework_id)
    return Response(status_code=204)


@router.post("/lessons/{lesson_id}/remarks", response_model=RemarkOut, status_code=201)
async def post_lesson_remark(
    request: Request, viewer: ApiViewer, lesson_id: Id, body: RemarkIn
) -> RemarkOut:
    """A remark, praise or appeal about a student at the lesson; sent to parents if ticked."""
    remark = await post_remark(
        uow(request),
        actor=viewer.actor,
        lesson_id=lesson_id,
        student_id=body.student_id,
        kind=body.kind,
        text=body.text,
        send_to_parents=body.send_to_parents,
    )
    return RemarkOut.of(remark)


@router.post("/lessons/{lesson_id}/marks", response_model=MarkRowOut, status_code=201)
async def post_lesson_mark(
    request: Request, viewer: ApiViewer, lesson_id: Id, body: MarkIn
) -> MarkRowOut:
    """Give a student a mark (2–5) for the lesson's work."""
    mark = await post_mark(
        uow(request),
        actor=viewer.actor,
        lesson_id=lesson_id,
        student_id=body.student_id,
        value=body.value,
        work_type=body.work_type,
        comment=body.comment,
    )
    return MarkRowOut.of(mark)


@router.patch("/marks/{mark_id}", response_model=MarkRowOut)
async def patch_mark(
    request: Request, viewer: ApiViewer, mark_id: Id, body: MarkChangeIn
) -> MarkRowOut:
    """Correct a mark's value, work type or comment (history is kept)."""
    mark = await change_mark(
        uow(request),
        actor=viewer.actor,
        mark_id=mark_id,
        value=body.value,
        work_type=body.work_type,
        comment=body.comment,
    )
    return MarkRowOut.of(mark)


@router.delete("/marks/{mark_id}", status_code=204)
async def remove_mark(request: Request, viewer: ApiViewer, mark_id: Id) -> Response:
    """Withdraw a mark (the row is kept, marked deleted)."""
    await delete_mark(uow(request), actor=viewer.actor, mark_id=mark_id)
    return Response(status_code=204)


@router.put("/lessons/{lesson_id}/attendance/{student_id}", response_model=AttendanceOut)
async def put_attendance(
    request: Request, viewer: ApiViewer, lesson_id: Id, student_id: Id, body: AttendanceIn
) -> AttendanceOut:
    """Mark a student absent («н»), ill («б») or late («оп»), or clear it (none).

    Answers with the stored code: `absent`, `ill` or `late`."""
    row = await mark_attendance(
        uow(request),
        actor=viewer.actor,
        lesson_id=lesson_id,
        student_id=student_id,
        status=body.status,
        minutes_late=body.minutes_late,
    )
    return AttendanceOut.of(lesson_id, student_id, row)


@router.post("/lessons/{lesson_id}/roll-call", status_code=204)
async def post_roll_call(request: Request, viewer: ApiViewer, lesson_id: Id) -> Response:
    """Record that attendance was taken (everyone present but those marked)."""
    await record_roll_call(uow(request), actor=viewer.actor, lesson_id=lesson_id)
    return Response(status_code=204)
