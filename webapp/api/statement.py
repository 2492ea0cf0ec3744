"""/api/v1: the summary statement of a class, its exports and their archive.

`GET …/statement` returns the statement's data exactly as it is hashed: the SHA-256
of `content` serialized as canonical JSON (sorted keys, separators "," and ":", UTF-8,
no ASCII escaping) is `content_sha256`, the hash printed in every exported file.
A downloaded file's own SHA-256 comes in the `X-Content-SHA256` header.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from core.reading.statement import read_statement
from core.reports.statement_exports import ExportInfo, export_statement, fetch_export, list_exports
from webapp.api.archive_models import ArchivedFileOut, archived_fields
from webapp.api.v1 import error_responses
from webapp.auth import ApiViewer
from webapp.pages.statement import file_response
from webapp.params import Id
from webapp.state import reading_uow, uow

router = APIRouter(
    prefix="/api/v1",
    tags=["statement"],
    responses=error_responses(
        forbidden="Not the class teacher, the deputy director or an administrator."
    ),
)


class StatementOut(BaseModel):
    class_id: int
    generated_at: dt.datetime = Field(description="When it was read, on the school's clock.")
    content_sha256: str = Field(description="SHA-256 of `content` as canonical JSON.")
    content: dict[str, Any] = Field(
        description="School, class, year, periods, subjects and students with their marks "
        "([subject][period]: null or {value, preliminary})."
    )


class ExportIn(BaseModel):
    format: Literal["pdf", "xlsx"] = "pdf"
    language: Literal["ru", "en"] = "ru"


class ExportOut(ArchivedFileOut):
    class_id: int

    @classmethod
    def of(cls, info: ExportInfo) -> ExportOut:
        url = f"/api/v1/statement-exports/{info.export_id}"
        return cls(class_id=info.class_id, **archived_fields(info, url))


@router.get("/classes/{class_id}/statement", response_model=StatementOut)
async def statement(request: Request, viewer: ApiViewer, class_id: Id) -> StatementOut:
    """The class's summary statement of period and year marks, as it stands now."""
    found = await read_statement(reading_uow(request), actor=viewer.actor, class_id=class_id)
    return StatementOut(
        class_id=found.class_id,
        generated_at=found.generated_at,
        content_sha256=found.content_sha256,
        content=found.content.as_data(),
    )


@router.post("/classes/{class_id}/statement/exports", response_model=ExportOut, status_code=201)
async def create_export(
    request: Request, viewer: ApiViewer, class_id: Id, body: ExportIn
) -> ExportOut:
    """Export the statement as PDF or XLSX; the file is kept in the archive."""
    made = await export_statement(
        uow(request), actor=viewer.actor, class_id=class_id, fmt=body.format, language=body.language
    )
    return ExportOut.of(made.info)


@router.get("/classes/{class_id}/statement/exports", response_model=list[ExportOut])
async def exports(request: Request, viewer: ApiViewer, class_id: Id) -> list[ExportOut]:
    """The class's latest exports, newest first."""
    found = await list_exports(reading_uow(request), actor=viewer.actor, class_id=class_id)
    return [ExportOut.of(info) for info in found]


@router.get(
    "/statement-exports/{export_id}",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "application/octet-stream": {}}}},
)
async def download(request: Request, viewer: ApiViewer, export_id: Id) -> Response:
    """An archived export's bytes; `X-Content-SHA256` is their SHA-256."""
    found = await fetch_export(reading_uow(request), actor=viewer.actor, export_id=export_id)
    return file_response(found)
