"""Exporting the summary statement: the file is made, hashed and kept for the archive.

Seed 002 §2.7, §3.3: statements are printed, certified and archived for 25 years,
and archived data must be verifiable. Each export is kept byte for byte with two
SHA-256 hashes: of the content (canonical JSON, printed inside the file) and of the
file itself (shown on the statement's page and sent with every download).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlmodel import col, select

from core.actors import StaffActor
from core.models import StatementExport
from core.permissions import load_staff
from core.reading.access import ReadingUnit
from core.reading.statement import Statement, open_class, read_statement
from core.reports.archive import ArchivedFile, check_format, file_fields, keep, staff_names
from core.reports.statement import filename, statement_pdf, statement_xlsx
from core.rows import get_in_school
from core.uow import UnitOfWork

RECENT = 20


@dataclass(frozen=True)
class ExportInfo(ArchivedFile):
    """An archived statement without its bytes."""

    class_id: int


@dataclass(frozen=True)
class ExportFile:
    info: ExportInfo
    data: bytes


def render(statement: Statement, fmt: str, language: str) -> bytes:
    """The file's bytes (CPU-bound: Typst or openpyxl)."""
    if fmt == "pdf":
        return statement_pdf(statement, language=language)
    return statement_xlsx(statement, language=language)


async def export_statement(
    uow: UnitOfWork, *, actor: StaffActor, class_id: int, fmt: str, language: str = "ru"
) -> ExportFile:
    """Make the class's statement as `fmt` ("pdf" or "xlsx"), keep it, and return it.

    The statement is read without the write lock and rendered outside any
    transaction (a PDF takes a while); only storing the result writes.
    """
    check_format(fmt)
    statement = await read_statement(
        ReadingUnit(uow.db, clock=uow.clock), actor=actor, class_id=class_id
    )
    data = await asyncio.to_thread(render, statement, fmt, language)
    async with uow:
        staff = await load_staff(uow, actor)
        row = StatementExport(
            school_id=staff.school_id,
            class_id=class_id,
            format=fmt,
            language=language,
            filename=filename(statement, fmt),
            generated_at=statement.generated_at,
            generated_by=staff.id or 0,
            content_sha256=statement.content_sha256,
            **file_fields(data),
        )
        await keep(uow, row, staff)
        info = _info(row, staff.short_name)
        await uow.commit()
        return ExportFile(info, data)


async def list_exports(
    uow: UnitOfWork, *, actor: StaffActor, class_id: int, limit: int = RECENT
) -> list[ExportInfo]:
    """The class's latest exports, newest first (readers of the statement only)."""
    async with uow:
        await open_class(uow, actor, class_id)
        query = (
            select(StatementExport)
            .where(StatementExport.class_id == class_id)
            .order_by(col(StatementExport.generated_at).desc(), col(StatementExport.id).desc())
            .limit(limit)
        )
        rows = list((await uow.session.exec(query)).all())
        names = await staff_names(uow, {row.generated_by for row in rows})
        return [_info(row, names.get(row.generated_by, "")) for row in rows]


async def fetch_export(uow: UnitOfWork, *, actor: StaffActor, export_id: int) -> ExportFile:
    """An archived export's bytes, for whoever may read its class's statement."""
    async with uow:
        staff = await load_staff(uow, actor)
        row = await get_in_school(uow, StatementExport, export_id, staff.school_id, "export")
        await open_class(uow, actor, row.class_id)
        names = await staff_names(uow, {row.generated_by})
        return ExportFile(_info(row, names.get(row.generated_by, "")), bytes(row.data))


def _info(row: StatementExport, by: str) -> ExportInfo:
    return ExportInfo(
        export_id=row.id or 0,
        class_id=row.class_id,
        format=row.format,
        filename=row.filename,
        generated_at=row.generated_at,
        generated_by=by,
        content_sha256=row.content_sha256,
        file_sha256=row.file_sha256,
        size=row.size,
    )
