"""/api/v1/roster: classes and students, enrolment, transfer, leaving, and the import of
a list from a CSV or XLSX file (upload → check → confirm, or cancel).

An upload or a confirmation answers 202 with the import's state: small files are done
by then, a big one goes on in the background and `GET /api/v1/roster/imports/{id}`
reports its progress until the status says it is checked or imported. Permissions are
core's (the administrator and the secretary of the school).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from pydantic import BaseModel, Field

from core import limits
from core.reading.roster import (
    ClassRoster,
    StudentLine,
    StudentRecord,
    class_roster,
    roster_overview,
    student_record,
)
from core.reading.roster_imports import ImportView, RowProblem, roster_import
from core.services.roster import enrol_student, remove_student, transfer_student
from core.services.roster_file import MAX_FILE_BYTES
from core.services.roster_import import cancel_roster_import, upload_roster
from webapp.api.v1 import error_responses
from webapp.auth import ApiViewer, Viewer
from webapp.errors import error_code
from webapp.limits import FORM_GUARD, at_most
from webapp.params import Day, Id
from webapp.roster_jobs import JobState, roster_jobs, start_check, start_import
from webapp.state import reading_uow, uow

SETTLE_SECONDS = 2.0


router = APIRouter(
    prefix="/api/v1/roster",
    tags=["roster"],
    responses=error_responses(
        forbidden="Not the administrator or the secretary.",
        invalid="The request breaks a rule of the roster, or a value is malformed or out of range.",
    ),
)


class ClassOut(BaseModel):
    id: int
    name: str
    students: int
    class_teacher: str


class StudentLineOut(BaseModel):
    id: int
    full_name: str
    birth_date: dt.date | None
    since: dt.date
    until: dt.date | None
    end_reason: str | None
    guardians: int

    @classmethod
    def of(cls, line: StudentLine) -> StudentLineOut:
        return cls(**line.__dict__)


class ClassRosterOut(BaseModel):
    id: int
    name: str
    year: str
    students: list[StudentLineOut]
    former: list[StudentLineOut]

    @classmethod
    def of(cls, roster: ClassRoster) -> ClassRosterOut:
        return cls(
            id=roster.id,
            name=roster.name,
            year=roster.year_name,
            students=[StudentLineOut.of(line) for line in roster.students],
            former=[StudentLineOut.of(line) for line in roster.former],
        )


class EnrolmentOut(BaseModel):
    class_id: int
    class_name: str
    since: dt.date
    until: dt.date | None
    reason: str
    end_reason: str | None


class GuardianOut(BaseModel):
    id: int
    full_name: str
    phone: str | None
    email: str | None
    relation: str
    consent: bool
    telegram: bool


class StudentOut(BaseModel):
    id: int
    full_name: str
    birth_date: dt.date | None
    left_on: dt.date | None
    current: EnrolmentOut | None
    history: list[EnrolmentOut]
    guardians: list[GuardianOut]

    @classmethod
    def of(cls, record: StudentRecord) -> StudentOut:
        return cls(
            id=record.id,
            full_name=record.full_name,
            birth_date=record.birth_date,
            left_on=record.left_on,
            current=EnrolmentOut(**record.current.__dict__) if record.current else None,
            history=[EnrolmentOut(**line.__dict__) for line in record.history],
            guardians=[GuardianOut(**g.__dict__) for g in record.guardians],
        )


class EnrolIn(BaseModel):
    last_name: str = Field(max_length=FORM_GUARD, description=at_most(limits.PERSON_NAME))
    first_name: str = Field(max_length=FORM_GUARD, description=at_most(limits.PERSON_NAME))
    middle_name: str = Field(
        default="", max_length=FORM_GUARD, description=at_most(limits.PERSON_NAME)
    )
    birth_date: Day | None = None
    on: Day = Field(description="The first day in the class.")


class TransferIn(BaseModel):
    class_id: Id
    on: Day = Field(description="The first day in the new class.")


class LeaveIn(BaseModel):
    on: Day = Field(description="The first day the student is no longer at the school.")
    reason: str = Field(
        max_length=FORM_GUARD,
        description="E.g. the director's order; " + at_most(limits.ROSTER_REASON),
    )


class ProblemOut(BaseModel):
    row: int = Field(description="The row's number in the spreadsheet (the header is row 1).")
    column: str = Field(description="The column's header as written in the file.")
    code: str
    message: str

    @classmethod
    def of(cls, problem: RowProblem, lang: str) -> ProblemOut:
        return cls(
            row=problem.row, column=problem.column, code=problem.key, message=problem.message(lang)
        )


class ClassCountOut(BaseModel):
    class_id: int
    name: str
    students: int


class ReportOut(BaseModel):
    rows: int
    students: int
    guardians_new: int
    guardians_linked: int
    classes: list[ClassCountOut]
    problems: list[ProblemOut]
    problem_count: int
    problem_rows: int
    file_error: ProblemOut | None
    ignored_columns: list[str]


class ResultOut(BaseModel):
    students: int
    guardians_new: int
    guardians_linked: int
    classes: list[ClassCountOut]


class ProgressOut(BaseModel):
    task: str = Field(description='"check" or "import".')
    running: bool
    stage: str = Field(description='"queued", "reading", "checking", "writing" or "done".')
    done: int
    total: int
    error: ProblemOut | None = Field(description="Why the task was refused, if it was.")


class ImportOut(BaseModel):
    id: int
    filename: str
    size: int
    enrol_on: dt.date
    status: str = Field(description='"uploaded", "checked", "imported", "cancelled", "expired".')
    can_confirm: bool
    created_at: dt.datetime
    expires_at: dt.datetime
    uploaded_by: str
    report: ReportOut | None
    result: ResultOut | None
    progress: ProgressOut | None

    @classmethod
    def of(cls, view: ImportView, job: JobState | None, lang: str) -> ImportOut:
        report = view.report
        return cls(
            id=view.id,
            filename=view.filename,
            size=view.size,
            enrol_on=view.enrol_on,
            status=view.status,
            can_confirm=view.can_confirm and not (job and job.running),
            created_at=view.created_at,
            expires_at=view.expires_at,
            uploaded_by=view.uploaded_by,
            report=None
            if report is None
            else ReportOut(
                **report.model_dump(exclude={"problems", "file_error", "sample", "classes"}),
                classes=[ClassCountOut(**c.model_dump()) for c in report.classes],
                problems=[ProblemOut.of(p, lang) for p in report.problems],
                file_error=ProblemOut.of(report.file_error, lang) if report.file_error else None,
            ),
            result=ResultOut(**view.result.model_dump()) if view.result else None,
            progress=_progress(job, lang),
        )


def _progress(job: JobState | None, lang: str) -> ProgressOut | None:
    if job is None:
        return None
    error = None
    if job.error is not None:
        error = ProblemOut(
            row=0, column="", code=error_code(job.error), message=job.error.message(lang)
        )
    return ProgressOut(
        task=job.kind,
        running=job.running,
        stage=job.stage,
        done=job.done,
        total=job.total,
        error=error,
    )


@router.get("/classes", response_model=list[ClassOut])
async def classes(request: Request, viewer: ApiViewer) -> list[ClassOut]:
    """The classes of the current school year, with how many students each has."""
    overview = await roster_overview(reading_uow(request), actor=viewer.actor)
    return [ClassOut(**line.__dict__) for line in overview.classes]


@router.get("/classes/{class_id}", response_model=ClassRosterOut)
async def class_students(request: Request, viewer: ApiViewer, class_id: Id) -> ClassRosterOut:
    """A class's students, and those who have left it."""
    roster = await class_roster(reading_uow(request), actor=viewer.actor, class_id=class_id)
    return ClassRosterOut.of(roster)


