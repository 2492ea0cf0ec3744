"""/api/v1/admin/staff/{id}/voided: the entries breach reports voided on an account,
and restoring chosen ones with a written reason (administrator only;
core/reading/breach_voids.py, core/services/breach_restore.py)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from core.reading.breach_voids import BreachVoids, VoidedEntry, breach_voids
from core.services.breach_restore import restore_voided
from webapp.api.v1 import error_responses
from webapp.auth import ApiViewer
from webapp.params import Id
from webapp.state import reading_uow, uow

router = APIRouter(
    prefix="/api/v1/admin",
    tags=["admin"],
    responses=error_responses(forbidden="Not an administrator."),
)


class VoidedEntryOut(BaseModel):
    id: int = Field(description="The voided entry's id: what a restore names.")
    kind: str = Field(examples=["mark"], description="mark, attendance, homework or remark.")
    lesson_date: dt.date | None
    place: str = Field(examples=["7Б Математика"], description="The lesson's class and subject.")
    pupil: str | None = Field(description="None for homework (the class's).")
    value: str = Field(
        examples=["4"],
        description="A mark's value, an attendance code (absent, ill, late), a text.",
    )
    minutes_late: int | None
    written_at: dt.datetime
    voided_at: dt.datetime
    restored_at: dt.datetime | None
    restored_by: str | None
    refusal: str | None = Field(
        description="Why it cannot be restored now (an error code), or null: it can."
    )

    @classmethod
    def of(cls, entry: VoidedEntry) -> VoidedEntryOut:
        return cls(
            id=entry.void_id,
            kind=entry.kind,
            lesson_date=entry.day,
            place=entry.place,
            pupil=entry.pupil,
            value=entry.value,
            minutes_late=entry.minutes_late,
            written_at=entry.written_at,
            voided_at=entry.voided_at,
            restored_at=entry.restored_at,
            restored_by=entry.restored_by,
            refusal=entry.refusal,
        )


class VoidedOut(BaseModel):
    staff_id: int
    staff_name: str
    locked: bool
    entries: list[VoidedEntryOut]

    @classmethod
    def of(cls, found: BreachVoids) -> VoidedOut:
        return cls(
            staff_id=found.staff_id,
            staff_name=found.staff_name,
            locked=found.locked,
            entries=[VoidedEntryOut.of(e) for e in found.entries],
        )


class RestoreIn(BaseModel):
    ids: list[int] = Field(max_length=1000, description="The voided entries' ids.")
    reason: str = Field(description="Why they are restored; kept in the audit log.")


class RestoreOut(BaseModel):
    restored: int


@router.get("/staff/{staff_id}/voided", response_model=VoidedOut)
async def voided_entries(request: Request, viewer: ApiViewer, staff_id: Id) -> VoidedOut:
    """The entries breach reports voided on the account, newest voiding first."""
    found = await breach_voids(reading_uow(request), actor=viewer.actor, staff_id=staff_id)
    return VoidedOut.of(found)


@router.post("/voided/restore", response_model=RestoreOut)
async def restore_entries(request: Request, viewer: ApiViewer, body: RestoreIn) -> RestoreOut:
    """Restore the chosen voided entries with a written reason, all or none: an entry
    already restored, changed since, or superseded (another mark in its cell) refuses
    the call (422); families hear of the restored marks, absences and homework."""
    restored = await restore_voided(
        uow(request), actor=viewer.actor, void_ids=body.ids, reason=body.reason
    )
    return RestoreOut(restored=restored)
