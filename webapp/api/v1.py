"""/api/v1: who am I, my API tokens, my day. Bearer tokens (see webapp.auth.api_staff).

Every endpoint takes `ApiViewer` (401 without a valid token), calls one core
service with `viewer.actor`, and returns a response model, so /openapi.json
describes it. Core errors become `{"error": {"code", "message"}}` (webapp.errors).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from core.reading.teacher_day import teacher_day
from core.services.access_tokens import (
    TOKEN_NAME_MAX,
    TokenInfo,
    create_api_token,
    list_api_tokens,
    revoke_api_token,
)
from webapp.auth import ApiViewer
from webapp.params import Day, Id
from webapp.state import reading_uow, uow, web_state


class ErrorBody(BaseModel):
    code: str = Field(description="The error's stable code, e.g. `not_found`, `bad_mark_value`.")
    message: str = Field(description="What went wrong, in the caller's language.")


class ErrorResponse(BaseModel):
    error: ErrorBody


_INVALID = "The request breaks a rule of the journal, or a value is malformed or out of range."


def error_responses(
    *, forbidden: str = "Not allowed for this staff member.", invalid: str = _INVALID
) -> dict[int | str, dict[str, Any]]:
    """The error answers of an API router, each with the `ErrorResponse` body (the text
    of 403 and 422 in the router's own words)."""
    return {
        status: {"model": ErrorResponse, "description": text}
        for status, text in (
            (401, "No valid API token."),
            (403, forbidden),
            (404, "Not found (or in another school)."),
            (409, "The change collides with one written meanwhile (a duplicate): nothing saved."),
            (413, "The request body is over the size limit (ZVONOK_MAX_REQUEST_BYTES)."),
            (422, invalid),
        )
    }


router = APIRouter(prefix="/api/v1", tags=["v1"], responses=error_responses())


class SchoolOut(BaseModel):
    id: int
    name: str


class MeOut(BaseModel):
    id: int
    login: str
    last_name: str
    first_name: str
    middle_name: str
    short_name: str
    roles: list[str]
    school: SchoolOut


class TokenOut(BaseModel):
    id: int
    name: str
    hint: str = Field(description="The token's first characters, to tell tokens apart.")
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None = Field(
        description="After this the token is refused (401); make a new one."
    )

    @classmethod
    def of(cls, token: TokenInfo) -> TokenOut:
        return cls(
            id=token.id or 0,
            name=token.name,
            hint=token.hint,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            expires_at=token.expires_at,
        )


class TokenCreated(TokenOut):
    token: str = Field(description="The secret: shown only in this answer. Keep it safe.")


class TokenIn(BaseModel):
    name: str = Field(default="", max_length=TOKEN_NAME_MAX)
    current_password: str = Field(
        max_length=1000, description="The owner's password: a token alone cannot make another."
    )


class DayLessonOut(BaseModel):
    slot: int
    starts: str
    ends: str
    class_name: str
    subject: str
    lesson_id: int | None = Field(description="None: in the timetable, not in the journal yet.")
    topic: str
    missing: list[str] = Field(description='Of "topic", "attendance", "homework".')
    substituting_for: str | None
    substituted_by: str | None


class DayOut(BaseModel):
    date: Day
    holiday: str | None
    lessons: list[DayLessonOut]


@router.get("/me", response_model=MeOut)
async def me(viewer: ApiViewer) -> MeOut:
    """The staff member the token belongs to."""
    staff = viewer.staff
    return MeOut(
        id=staff.id or 0,
        login=staff.login,
        last_name=staff.last_name,
        first_name=staff.first_name,
        middle_name=staff.middle_name,
        short_name=staff.short_name,
        roles=list(staff.roles),
        school=SchoolOut(id=staff.school_id, name=viewer.school_name),
    )


@router.get("/tokens", response_model=list[TokenOut])
async def tokens(request: Request, viewer: ApiViewer) -> list[TokenOut]:
    """My API tokens that are not revoked, newest first (expired ones too, until revoked)."""
    found = await list_api_tokens(reading_uow(request), actor=viewer.actor)
    return [TokenOut.of(token) for token in found]


@router.post("/tokens", response_model=TokenCreated, status_code=201)
async def create_token(request: Request, viewer: ApiViewer, body: TokenIn) -> TokenCreated:
    """A new API token of mine (my current password confirms it); its secret is in this
    answer only. It expires after `ZVONOK_API_TOKEN_TTL_DAYS` days (`expires_at`)."""
    issued = await create_api_token(
        uow(request),
        actor=viewer.actor,
        name=body.name,
        current_password=body.current_password,
        ttl=web_state(request).api_token_ttl,
    )
    return TokenCreated(**TokenOut.of(issued.info).model_dump(), token=issued.secret)


@router.delete("/tokens/{token_id}", status_code=204)
async def revoke_token(request: Request, viewer: ApiViewer, token_id: Id) -> Response:
    """Revoke one of my API tokens (it stops working at once)."""
    await revoke_api_token(uow(request), actor=viewer.actor, token_id=token_id)
    return Response(status_code=204)


@router.get("/today", response_model=DayOut)
async def today(request: Request, viewer: ApiViewer, date: Day | None = None) -> DayOut:
    """My lessons on a day (the school's today by default) and what each still lacks."""
    day = await teacher_day(reading_uow(request), actor=viewer.actor, on=date)
    lessons = [
        DayLessonOut(
            slot=row.slot,
            starts=row.starts,
            ends=row.ends,
            class_name=row.class_name,
            subject=row.subject,
            lesson_id=row.lesson_id,
            topic=row.topic,
            missing=list(row.missing),
            substituting_for=row.substituting_for,
            substituted_by=row.substituted_by,
        )
        for row in day.lessons
    ]
    return DayOut(date=day.day, holiday=day.holiday, lessons=lessons)
