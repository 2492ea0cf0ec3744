"""/api/v1/admin/closing: closing an academic year or a period (administrator only),
as the page does (core/services/year_close.py): a call without `confirm` says what is
still missing and changes nothing; with `"confirm": true` it closes."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from core.reading.year_close import (
    ClosingRow,
    MissingMarks,
    YearClosing,
    closing_overview,
    missing_before_closing,
)
from core.services.year_close import close_period, close_year
from webapp.api.v1 import error_responses
from webapp.auth import ApiViewer
from webapp.params import Id
from webapp.state import reading_uow, uow

router = APIRouter(
    prefix="/api/v1/admin/closing",
    tags=["admin"],
    responses=error_responses(forbidden="Not the school administrator."),
)


class ClosingRowOut(BaseModel):
    id: int
    name: str
    kind: str = Field(description="year, or the period's kind: quarter, half, year")
    starts_on: dt.date
    ends_on: dt.date
    closed_at: dt.datetime | None
    closed_by: str = Field(description="Who closed it; empty while open.")
    closable: bool = Field(description="Open, and its last day is over.")

    @classmethod
    def of(cls, row: ClosingRow) -> ClosingRowOut:
        return cls(**row.__dict__)


class YearClosingOut(BaseModel):
    year: ClosingRowOut
    periods: list[ClosingRowOut]

    @classmethod
    def of(cls, found: YearClosing) -> YearClosingOut:
        return cls(
            year=ClosingRowOut.of(found.year), periods=[ClosingRowOut.of(p) for p in found.periods]
        )


class MissingOut(BaseModel):
    period: str
    place: str = Field(examples=["7Б", "7Б (7Б англ. 1)"])
    subject: str
    teacher: str
    pupils: list[str]

    @classmethod
    def of(cls, found: MissingMarks) -> MissingOut:
        return cls(**{**found.__dict__, "pupils": list(found.pupils)})


class CloseIn(BaseModel):
    confirm: bool = Field(
        default=False,
        description="false (the default): only say what is still missing, changing nothing; "
        "true: close; its journal is read-only from then on.",
    )


class CloseOut(BaseModel):
    closed: bool = Field(description="false: a preview, nothing changed; true: closed.")
    closed_at: dt.datetime | None
    missing: list[MissingOut] = Field(description="Final period marks not given.")


@router.get("", response_model=list[YearClosingOut])
async def overview(request: Request, viewer: ApiViewer) -> list[YearClosingOut]:
    """Every academic year with its periods: which are closed, by whom, when."""
    found = await closing_overview(reading_uow(request), actor=viewer.actor)
    return [YearClosingOut.of(y) for y in found]


async def _missing(
    request: Request, viewer: ApiViewer, year_id: int, period_id: int | None
) -> list[MissingOut]:
    found = await missing_before_closing(
        reading_uow(request), actor=viewer.actor, year_id=year_id, period_id=period_id
    )
    return [MissingOut.of(m) for m in found]


@router.post("/years/{year_id}", response_model=CloseOut)
async def year(request: Request, viewer: ApiViewer, year_id: Id, body: CloseIn) -> CloseOut:
    """Close the academic year after its last day (two calls: a preview, then confirm)."""
    missing = await _missing(request, viewer, year_id, None)
    if not body.confirm:
        return CloseOut(closed=False, closed_at=None, missing=missing)
    closed = await close_year(uow(request), actor=viewer.actor, year_id=year_id)
    return CloseOut(closed=True, closed_at=closed.closed_at, missing=missing)


@router.post("/years/{year_id}/periods/{period_id}", response_model=CloseOut)
async def period(
    request: Request, viewer: ApiViewer, year_id: Id, period_id: Id, body: CloseIn
) -> CloseOut:
    """Close a period after its last day (two calls: a preview, then confirm)."""
    missing = await _missing(request, viewer, year_id, period_id)
    if not body.confirm:
        return CloseOut(closed=False, closed_at=None, missing=missing)
    closed = await close_period(uow(request), actor=viewer.actor, period_id=period_id)
    return CloseOut(closed=True, closed_at=closed.closed_at, missing=missing)
