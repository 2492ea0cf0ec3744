"""Set-up pages: the school (name, time zone, bells, rules) and the academic calendar."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from core.models import Role, WorkType
from core.permissions import has_role
from core.reading.school_calendar import read_calendar
from core.reading.school_settings import Bell, read_settings
from core.services.school_calendar import (
    PERIOD_KINDS,
    add_holiday,
    add_period,
    add_year,
    delete_holiday,
    delete_period,
    parse_day,
)
from core.services.school_setup import set_bells, update_policy, update_school
from webapp.auth import PageViewer, Viewer
from webapp.limits import FORM_GUARD
from webapp.pages import page_router
from webapp.pages.admin_forms import render_admin, submit, whole_number
from webapp.params import Id
from webapp.state import reading_uow, uow

router = page_router()

Text = Annotated[str, Form(max_length=FORM_GUARD)]
# The policy form's fields, in the order the page shows them.
DEADLINES = (
    "homework_deadline",
    "homework_minutes_after_last_lesson",
    "homework_fixed_time",
    "oral_mark_days",
    "written_mark_days_junior",
    "written_mark_days_senior",
    "essay_mark_days_senior",
    "preliminary_marks_days_before_holidays",
    "marks_from_grade",
    "homework_from_grade",
    "electives_attendance_only",
    "journal_retention_years",
    "statement_retention_years",
)
# Journal control: what the dashboard counts and when staff are reminded.
CONTROL = (
    "fill_min_marks_light",
    "fill_min_marks_heavy",
    "homework_minutes_grade_1",
    "homework_minutes_grades_2_3",
    "homework_minutes_grades_4_5",
    "homework_minutes_grades_6_8",
    "homework_minutes_grades_9_11",
    "tests_per_day_max",
    "tests_per_week_max",
    "test_limits_refuse",
    "reminders_mandatory",
    "homework_reminder_minutes_before",
    "mark_reminder_time",
    "monthly_message_reminder_day",
    "backlog_alert_threshold",
)
DELIVERY = (
    "messengers",
    "grace_window_seconds",
    "quiet_hours_start",
    "quiet_hours_end",
    "digest_time",
    "sms_daily_budget",
    "invite_ttl_days",
    "personal_data_retention_days",
)
TIMES = frozenset(
    {
        "homework_fixed_time",
        "quiet_hours_start",
        "quiet_hours_end",
        "digest_time",
        "mark_reminder_time",
    }
)
CHECKBOXES = frozenset({"electives_attendance_only", "test_limits_refuse", "reminders_mandatory"})
# Several boxes of one name: the messengers the school offers (Telegram, MAX or both).
MESSENGERS = {"telegram": "Telegram", "max": "MAX"}
WORK_TYPES = tuple(WorkType.__members__.values())


def _editor(viewer: Viewer) -> bool:
    return has_role(viewer.staff, Role.admin)


async def school_page(
    request: Request,
    viewer: Viewer,
    *,
    error: str | None = None,
    form: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    settings = await read_settings(reading_uow(request), actor=viewer.actor)
    return render_admin(
        request,
        viewer,
        "admin_school.html",
        tab="school",
        error=error,
        form=form,
        status_code=status_code,
        can_edit=_editor(viewer),
        settings=settings,
        policy=settings.policy.model_dump(mode="json"),
        deadlines=DEADLINES,
        delivery=DELIVERY,
        control=CONTROL,
        times=TIMES,
        checkboxes=CHECKBOXES,
        messengers=MESSENGERS,
        work_types=WORK_TYPES,
        bell_rows=_bell_rows(settings.bells, form, blank=2 if _editor(viewer) else 0),
    )


def _bell_rows(
    bells: tuple[Bell, ...], form: Mapping[str, Any] | None, *, blank: int
) -> list[tuple[object, object, object]]:
    """The rows the bells form shows: what was sent (refused), else the schedule and
    a few empty rows to add lessons."""
    if form and form.get("_form") == "bells":
        return list(zip(form["slot[]"], form["start[]"], form["end[]"], strict=False))
    return [(b.slot, b.start, b.end) for b in bells] + [("", "", "")] * blank


@router.get("/admin/school")
async def school(request: Request, viewer: PageViewer) -> Response:
    return await school_page(request, viewer)


@router.post("/admin/school")
async def school_save(
    request: Request, viewer: PageViewer, name: Text = "", timezone: Text = ""
) -> Response:
    def change() -> Any:
        return update_school(uow(request), actor=viewer.actor, name=name, timezone=timezone)

    return await submit(request, viewer, school_page, change, "/admin/school")


@router.post("/admin/school/policy")
async def policy_save(request: Request, viewer: PageViewer) -> Response:
    sent = await request.form()
    values: dict[str, object] = {}
    for field in (*DEADLINES, *CONTROL, *DELIVERY):
        if field in CHECKBOXES:
            values[field] = sent.get(field) == "on"
        elif field == "messengers" and field in sent:
            # The form sends an empty value besides the boxes: none ticked is a choice.
            values[field] = [str(chosen) for chosen in sent.getlist(field) if chosen]
        elif field in sent:
            values[field] = str(sent.get(field, ""))
    weights = {w: str(sent.get(f"weight_{w}", "")) for w in WORK_TYPES if f"weight_{w}" in sent}
    if weights:
        values["work_type_weights"] = weights

    def change() -> Any:
        return update_policy(uow(request), actor=viewer.actor, values=values)

    return await submit(request, viewer, school_page, change, "/admin/school")


@router.post("/admin/school/bells")
async def bells_save(request: Request, viewer: PageViewer) -> Response:
    sent = await request.form()
    rows = zip(sent.getlist("slot"), sent.getlist("start"), sent.getlist("end"), strict=False)
    bells = []
    for slot, start, end in rows:
        if not any(str(part).strip() for part in (slot, start, end)):
            continue  # an empty row of the form
        number = whole_number(str(slot))
        bells.append(Bell(-1 if number is None else number, str(start), str(end)))

    def change() -> Any:
        return set_bells(uow(request), actor=viewer.actor, bells=bells)

    return await submit(request, viewer, school_page, change, "/admin/school")


async def calendar_page(
    request: Request,
    viewer: Viewer,
    *,
    error: str | None = None,
    form: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    years = await read_calendar(reading_uow(request), actor=viewer.actor)
    return render_admin(
        request,
        viewer,
        "admin_calendar.html",
        tab="calendar",
        error=error,
        form=form,
        status_code=status_code,
        can_edit=_editor(viewer),
        years=years,
        kinds=PERIOD_KINDS,
    )


@router.get("/admin/calendar")
async def calendar(request: Request, viewer: PageViewer) -> Response:
    return await calendar_page(request, viewer)


@router.post("/admin/calendar/years")
async def year_add(
    request: Request, viewer: PageViewer, name: Text = "", starts_on: Text = "", ends_on: Text = ""
) -> Response:
    async def change() -> Any:
        first, last = parse_day(starts_on), parse_day(ends_on)
        return await add_year(
            uow(request), actor=viewer.actor, name=name, starts_on=first, ends_on=last
        )

    return await submit(request, viewer, calendar_page, change, "/admin/calendar")


@router.post("/admin/calendar/years/{year_id}/periods")
async def period_add(
    request: Request,
    viewer: PageViewer,
    year_id: Id,
    name: Text = "",
    kind: Text = "quarter",
    starts_on: Text = "",
    ends_on: Text = "",
) -> Response:
    async def change() -> Any:
        first, last = parse_day(starts_on), parse_day(ends_on)
        return await add_period(
            uow(request),
            actor=viewer.actor,
            year_id=year_id,
            name=name,
            kind=kind,
            starts_on=first,
            ends_on=last,
        )

    return await submit(request, viewer, calendar_page, change, "/admin/calendar")


@router.post("/admin/calendar/periods/{period_id}/delete")
async def period_delete(request: Request, viewer: PageViewer, period_id: Id) -> Response:
    def change() -> Any:
        return delete_period(uow(request), actor=viewer.actor, period_id=period_id)

    return await submit(request, viewer, calendar_page, change, "/admin/calendar")


@router.post("/admin/calendar/years/{year_id}/holidays")
async def holiday_add(
    request: Request,
    viewer: PageViewer,
    year_id: Id,
    name: Text = "",
    starts_on: Text = "",
    ends_on: Text = "",
) -> Response:
    async def change() -> Any:
        first, last = parse_day(starts_on), parse_day(ends_on)
        return await add_holiday(
            uow(request),
            actor=viewer.actor,
            year_id=year_id,
            name=name,
            starts_on=first,
            ends_on=last,
        )

    return await submit(request, viewer, calendar_page, change, "/admin/calendar")


@router.post("/admin/calendar/holidays/{holiday_id}/delete")
async def holiday_delete(request: Request, viewer: PageViewer, holiday_id: Id) -> Response:
    def change() -> Any:
        return delete_holiday(uow(request), actor=viewer.actor, holiday_id=holiday_id)

    return await submit(request, viewer, calendar_page, change, "/admin/calendar")
