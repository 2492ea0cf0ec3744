"""/api/v1/admin: the school's set-up for programs (the same core services as the pages).

Reading is for the administrator and the secretary, changing for the administrator
(core/services/school_setup.py); locking an account after a breach also for the
deputy director (core/services/staff.py `report_breach`), in two calls: a preview,
then the same call with `"confirm": true`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from core.breach_rules import EntryCounts
from core.models import (
    AcademicYear,
    Group,
    Holiday,
    Period,
    SchoolClass,
    Staff,
    Subject,
    TeachingAssignment,
    TimetableEntry,
)
from core.reading.breach import preview_breach
from core.reading.school_calendar import read_calendar
from core.reading.school_directory import read_directory
from core.reading.school_settings import Bell, SchoolSettings, read_settings
from core.services import school_calendar as calendar
from core.services import school_setup as setup
from core.services import school_structure as structure
from core.services import staff as accounts
from core.services.invites import issue_invite
from webapp.api.policy import PolicyPatch
from webapp.api.v1 import error_responses
from webapp.auth import ApiViewer
from webapp.params import Day, Id, Instant
from webapp.state import reading_uow, uow, web_state

router = APIRouter(
    prefix="/api/v1/admin",
    tags=["admin"],
    responses=error_responses(
        forbidden="Not an administrator (reading: administrator or secretary)."
    ),
)


class BellIO(BaseModel):
    slot: int
    start: str = Field(examples=["08:30"])
    end: str = Field(examples=["09:15"])


class SchoolOut(BaseModel):
    id: int
    name: str
    timezone: str
    bells: list[BellIO]
    policy: dict[str, Any] = Field(description="The fields of the school's rules.")

    @classmethod
    def of(cls, found: SchoolSettings) -> SchoolOut:
        return cls(
            id=found.school_id,
            name=found.name,
            timezone=found.timezone,
            bells=[BellIO(slot=b.slot, start=b.start, end=b.end) for b in found.bells],
            policy=found.policy.model_dump(mode="json"),
        )


class SchoolIn(BaseModel):
    name: str
    timezone: str = Field(examples=["Europe/Moscow"])


class YearIn(BaseModel):
    name: str = Field(examples=["2027/2028"])
    starts_on: Day
    ends_on: Day


class PeriodIn(YearIn):
    kind: str = Field(default="quarter", description="quarter, half or year")


class YearOut(BaseModel):
    year: AcademicYear
    periods: list[Period]
    holidays: list[Holiday]


class ClassIn(BaseModel):
    grade: int
    letter: str
    class_teacher_id: Id | None = None


class SubjectIn(BaseModel):
    name: str
    short_name: str = ""
    homework: bool | None = Field(
        default=None,
        description="Its lessons owe homework. Left out: true for a new subject, unchanged "
        "on an update.",
    )
    graded: bool | None = Field(
        default=None,
        description="Its lessons get marks (false: taught without marks, marks refused). "
        "Left out: true for a new subject, unchanged on an update.",
    )


class AssignmentIn(BaseModel):
    teacher_id: Id
    class_id: Id
    subject_id: Id
    group_id: Id | None = None


class TimetableIn(BaseModel):
    subject_id: Id
    teacher_id: Id
    weekday: int = Field(description="0 = Monday … 5 = Saturday")
    slot: int
    group_id: Id | None = None
    room: str = ""


class StaffOut(BaseModel):
    id: int
    login: str
    last_name: str
    first_name: str
    middle_name: str
    roles: list[str]
    locked_at: dt.datetime | None
    has_password: bool
    telegram_linked: bool

    @classmethod
    def of(cls, row: Staff) -> StaffOut:
        return cls(
            id=row.id or 0,
            login=row.login,
            last_name=row.last_name,
            first_name=row.first_name,
            middle_name=row.middle_name,
            roles=list(row.roles),
            locked_at=row.locked_at,
            has_password=row.password_hash is not None,
            telegram_linked=row.telegram_chat_id is not None,
        )


class StaffIn(BaseModel):
    login: str
    last_name: str
    first_name: str
    middle_name: str = ""
    roles: list[str]
    password: str | None = Field(default=None, description="None: sign-in by invite code.")


class RolesIn(BaseModel):
    roles: list[str]


class PasswordIn(BaseModel):
    password: str


class LockIn(BaseModel):
    since: Instant | None = Field(
        default=None,
        description="When the breach was learned of (now by default; without a time zone, "
        "on the school's clock); at most ZVONOK_BREACH_LOOKBACK_DAYS days back (default 7).",
    )
    confirm: bool = Field(
        default=False,
        description="false (the default): only say whom the lock locks and what it voids, "
        "changing nothing; true: lock the account and void the entries.",
    )


class EntryCountsOut(BaseModel):
    marks: int
    attendance: int
    homework: int
    remarks: int
    total: int

    @classmethod
    def of(cls, counts: EntryCounts) -> EntryCountsOut:
        return cls(
            marks=counts.marks,
            attendance=counts.attendance,
            homework=counts.homework,
            remarks=counts.remarks,
            total=counts.total,
        )


class LockOut(BaseModel):
    confirmed: bool = Field(description="false: a preview, nothing changed; true: locked now.")
    staff_id: int
    since: dt.datetime
    entries: EntryCountsOut = Field(
        description="The account's entries made since `since`: to be voided (a preview) or "
        "voided (confirmed)."
    )
    voided: int = Field(description="How many entries this call voided (0 in a preview).")


class InviteOut(BaseModel):
    code: str = Field(description="Shown only in this answer.")
    expires_at: dt.datetime


@router.get("/school", response_model=SchoolOut)
async def school(request: Request, viewer: ApiViewer) -> SchoolOut:
    """The school's name, time zone, bell schedule and rules."""
    return SchoolOut.of(await read_settings(reading_uow(request), actor=viewer.actor))