async def _student(request: Request, viewer: Viewer, student_id: Id) -> StudentOut:
    record = await student_record(reading_uow(request), actor=viewer.actor, student_id=student_id)
    return StudentOut.of(record)


@router.post("/classes/{class_id}/students", response_model=StudentOut, status_code=201)
async def enrol(request: Request, viewer: ApiViewer, class_id: Id, body: EnrolIn) -> StudentOut:
    """Enrol a new student in the class from `on`."""
    student = await enrol_student(
        uow(request), actor=viewer.actor, class_id=class_id, **body.model_dump()
    )
    return await _student(request, viewer, student.id or 0)


@router.get("/students/{student_id}", response_model=StudentOut)
async def student(request: Request, viewer: ApiViewer, student_id: Id) -> StudentOut:
    """A student: classes over time, and guardians."""
    return await _student(request, viewer, student_id)


@router.post("/students/{student_id}/transfer", response_model=StudentOut)
async def transfer(
    request: Request, viewer: ApiViewer, student_id: Id, body: TransferIn
) -> StudentOut:
    """Transfer to another class from `on` (the old enrolment ends the day before)."""
    await transfer_student(
        uow(request),
        actor=viewer.actor,
        student_id=student_id,
        to_class_id=body.class_id,
        on=body.on,
    )
    return await _student(request, viewer, student_id)


