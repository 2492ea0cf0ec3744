"""Roster imports as their pages show them: the file, its state, the preview of what
it would create (or why it cannot be imported) and what it created. The steps (upload,
check, confirm, cancel) are `core.services.roster_import`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlmodel import col, select

from core.actors import StaffActor
from core.error_texts import error_text
from core.i18n import DEFAULT_LANGUAGE
from core.models import ImportStatus, RosterImport, Staff
from core.permissions import roster_keeper
from core.rows import get_in_school
from core.uow import UnitOfWork

OPEN = (ImportStatus.uploaded.value, ImportStatus.checked.value)


class RowProblem(BaseModel):
    """Why one row of the file cannot be imported."""

    row: int
    column: str  # the column's header as written in the file; "" for the row as a whole
    key: str  # the error's code (core/error_texts)
    params: dict[str, Any]  # its JSON parameters

    def message(self, language: str = DEFAULT_LANGUAGE) -> str:
        return error_text(self.key, language, self.params)


class ClassCount(BaseModel):
    class_id: int
    name: str
    students: int


class SampleRow(BaseModel):
    row: int
    student: str
    birth_date: str
    klass: str
    guardians: list[str]


class ImportReport(BaseModel):
    """The preview: what the file would create, or why it cannot be imported."""

    rows: int = 0
    students: int = 0
    guardians_new: int = 0
    guardians_linked: int = 0  # guardians already at the school who get another child
    classes: list[ClassCount] = []
    problems: list[RowProblem] = []  # the first MAX_PROBLEMS_SHOWN
    problem_count: int = 0
    problem_rows: int = 0  # rows with at least one problem
    file_error: RowProblem | None = None  # the file as a whole is unusable
    ignored_columns: list[str] = []
    sample: list[SampleRow] = []

    @property
    def ok(self) -> bool:
        return self.file_error is None and self.problem_count == 0


class ImportResult(BaseModel):
    """What an import created: counts only (kept after the file is gone)."""

    students: int
    guardians_new: int
    guardians_linked: int
    classes: list[ClassCount]


@dataclass(frozen=True)
class ImportView:
    id: int
    filename: str
    size: int
    enrol_on: dt.date
    status: str  # an ImportStatus value; "expired" as soon as `expires_at` has passed
    created_at: dt.datetime
    expires_at: dt.datetime
    finished_at: dt.datetime | None
    uploaded_by: str
    report: ImportReport | None
    result: ImportResult | None

    @property
    def can_confirm(self) -> bool:
        return self.status == ImportStatus.checked and self.report is not None and self.report.ok


def import_status(item: RosterImport, now: dt.datetime) -> str:
    if item.status in OPEN and item.expires_at <= now:
        return ImportStatus.expired.value
    return item.status


def import_view(item: RosterImport, uploader: Staff | None, now: dt.datetime) -> ImportView:
    return ImportView(
        id=item.id or 0,
        filename=item.filename,
        size=item.size,
        enrol_on=item.enrol_on,
        status=import_status(item, now),
        created_at=item.created_at,
        expires_at=item.expires_at,
        finished_at=item.finished_at,
        uploaded_by=uploader.short_name if uploader else "",
        report=ImportReport.model_validate(item.report) if item.report else None,
        result=ImportResult.model_validate(item.result) if item.result else None,
    )


async def import_of(uow: UnitOfWork, staff: Staff, import_id: int, *, lock: bool) -> RosterImport:
    await get_in_school(uow, RosterImport, import_id, staff.school_id, "roster_import")
    if not lock:
        found = await uow.session.get(RosterImport, import_id)
        assert found is not None
        return found
    # Two confirmations at once (two tabs, two web processes): the second waits here
    # for the first to commit and then sees it imported (PostgreSQL; SQLite's write
    # lock already serializes them).
    query = (
        select(RosterImport)
        .where(RosterImport.id == import_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await uow.session.exec(query)).one()


async def view_of(uow: UnitOfWork, item: RosterImport) -> ImportView:
    uploader = await uow.session.get(Staff, item.uploaded_by)
    return import_view(item, uploader, uow.now())


async def roster_import(uow: UnitOfWork, *, actor: StaffActor, import_id: int) -> ImportView:
    """One import as its page shows it (administrator or secretary of its school)."""
    async with uow:
        staff = await roster_keeper(uow, actor)
        item = await import_of(uow, staff, import_id, lock=False)
        return await view_of(uow, item)


async def recent_roster_imports(
    uow: UnitOfWork, *, actor: StaffActor, limit: int = 10
) -> Sequence[ImportView]:
    """The school's latest imports, newest first."""
    async with uow:
        staff = await roster_keeper(uow, actor)
        query = (
            select(RosterImport, Staff)
            .join(Staff, col(Staff.id) == RosterImport.uploaded_by)
            .where(RosterImport.school_id == staff.school_id)
            .order_by(col(RosterImport.created_at).desc(), col(RosterImport.id).desc())
            .limit(limit)
        )
        rows = (await uow.session.exec(query)).all()
        return [import_view(item, uploader, uow.now()) for item, uploader in rows]
