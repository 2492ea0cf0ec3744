"""The school archive for the administrator and the deputy director: every journal book
and summary statement kept, with its hashes, signature and keep-until date; a period's
printouts made on request (seed 001: quarterly), the year's when it is closed.

Everything is core's (`core.reading.archive`, `core.services.archive`): this page lists,
downloads and asks for a period's documents.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from core.reading.archive import ArchiveEntry, fetch_document, list_archive
from core.services.archive import archive_period
from webapp.auth import PageViewer
from webapp.pages import page_router
from webapp.params import Id
from webapp.render import render
from webapp.state import reading_uow, uow, web_state

router = page_router()


@router.get("/archive")
async def archive_page(request: Request, viewer: PageViewer, made: int | None = None) -> Response:
    found = await list_archive(reading_uow(request), actor=viewer.actor)
    return render(request, "archive.html", viewer=viewer, archive=found, made=made)


@router.post("/archive/printouts")
async def make_printouts(
    request: Request, viewer: PageViewer, period_id: Annotated[Id, Form()]
) -> Response:
    kept = await archive_period(
        uow(request), actor=viewer.actor, period_id=period_id, signer=web_state(request).signer
    )
    return RedirectResponse(f"/archive?made={len(kept)}", status_code=303)


@router.get("/archive/documents/{document_id}")
async def download_document(request: Request, viewer: PageViewer, document_id: Id) -> Response:
    entry, data = await fetch_document(
        reading_uow(request), actor=viewer.actor, document_id=document_id
    )
    return document_response(entry, data)


def document_response(entry: ArchiveEntry, data: bytes) -> Response:
    """The archived bytes as a download, with their hashes and the chain head in headers."""
    return Response(
        data,
        media_type=entry.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{entry.filename}"',
            "X-Content-SHA256": entry.file_sha256,
            "X-Document-Content-SHA256": entry.content_sha256,
            "X-Audit-Chain-Head": f"{entry.chain.seq}:{entry.chain.hash}",
        },
    )