@router.put("/school", response_model=SchoolOut)
async def school_save(request: Request, viewer: ApiViewer, body: SchoolIn) -> SchoolOut:
    found = await setup.update_school(
        uow(request), actor=viewer.actor, name=body.name, timezone=body.timezone
    )
    return SchoolOut.of(found)


@router.patch("/school/policy", response_model=SchoolOut)
async def policy_save(request: Request, viewer: ApiViewer, body: PolicyPatch) -> SchoolOut:
    """Change some of the school's rules: `{"grace_window_seconds": 180, ...}`."""
    found = await setup.update_policy(uow(request), actor=viewer.actor, values=body.given())
    return SchoolOut.of(found)


@router.put("/school/bells", response_model=SchoolOut)
async def bells_save(request: Request, viewer: ApiViewer, body: list[BellIO]) -> SchoolOut:
    """Replace the bell schedule."""
    bells = [Bell(b.slot, b.start, b.end) for b in body]
    return SchoolOut.of(await setup.set_bells(uow(request), actor=viewer.actor, bells=bells))


@router.get("/calendar", response_model=list[YearOut])
async def calendar_read(request: Request, viewer: ApiViewer) -> list[YearOut]:
    """Academic years, newest first, with their periods and holidays."""
    found = await read_calendar(reading_uow(request), actor=viewer.actor)
    return [YearOut(year=c.year, periods=list(c.periods), holidays=list(c.holidays)) for c in found]


@router.post("/years", response_model=AcademicYear, status_code=201)
async def year_add(request: Request, viewer: ApiViewer, body: YearIn) -> AcademicYear:
    return await calendar.add_year(uow(request), actor=viewer.actor, **body.model_dump())


@router.post("/years/{year_id}/periods", response_model=Period, status_code=201)
async def period_add(request: Request, viewer: ApiViewer, year_id: Id, body: PeriodIn) -> Period:
    return await calendar.add_period(
        uow(request), actor=viewer.actor, year_id=year_id, **body.model_dump()
    )


@router.delete("/periods/{period_id}", status_code=204)
async def period_delete(request: Request, viewer: ApiViewer, period_id: Id) -> Response:
    await calendar.delete_period(uow(request), actor=viewer.actor, period_id=period_id)
    return Response(status_code=204)


