"""The consent text's versions over the API: list them, publish a new one."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from core.models import ConsentText
from core.reading.consent_report import consent_versions
from core.services.consent_versions import publish_consent_text
from webapp.api.v1 import error_responses
from webapp.auth import ApiViewer
from webapp.state import reading_uow, uow

router = APIRouter(
    prefix="/api/v1/consent",
    tags=["consent"],
    responses=error_responses(forbidden="Not the school administration."),
)


class ConsentTextIn(BaseModel):
    """A new version: the text per language (ru required; others fall back to it)."""

    model_config = ConfigDict(extra="forbid")

    texts: dict[str, str] = Field(
        examples=[{"ru": "Я даю согласие…"}],
        description="Language code (ru, en, uz, tg, ky) to the text, as typed.",
    )
    requires_reconsent: bool = Field(False, description="Ask every consenting parent again.")


class ConsentTextOut(BaseModel):
    version: int
    texts: dict[str, str]
    requires_reconsent: bool
    published_at: dt.datetime
    published_by: int | None

    @classmethod
    def of(cls, row: ConsentText) -> ConsentTextOut:
        return cls(
            version=row.version,
            texts=row.texts,
            requires_reconsent=row.requires_reconsent,
            published_at=row.published_at,
            published_by=row.published_by,
        )


@router.get("/versions", response_model=list[ConsentTextOut])
async def list_versions(request: Request, viewer: ApiViewer) -> list[ConsentTextOut]:
    """The school's consent text versions, newest first."""
    rows = await consent_versions(reading_uow(request), actor=viewer.actor)
    return [ConsentTextOut.of(row) for row in rows]


@router.post("/versions", response_model=ConsentTextOut, status_code=201)
async def publish_version(
    request: Request, viewer: ApiViewer, body: ConsentTextIn
) -> ConsentTextOut:
    """Publish the next version (administrator only)."""
    row = await publish_consent_text(
        uow(request),
        actor=viewer.actor,
        texts=body.texts,
        requires_reconsent=body.requires_reconsent,
    )
    return ConsentTextOut.of(row)
