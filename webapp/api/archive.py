"""/api/v1/archive: the school archive's documents (journal books, summary statements),
a period's printouts made on request, and each document's bytes.

For the administrator and the deputy director. A downloaded file's SHA-256 comes in
the `X-Content-SHA256` header; `content_sha256` is printed on every page of it.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, Response
from pydantic import Field

from core.models import ArchiveDocument
from core.reading.archive import ArchiveEntry, fetch_document, list_archive
from core.services.archive import archive_period
from webapp.api.archive_models import ArchivedFileOut, archived_fields
from webapp.api.v1 import error_responses
from webapp.auth import ApiViewer
from webapp.pages.archive import document_response
from webapp.params import Id
from webapp.state import reading_uow, uow, web_state

router = APIRouter(
    prefix="/api/v1/archive",
    tags=["archive"],
    responses=error_responses(forbidden="Not the deputy director or an administrator."),
)


class DocumentOut(ArchivedFileOut):
    kind: str = Field(description="journal_book or statement.")
    class_name: str
    year: str
    period: str | None = Field(description="The period's name; null for the whole year.")
    signed: bool = Field(description="Carries the school's PAdES signature.")
    keep_until: dt.date
    chain_seq: int = Field(description="The school's audit chain head when it was made.")
    chain_hash: str

    @classmethod
    def of(cls, entry: ArchiveEntry) -> DocumentOut:
        return cls(
            kind=entry.kind,
            class_name=entry.class_name,
            year=entry.year,
            period=entry.period,
            signed=entry.signed,
            keep_until=entry.keep_until,
            chain_seq=entry.chain.seq,
            chain_hash=entry.chain.hash,
            **archived_fields(entry, f"/api/v1/archive/documents/{entry.export_id}"),
        )


@router.get("/documents", response_model=list[DocumentOut])
async def documents(request: Request, viewer: ApiViewer) -> list[DocumentOut]:
    """The school's archived documents, newest first."""
    found = await list_archive(reading_uow(request), actor=viewer.actor)
    return [DocumentOut.of(entry) for entry in found.documents]


@router.post("/periods/{period_id}/documents", response_model=list[int], status_code=201)
async def make_printouts(request: Request, viewer: ApiViewer, period_id: Id) -> list[int]:
    """Make and keep every class's journal book and statement for the period; their ids."""
    kept: list[ArchiveDocument] = await archive_period(
        uow(request), actor=viewer.actor, period_id=period_id, signer=web_state(request).signer
    )
    return [row.id or 0 for row in kept]


@router.get(
    "/documents/{document_id}",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def download(request: Request, viewer: ApiViewer, document_id: Id) -> Response:
    """An archived document's bytes; `X-Content-SHA256` is their SHA-256."""
    entry, data = await fetch_document(
        reading_uow(request), actor=viewer.actor, document_id=document_id
    )
    return document_response(entry, data)