@router.post("/years/{year_id}/holidays", response_model=Holiday, status_code=201)
async def holiday_add(request: Request, viewer: ApiViewer, year_id: Id, body: YearIn) -> Holiday:
    return await calendar.add_holiday(
        uow(request), actor=viewer.actor, year_id=year_id, **body.model_dump()
    )


@router.delete("/holidays/{holiday_id}", status_code=204)
async def holiday_delete(request: Request, viewer: ApiViewer, holiday_id: Id) -> Response:
    await calendar.delete_holiday(uow(request), actor=viewer.actor, holiday_id=holiday_id)
    return Response(status_code=204)


class ClassesOut(BaseModel):
    year: AcademicYear | None
    classes: list[SchoolClass]
    groups: list[Group]


@router.get("/classes", response_model=ClassesOut)
async def classes(request: Request, viewer: ApiViewer, year_id: Id | None = None) -> ClassesOut:
    """The classes (and their groups) of a year, the current one by default."""
    found = await read_directory(reading_uow(request), actor=viewer.actor, year_id=year_id)
    return ClassesOut(year=found.year, classes=list(found.classes), groups=list(found.groups))


@router.post("/years/{year_id}/classes", response_model=SchoolClass, status_code=201)
async def class_add(request: Request, viewer: ApiViewer, year_id: Id, body: ClassIn) -> SchoolClass:
    return await structure.create_class(
        uow(request), actor=viewer.actor, year_id=year_id, **body.model_dump()
    )


@router.put("/classes/{class_id}", response_model=SchoolClass)
async def class_save(
    request: Request, viewer: ApiViewer, class_id: Id, body: ClassIn
) -> SchoolClass:
    return await structure.update_class(
        uow(request), actor=viewer.actor, class_id=class_id, **body.model_dump()
    )


@router.get("/subjects", response_model=list[Subject])
async def subjects(request: Request, viewer: ApiViewer) -> list[Subject]:
    found = await read_directory(reading_uow(request), actor=viewer.actor)
    return list(found.subjects)


@router.post("/subjects", response_model=Subject, status_code=201)
async def subject_add(request: Request, viewer: ApiViewer, body: SubjectIn) -> Subject:
    return await structure.create_subject(uow(request), actor=viewer.actor, **body.model_dump())


@router.put("/subjects/{subject_id}", response_model=Subject)
async def subject_save(
    request: Request, viewer: ApiViewer, subject_id: Id, body: SubjectIn
) -> Subject:
    return await structure.rename_subject(
        uow(request), actor=viewer.actor, subject_id=subject_id, **body.model_dump()
    )


@router.get("/assignments", response_model=list[TeachingAssignment])
async def assignments(
    request: Request, viewer: ApiViewer, year_id: Id | None = None
) -> list[TeachingAssignment]:
    """Teaching assignments of the classes of a year (the current one by default)."""
    found = await read_directory(reading_uow(request), actor=viewer.actor, year_id=year_id)
    return list(found.assignments)


@router.post("/assignments", response_model=TeachingAssignment, status_code=201)
async def assignment_add(
    request: Request, viewer: ApiViewer, body: AssignmentIn
) -> TeachingAssignment:
    return await structure.add_assignment(uow(request), actor=viewer.actor, **body.model_dump())


@router.delete("/assignments/{assignment_id}", status_code=204)
async def assignment_delete(request: Request, viewer: ApiViewer, assignment_id: Id) -> Response:
    await structure.remove_assignment(uow(request), actor=viewer.actor, assignment_id=assignment_id)
    return Response(status_code=204)


@router.get("/timetable", response_model=list[TimetableEntry])
async def timetable(
    request: Request, viewer: ApiViewer, year_id: Id | None = None
) -> list[TimetableEntry]:
    """The weekly timetable of the classes of a year (the current one by default)."""
    found = await read_directory(reading_uow(request), actor=viewer.actor, year_id=year_id)
    return list(found.timetable)


