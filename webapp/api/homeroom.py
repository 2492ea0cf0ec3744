"""/api/v1 for class teachers: announcements and each parent's status, the class's
parents, the paper flag, the invite sheet and the weekly summary (PDF).

Like webapp/api/v1.py: `ApiViewer`, one core service per endpoint with `viewer.actor`,
pydantic response models; errors are `{"error": {"code", "message"}}`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from core import limits
from core.reading.announcement_status import AnnouncementStatus, announcement_status
from core.reading.class_families import class_families
from core.reading.class_messages import ClassMessages, class_messages
from core.reading.reachability import Reach
from core.reports.class_weekly import class_weekly_pdf
from core.reports.invite_sheet import invite_sheet
from core.services.announcements import post_announcement
from core.services.guardians import set_paper_summary
from webapp.api.v1 import error_responses
from webapp.auth import ApiViewer
from webapp.limits import FORM_GUARD, at_most
from webapp.params import Day, Id
from webapp.state import reading_uow, uow, web_state

_PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "An A4 PDF."}
}

router = APIRouter(prefix="/api/v1", tags=["class teacher"], responses=error_responses())


class AnnouncementIn(BaseModel):
    class_id: Id | None = Field(
        default=None, description="None: the whole school (administration only)."
    )
    title: str = Field(max_length=FORM_GUARD, description=at_most(limits.ANNOUNCEMENT_TITLE))
    body: str = Field(max_length=FORM_GUARD, description=at_most(limits.ANNOUNCEMENT_BODY))
    urgent: bool = False
    monthly: bool = Field(default=False, description="The class's monthly message to parents.")


class AnnouncementOut(BaseModel):
    id: int
    class_id: int | None
    title: str
    urgent: bool
    monthly: bool
    created_at: dt.datetime


class AnnouncementSummaryOut(AnnouncementOut):
    author: str
    planned: bool = Field(description="False until the workers have planned its messages.")
    sent: int
    pending: int
    failed: int
    acknowledged: int


class MonthlyOut(BaseModel):
    due: bool = Field(description="No monthly message yet this calendar month (school time).")
    month: dt.date
    last_at: dt.datetime | None


class MessagesOut(BaseModel):
    class_id: int | None
    class_name: str | None
    families: int
    monthly: MonthlyOut | None
    announcements: list[AnnouncementSummaryOut]

    @classmethod
    def of(cls, messages: ClassMessages) -> MessagesOut:
        monthly = messages.monthly
        return cls(
            class_id=messages.class_id,
            class_name=messages.class_name,
            families=messages.families,
            monthly=MonthlyOut(due=monthly.due, month=monthly.month, last_at=monthly.last_at)
            if monthly
            else None,
            announcements=[
                AnnouncementSummaryOut(class_id=messages.class_id, **vars(a))
                for a in messages.announcements
            ],
        )


class AttemptOut(BaseModel):
    channel: str
    status: str
    error: str | None
    at: dt.datetime


class ParentStatusOut(BaseModel):
    guardian_id: int
    guardian_name: str
    children: list[str]
    state: str = Field(description="delivered | pending | failed | unreachable")
    channel: str | None = Field(description="The channel it was delivered by.")
    at: dt.datetime | None = Field(description="When it was delivered.")
    due_at: dt.datetime | None = Field(description="Pending: when it is to go.")
    reason: str | None = Field(description="Failed: why; pending: the last retry's error.")
    held: str | None = Field(
        description="Pending, not tried yet: why it waits, e.g. «тихие часы до 07:30»."
    )
    held_code: str | None = Field(
        description="grace | quiet_hours | digest | weekly_digest | awaits_first"
    )
    unreachable: str | None = Field(
        description="no_consent | consent_withdrawn | switched_off | no_contact | "
        "contacts_dead | unreachable_then (subscribed after it was sent)"
    )
    dead: list[str] = Field(description="Contact points found dead, with the channel's words.")
    attempts: list[AttemptOut]
    acknowledged_at: dt.datetime | None = Field(description="«Ознакомлен».")


class StatusOut(BaseModel):
    announcement: AnnouncementOut
    counts: dict[str, int]
    pending: bool = Field(description="Something is still on the way: poll again.")
    parents: list[ParentStatusOut]

    @classmethod
    def of(cls, status: AnnouncementStatus) -> StatusOut:
        a = status.announcement
        parents = [
            ParentStatusOut(
                **{
                    **vars(line),
                    "children": list(line.children),
                    "dead": list(line.dead),
                    "attempts": [AttemptOut(**vars(x)) for x in line.attempts],
                }
            )
            for line in status.parents
        ]
        return cls(
            announcement=AnnouncementOut(
                id=a.id,
                class_id=a.class_id,
                title=a.title,
                urgent=a.urgent,
                monthly=a.monthly,
                created_at=a.created_at,
            ),
            counts=status.counts,
            pending=status.pending,
            parents=parents,
        )


class ReachOut(BaseModel):
    channels: list[str] = Field(description="Live channels, in the parent's order.")
    subscribed: bool = Field(description="Consent and a live Telegram chat with the bot.")
    unreachable: str | None
    dead: list[str]

    @classmethod
    def of(cls, reach: Reach) -> ReachOut:
        return cls(
            channels=list(reach.channels),
            subscribed=reach.subscribed,
            unreachable=reach.unreachable.value if reach.unreachable else None,
            dead=[f"{d.channel}: {d.reason}" for d in reach.dead],
        )


class FamilyGuardianOut(BaseModel):
    guardian_id: int
    name: str
    relation: str
    reach: ReachOut
    wants_paper_summary: bool


class FamilyStudentOut(BaseModel):
    student_id: int
    name: str
    guardians: list[FamilyGuardianOut]


class FamiliesOut(BaseModel):
    class_id: int
    class_name: str
    students: list[FamilyStudentOut]


class PaperIn(BaseModel):
    wants: bool = Field(description="The parent wants the weekly summary on paper.")


class PaperOut(BaseModel):
    guardian_id: int
    wants_paper_summary: bool


class InviteSheetIn(BaseModel):
    only_unsubscribed: bool = Field(
        default=False, description="Only parents not yet subscribed to the bot."
    )


@router.get("/classes/{class_id}/announcements", response_model=MessagesOut)
async def class_announcements(request: Request, viewer: ApiViewer, class_id: Id) -> MessagesOut:
    """The class's latest announcements with delivery counts; the monthly message's state."""
    messages = await class_messages(reading_uow(request), actor=viewer.actor, class_id=class_id)
    return MessagesOut.of(messages)


@router.get("/announcements", response_model=MessagesOut)
async def school_announcements(request: Request, viewer: ApiViewer) -> MessagesOut:
    """The latest announcements to the whole school (administration)."""
    messages = await class_messages(reading_uow(request), actor=viewer.actor, class_id=None)
    return MessagesOut.of(messages)


@router.post("/announcements", response_model=AnnouncementOut, status_code=201)
async def create_announcement(
    request: Request, viewer: ApiViewer, body: AnnouncementIn
) -> AnnouncementOut:
    """Send an announcement (or the monthly message) to a class's or the school's parents."""
    posted = await post_announcement(uow(request), actor=viewer.actor, **body.model_dump())
    return AnnouncementOut(
        id=posted.id or 0,
        class_id=posted.class_id,
        title=posted.title,
        urgent=posted.urgent,
        monthly=posted.monthly,
        created_at=posted.created_at,
    )


@router.get("/announcements/{announcement_id}/status", response_model=StatusOut)
async def status_of(request: Request, viewer: ApiViewer, announcement_id: Id) -> StatusOut:
    """Each parent's delivery of the announcement and their «Ознакомлен»."""
    status = await announcement_status(
        reading_uow(request),
        actor=viewer.actor,
        announcement_id=announcement_id,
        language=viewer.lang,
    )
    return StatusOut.of(status)