@router.post("/students/{student_id}/leave", response_model=StudentOut)
async def leave(request: Request, viewer: ApiViewer, student_id: Id, body: LeaveIn) -> StudentOut:
    """Record that the student leaves the school on `on`."""
    await remove_student(
        uow(request), actor=viewer.actor, student_id=student_id, on=body.on, reason=body.reason
    )
    return await _student(request, viewer, student_id)


async def _import_out(request: Request, viewer: Viewer, import_id: Id) -> ImportOut:
    job = roster_jobs(request).state(import_id)  # before the row: see JobState
    view = await roster_import(reading_uow(request), actor=viewer.actor, import_id=import_id)
    return ImportOut.of(view, job, viewer.lang)


@router.post("/imports", response_model=ImportOut, status_code=202)
async def upload(
    request: Request,
    viewer: ApiViewer,
    file: Annotated[UploadFile, File(description="CSV (UTF-8 or cp1251) or XLSX.")],
    enrol_on: Annotated[Day | None, Form(description="Enrolment date; today if empty.")] = None,
) -> ImportOut:
    """Upload a roster file and check it: nothing enters the journal until confirmed."""
    content = await file.read(MAX_FILE_BYTES + 1)
    view = await upload_roster(
        uow(request),
        actor=viewer.actor,
        filename=file.filename or "",
        content=content,
        enrol_on=enrol_on,
    )
    job = start_check(request, viewer.actor, view.id)
    await roster_jobs(request).settle(job, SETTLE_SECONDS)
    return await _import_out(request, viewer, view.id)


@router.get("/imports/{import_id}", response_model=ImportOut)
async def import_state(request: Request, viewer: ApiViewer, import_id: Id) -> ImportOut:
    """An import's status, preview (every bad row with why), progress, or result."""
    return await _import_out(request, viewer, import_id)


@router.post("/imports/{import_id}/confirm", response_model=ImportOut, status_code=202)
async def confirm(request: Request, viewer: ApiViewer, import_id: Id) -> ImportOut:
    """Write the checked file to the journal: everything, or nothing. A refusal that
    comes at once is answered 422; one that comes later is in `progress.error`."""
    await roster_import(reading_uow(request), actor=viewer.actor, import_id=import_id)
    job = start_import(request, viewer.actor, import_id)
    await roster_jobs(request).settle(job, SETTLE_SECONDS)
    if not job.running and job.error is not None:
        raise job.error  # refused at once (already imported, errors in the file): 422
    return await _import_out(request, viewer, import_id)


@router.delete("/imports/{import_id}", status_code=204)
async def cancel(request: Request, viewer: ApiViewer, import_id: Id) -> Response:
    """Cancel an import that is not written yet; its file is deleted at once."""
    await cancel_roster_import(uow(request), actor=viewer.actor, import_id=import_id)
    return Response(status_code=204)