@router.post("/classes/{class_id}/timetable", response_model=TimetableEntry, status_code=201)
async def timetable_add(
    request: Request, viewer: ApiViewer, class_id: Id, body: TimetableIn
) -> TimetableEntry:
    return await structure.add_timetable_entry(
        uow(request), actor=viewer.actor, class_id=class_id, **body.model_dump()
    )


@router.delete("/timetable/{entry_id}", status_code=204)
async def timetable_delete(request: Request, viewer: ApiViewer, entry_id: Id) -> Response:
    await structure.remove_timetable_entry(uow(request), actor=viewer.actor, entry_id=entry_id)
    return Response(status_code=204)


@router.get("/staff", response_model=list[StaffOut])
async def staff(request: Request, viewer: ApiViewer) -> list[StaffOut]:
    found = await read_directory(reading_uow(request), actor=viewer.actor)
    return [StaffOut.of(row) for row in found.staff]


@router.post("/staff", response_model=StaffOut, status_code=201)
async def staff_add(request: Request, viewer: ApiViewer, body: StaffIn) -> StaffOut:
    made = await accounts.create_staff(uow(request), actor=viewer.actor, **body.model_dump())
    return StaffOut.of(made)


@router.put("/staff/{staff_id}/roles", response_model=StaffOut)
async def staff_roles(request: Request, viewer: ApiViewer, staff_id: Id, body: RolesIn) -> StaffOut:
    changed = await accounts.set_staff_roles(
        uow(request), actor=viewer.actor, staff_id=staff_id, roles=body.roles
    )
    return StaffOut.of(changed)


@router.put("/staff/{staff_id}/password", status_code=204)
async def staff_password(
    request: Request, viewer: ApiViewer, staff_id: Id, body: PasswordIn
) -> Response:
    await accounts.set_password(
        uow(request), actor=viewer.actor, staff_id=staff_id, password=body.password
    )
    return Response(status_code=204)


@router.post("/staff/{staff_id}/invite", response_model=InviteOut, status_code=201)
async def staff_invite(request: Request, viewer: ApiViewer, staff_id: Id) -> InviteOut:
    """A Telegram invite code for the staff member (older unused ones are revoked)."""
    issued = await issue_invite(uow(request), actor=viewer.actor, staff_id=staff_id)
    return InviteOut(code=issued.code, expires_at=issued.expires_at)


@router.post("/staff/{staff_id}/lock", response_model=LockOut)
async def staff_lock(request: Request, viewer: ApiViewer, staff_id: Id, body: LockIn) -> LockOut:
    """Lock the account after a reported breach, in two calls: without `confirm` the
    answer says what the lock would void and nothing changes; with `"confirm": true`
    the account is locked and its entries since `since` are voided."""
    state = web_state(request)
    since = body.since or state.clock()
    if since.tzinfo is None:
        since = since.replace(tzinfo=ZoneInfo(viewer.school_timezone))  # the school's clock
    if not body.confirm:
        preview = await preview_breach(
            reading_uow(request),
            actor=viewer.actor,
            staff_id=staff_id,
            reported_at=since,
            lookback=state.breach_lookback,
        )
        entries = EntryCountsOut.of(preview.entries)
        return LockOut(confirmed=False, staff_id=staff_id, since=since, entries=entries, voided=0)
    voided = await accounts.report_breach(
        uow(request),
        actor=viewer.actor,
        staff_id=staff_id,
        reported_at=since,
        lookback=state.breach_lookback,
    )
    entries = EntryCountsOut.of(voided)
    return LockOut(
        confirmed=True, staff_id=staff_id, since=since, entries=entries, voided=voided.total
    )


@router.post("/staff/{staff_id}/unlock", response_model=StaffOut)
async def staff_unlock(
    request: Request, viewer: ApiViewer, staff_id: Id, body: PasswordIn
) -> StaffOut:
    """Unlock with a new password (the leaked one never works again)."""
    unlocked = await accounts.unlock_staff(
        uow(request), actor=viewer.actor, staff_id=staff_id, new_password=body.password
    )
    return StaffOut.of(unlocked)
