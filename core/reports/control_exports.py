"""Exporting the control report: the file is made, hashed and kept for the archive.

Like the summary statement's exports (`core.reports.statement_exports`): each report is
kept byte for byte in `control_report_export` with the SHA-256 of its content
(canonical JSON, printed inside the file) and of the file itself (shown beside the
download link and sent with every download). Only the deputy director and the
administrator make, list and download them: the report is the school's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, select

from core.actors import StaffActor
from core.models import ControlReportExport
from core.permissions import load_staff
from core.reading.access import ReadingUnit
from core.reading.control_report import ControlReport, read_control_report, require_report_maker
from core.reading.control_span import SpanAsked
from core.reports.archive import ArchivedFile, check_format, file_fields, keep, staff_names
from core.reports.control_pdf import control_report_pdf
from core.reports.control_report import control_report_xlsx, filename
from core.rows import get_in_school
from core.uow import UnitOfWork

RECENT = 30


@dataclass(frozen=True)
class ReportInfo(ArchivedFile):
    """An archived control report without its bytes."""

    period_id: int | None
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True)
class ReportFile:
    info: ReportInfo
    data: bytes


def render(report: ControlReport, fmt: str, language: str) -> bytes:
    """The file's bytes (CPU-bound: Typst or openpyxl)."""
    if fmt == "pdf":
        return control_report_pdf(report, language=language)
    return control_report_xlsx(report, language=language)


async def export_control_report(
    uow: UnitOfWork, *, actor: StaffActor, asked: SpanAsked, fmt: str, language: str = "ru"
) -> ReportFile:
    """Make the control report for the span `asked` as `fmt` ("pdf" or "xlsx"), keep it,
    and return it. Read without the write lock and rendered outside any transaction;
    only storing the result writes."""
    check_format(fmt)
    report = await read_control_report(
        ReadingUnit(uow.db, clock=uow.clock), actor=actor, asked=asked
    )
    data = await asyncio.to_thread(render, report, fmt, language)
    span = report.summary.span
    async with uow:
        staff = await load_staff(uow, actor)
        require_report_maker(staff)
        row = ControlReportExport(
            school_id=staff.school_id,
            period_id=report.period_id,
            starts_on=span.start,
            ends_on=span.end,
            format=fmt,
            language=language,
            filename=filename(report, fmt),
            generated_at=report.generated_at,
            generated_by=staff.id or 0,
            content_sha256=report.content_sha256,
            **file_fields(data),
        )
        await keep(uow, row, staff)
        info = _info(row, staff.short_name)
        await uow.commit()
        return ReportFile(info, data)


async def list_control_reports(
    uow: UnitOfWork, *, actor: StaffActor, limit: int = RECENT
) -> list[ReportInfo]:
    """The school's latest control reports, newest first."""
    async with uow:
        staff = await load_staff(uow, actor)
        require_report_maker(staff)
        query = (
            select(ControlReportExport)
            .where(ControlReportExport.school_id == staff.school_id)
            .order_by(
                col(ControlReportExport.generated_at).desc(), col(ControlReportExport.id).desc()
            )
            .limit(limit)
        )
        rows = list((await uow.session.exec(query)).all())
        names = await staff_names(uow, {row.generated_by for row in rows})
        return [_info(row, names.get(row.generated_by, "")) for row in rows]


async def fetch_control_report(uow: UnitOfWork, *, actor: StaffActor, export_id: int) -> ReportFile:
    """An archived report's bytes."""
    async with uow:
        staff = await load_staff(uow, actor)
        require_report_maker(staff)
        row = await get_in_school(uow, ControlReportExport, export_id, staff.school_id, "export")
        names = await staff_names(uow, {row.generated_by})
        return ReportFile(_info(row, names.get(row.generated_by, "")), bytes(row.data))


def _info(row: ControlReportExport, by: str) -> ReportInfo:
    return ReportInfo(
        export_id=row.id or 0,
        period_id=row.period_id,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        format=row.format,
        filename=row.filename,
        generated_at=row.generated_at,
        generated_by=by,
        content_sha256=row.content_sha256,
        file_sha256=row.file_sha256,
        size=row.size,
    )
