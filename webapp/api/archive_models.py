"""What the API says of any archived export (a statement, a control report)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from core.reports.archive import ArchivedFile


class ArchivedFileOut(BaseModel):
    id: int
    format: str
    filename: str
    generated_at: dt.datetime
    generated_by: str
    content_sha256: str = Field(description="Printed inside the file.")
    file_sha256: str = Field(description="Of the file's bytes; also the download's header.")
    size: int
    url: str = Field(description="Where to download the file.")


def archived_fields(info: ArchivedFile, url: str) -> dict[str, Any]:
    """The fields every archived export's answer has."""
    return {
        "id": info.export_id,
        "format": info.format,
        "filename": info.filename,
        "generated_at": info.generated_at,
        "generated_by": info.generated_by,
        "content_sha256": info.content_sha256,
        "file_sha256": info.file_sha256,
        "size": info.size,
        "url": url,
    }
