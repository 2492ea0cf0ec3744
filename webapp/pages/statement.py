"""The summary statement (сводная ведомость): on screen, exported to PDF or XLSX, archived.

Every export is made and kept by core (`core.reports.statement_exports`); its file's
SHA-256 is shown here beside the download link and sent with the file.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from core.reading.statement import read_statement, statement_classes
from core.reports.statement import cell_text
from core.reports.statement_exports import (
    ExportFile,
    export_statement,
    fetch_export,
    list_exports,
)
from webapp.auth import PageViewer
from webapp.pages import page_router
from webapp.params import Id
from webapp.render import render
from webapp.state import reading_uow, uow

router = page_router()


@router.get("/statement")
async def statement_index(request: Request, viewer: PageViewer) -> Response:
    classes = await statement_classes(reading_uow(request), actor=viewer.actor)
    return render(request, "statement_index.html", viewer=viewer, classes=classes)


@router.get("/statement/{class_id}")
async def statement_page(
    request: Request, viewer: PageViewer, class_id: Id, export: Id | None = None
) -> Response:
    statement = await read_statement(reading_uow(request), actor=viewer.actor, class_id=class_id)
    exports = await list_exports(reading_uow(request), actor=viewer.actor, class_id=class_id)
    content = statement.content
    return render(
        request,
        "statement.html",
        viewer=viewer,
        s=statement,
        c=content,
        period_labels=[period.label(viewer.lang) for period in content.periods],
        subject_averages=content.subject_averages(),
        cell=cell_text,
        exports=exports,
        fresh=export,
    )


@router.post("/statement/{class_id}/exports")
async def make_export(
    request: Request,
    viewer: PageViewer,
    class_id: Id,
    format: Annotated[str, Form(max_length=10)] = "pdf",
) -> Response:
    made = await export_statement(
        uow(request), actor=viewer.actor, class_id=class_id, fmt=format, language=viewer.lang
    )
    target = f"/statement/{class_id}?export={made.info.export_id}#exports"
    return RedirectResponse(target, status_code=303)


@router.get("/statement/exports/{export_id}")
async def download_export(request: Request, viewer: PageViewer, export_id: Id) -> Response:
    found = await fetch_export(reading_uow(request), actor=viewer.actor, export_id=export_id)
    return file_response(found)


def file_response(found: ExportFile) -> Response:
    """The archived bytes as a download, with both hashes in the headers."""
    info = found.info
    return Response(
        found.data,
        media_type=info.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{info.filename}"',
            "X-Content-SHA256": info.file_sha256,
            "X-Statement-Content-SHA256": info.content_sha256,
            "X-Generated-At": info.generated_at.isoformat(),
        },
    )