@router.get("/classes/{class_id}/families", response_model=FamiliesOut)
async def families(request: Request, viewer: ApiViewer, class_id: Id) -> FamiliesOut:
    """The class's students and their parents: reachable or not, paper or not."""
    found = await class_families(reading_uow(request), actor=viewer.actor, class_id=class_id)
    students = [
        FamilyStudentOut(
            student_id=s.student_id,
            name=s.name,
            guardians=[
                FamilyGuardianOut(
                    guardian_id=g.guardian_id,
                    name=g.name,
                    relation=g.relation,
                    reach=ReachOut.of(g.reach),
                    wants_paper_summary=g.wants_paper_summary,
                )
                for g in s.guardians
            ],
        )
        for s in found.students
    ]
    return FamiliesOut(class_id=found.class_id, class_name=found.class_name, students=students)


@router.put("/guardians/{guardian_id}/paper-summary", response_model=PaperOut)
async def paper_summary(
    request: Request, viewer: ApiViewer, guardian_id: Id, body: PaperIn
) -> PaperOut:
    """Record whether a parent wants the weekly summary on paper."""
    guardian = await set_paper_summary(
        uow(request), actor=viewer.actor, guardian_id=guardian_id, wants=body.wants
    )
    return PaperOut(guardian_id=guardian.id or 0, wants_paper_summary=guardian.wants_paper_summary)


@router.post(
    "/classes/{class_id}/invite-sheet", response_class=Response, responses=_PDF, status_code=200
)
async def invite_sheet_pdf(
    request: Request, viewer: ApiViewer, class_id: Id, body: InviteSheetIn
) -> Response:
    """Issue new invite codes for the class's parents (their older unused codes stop
    working) and return the A4 sheet of slips with QR codes."""
    sheet = await invite_sheet(
        uow(request),
        actor=viewer.actor,
        class_id=class_id,
        bot_username=web_state(request).settings.bot_username("telegram", viewer.actor.school_id),
        max_bot_username=web_state(request).settings.bot_username("max", viewer.actor.school_id),
        only_unsubscribed=body.only_unsubscribed,
        language=viewer.lang,
    )
    return _pdf(sheet.pdf, sheet.filename)


@router.get("/classes/{class_id}/weekly-summary", response_class=Response, responses=_PDF)
async def weekly_summary(
    request: Request,
    viewer: ApiViewer,
    class_id: Id,
    week: Day,
    student_id: Id | None = None,
    paper_only: bool = False,
) -> Response:
    """The week's summary, a page per student: the class, one student, or only those
    whose parents asked for paper."""
    printed = await class_weekly_pdf(
        reading_uow(request),
        actor=viewer.actor,
        class_id=class_id,
        week_start=week,
        student_id=student_id,
        paper_only=paper_only,
        language=viewer.lang,
    )
    return _pdf(printed.pdf, printed.filename)


def _pdf(pdf: bytes, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(pdf, media_type="application/pdf", headers=headers)
