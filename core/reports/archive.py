"""What every archived export shares: its formats, its file hash, how it is kept and
audited, and the names of who made it.

Seed 002 §2.7, §3.3 and seed 000 §2.5: archived documents are kept and must be
verifiable. An export row (`StatementExport`, `ControlReportExport`) holds the file
byte for byte with two SHA-256 hashes: of the content (canonical JSON, printed inside
the file) and of the file itself. Its audit entry records both, without the bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlmodel import SQLModel, col, select

from core.errors import RuleViolation
from core.models import Staff
from core.uow import UnitOfWork

FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ArchivedFile:
    """An archived export without its bytes: what every kind of export shows."""

    export_id: int
    format: str
    filename: str
    generated_at: dt.datetime
    generated_by: str  # «Орлова Т.Б.»
    content_sha256: str
    file_sha256: str
    size: int

    @property
    def media_type(self) -> str:
        return FORMATS[self.format]


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise RuleViolation("bad_export_format", value=fmt, allowed=", ".join(FORMATS))
    return fmt


def file_fields(data: bytes) -> dict[str, Any]:
    """An export row's file columns: the bytes, their SHA-256 and their size."""
    return {"data": data, "file_sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


async def keep(uow: UnitOfWork, row: SQLModel, staff: Staff | None) -> None:
    """Add an export row and its audit entry (who exported what and when, with both
    hashes; the bytes stay in their own row; no one: the system). The caller commits."""
    uow.session.add(row)
    await uow.session.flush()
    uow.audit(
        row,
        school_id=getattr(row, "school_id"),  # noqa: B009 (every export row has one)
        action="create",
        actor_id=staff.id if staff else None,
        actor_kind="staff" if staff else "system",
        exclude=frozenset({"data"}),
    )


async def staff_names(uow: UnitOfWork, ids: set[int]) -> dict[int, str]:
    """Staff ids → «Орлова Т.Б.», for the exports' "made by"."""
    if not ids:
        return {}
    rows = (await uow.session.exec(select(Staff).where(col(Staff.id).in_(ids)))).all()
    return {row.id or 0: row.short_name for row in rows}
