"""Set-up page: staff accounts (create, roles, password, invite code, lock, unlock).

Seed 002 §4.1–4.4: a personal login for everyone; a newly arrived staff member gets
an invite code on their first day (§2.3); a reported breach locks the account and
voids what it entered since (core/services/staff.py `report_breach`), after a page
that shows whom it locks and how many entries it voids asks to confirm
(`core.reading.breach.preview_breach`; the administrator or the deputy director).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Form, Request
from fastapi.responses import Response

from core.breach_rules import EntryCounts
from core.errors import RuleViolation, ZvonokError
from core.models import Role
from core.permissions import has_role
from core.reading.breach import BreachPreview, preview_breach
from core.reading.school_directory import read_directory
from core.services.invites import IssuedInvite, issue_invite
from core.services.staff import (
    create_staff,
    report_breach,
    set_password,
    set_staff_roles,
    unlock_staff,
)
from core.validation import check_day
from webapp.auth import PageViewer, Viewer
from webapp.errors import status_for
from webapp.limits import FORM_GUARD
from webapp.pages import page_router
from webapp.pages.admin_forms import render_admin, submit
from webapp.params import Id
from webapp.render import render
from webapp.state import reading_uow, uow, web_state

router = page_router()

Text = Annotated[str, Form(max_length=FORM_GUARD)]
Secret = Annotated[str, Form(max_length=1000)]
ROLES = tuple(role.value for role in Role)


async def staff_page(
    request: Request,
    viewer: Viewer,
    *,
    error: str | None = None,
    form: Mapping[str, Any] | None = None,
    status_code: int = 200,
    issued: tuple[str, IssuedInvite] | None = None,
) -> Response:
    directory = await read_directory(reading_uow(request), actor=viewer.actor)
    return render_admin(
        request,
        viewer,
        "admin_staff.html",
        tab="staff",
        error=error,
        form=form,
        status_code=status_code,
        can_edit=has_role(viewer.staff, Role.admin),
        d=directory,
        roles=ROLES,
        issued=issued,
        now_local=_now_local(request, viewer),
    )


def _now_local(request: Request, viewer: Viewer) -> str:
    zone = ZoneInfo(viewer.school_timezone)
    return web_state(request).clock().astimezone(zone).strftime("%Y-%m-%dT%H:%M")


@router.get("/admin/staff")
async def staff(request: Request, viewer: PageViewer) -> Response:
    return await staff_page(request, viewer)


@router.post("/admin/staff")
async def staff_add(
    request: Request,
    viewer: PageViewer,
    login: Text = "",
    last_name: Text = "",
    first_name: Text = "",
    middle_name: Text = "",
    password: Secret = "",
) -> Response:
    roles = (await request.form()).getlist("roles")

    def change() -> Any:
        return create_staff(
            uow(request),
            actor=viewer.actor,
            login=login,
            last_name=last_name,
            first_name=first_name,
            middle_name=middle_name,
            roles=[str(role) for role in roles],
            password=password or None,
        )

    return await submit(request, viewer, staff_page, change, "/admin/staff")


@router.post("/admin/staff/{staff_id}/roles")
async def staff_roles(request: Request, viewer: PageViewer, staff_id: Id) -> Response:
    roles = [str(role) for role in (await request.form()).getlist("roles")]

    def change() -> Any:
        return set_staff_roles(uow(request), actor=viewer.actor, staff_id=staff_id, roles=roles)

    return await submit(request, viewer, staff_page, change, "/admin/staff")


@router.post("/admin/staff/{staff_id}/password")
async def staff_password(
    request: Request, viewer: PageViewer, staff_id: Id, password: Secret = ""
) -> Response:
    def change() -> Any:
        return set_password(uow(request), actor=viewer.actor, staff_id=staff_id, password=password)

    return await submit(request, viewer, staff_page, change, "/admin/staff")


@router.post("/admin/staff/{staff_id}/invite")
async def staff_invite(request: Request, viewer: PageViewer, staff_id: Id) -> Response:
    """A code for the staff member's Telegram link: shown once, on this answer only."""
    try:
        issued = await issue_invite(uow(request), actor=viewer.actor, staff_id=staff_id)
    except ZvonokError as error:
        form = {"_form": f"staff-{staff_id}"}
        message = error.message(viewer.lang)
        return await staff_page(
            request, viewer, error=message, form=form, status_code=status_for(error)
        )
    directory = await read_directory(reading_uow(request), actor=viewer.actor)
    name = directory.name("staff", staff_id)
    return await staff_page(request, viewer, issued=(name, issued), status_code=201)


@router.get("/admin/staff/{staff_id}/lock")
async def staff_lock_preview(
    request: Request, viewer: PageViewer, staff_id: Id, since: str = ""
) -> Response:
    """What locking the account after a breach would do, and the button confirming it."""
    return await _lock_page(request, viewer, staff_id, since)


@router.post("/admin/staff/{staff_id}/lock")
async def staff_lock(
    request: Request, viewer: PageViewer, staff_id: Id, since: Text = "", confirm: Text = ""
) -> Response:
    """Without `confirm=yes` the preview (as the GET); with it, lock the account after a
    reported breach and void what it entered since `since`."""
    if confirm != "yes":
        return await _lock_page(request, viewer, staff_id, since)
    lookback = web_state(request).breach_lookback
    try:
        reported = _local_instant(since, viewer) if since else web_state(request).clock()
        case = await preview_breach(
            reading_uow(request),
            actor=viewer.actor,
            staff_id=staff_id,
            reported_at=reported,
            lookback=lookback,
        )
        voided = await report_breach(
            uow(request),
            actor=viewer.actor,
            staff_id=staff_id,
            reported_at=reported,
            lookback=lookback,
        )
    except ZvonokError as error:
        return await _lock_page(request, viewer, staff_id, since, refused=error)
    return _render_lock(request, viewer, staff_id, since, preview=case, done=voided)


async def _lock_page(
    request: Request,
    viewer: Viewer,
    staff_id: int,
    since: str,
    *,
    refused: ZvonokError | None = None,
) -> Response:
    """The preview of a breach report for the time typed (now by default), or core's
    refusal: the same rules as the lock itself."""
    since = since.strip() or _now_local(request, viewer)
    preview: BreachPreview | None = None
    try:
        preview = await preview_breach(
            reading_uow(request),
            actor=viewer.actor,
            staff_id=staff_id,
            reported_at=_local_instant(since, viewer),
            lookback=web_state(request).breach_lookback,
        )
    except ZvonokError as error:
        refused = refused or error
    return _render_lock(request, viewer, staff_id, since, preview=preview, refused=refused)


def _render_lock(
    request: Request,
    viewer: Viewer,
    staff_id: int,
    since: str,
    *,
    preview: BreachPreview | None,
    refused: ZvonokError | None = None,
    done: EntryCounts | None = None,
) -> Response:
    state = web_state(request)
    earliest = state.clock() - state.breach_lookback
    zone = ZoneInfo(viewer.school_timezone)
    return render(
        request,
        "admin_staff_lock.html",
        viewer=viewer,
        status_code=status_for(refused) if refused else 200,
        staff_id=staff_id,
        since=since,
        earliest=earliest.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        latest=_now_local(request, viewer),
        preview=preview,
        error=refused.message(viewer.lang) if refused else None,
        done=done,
        back="/admin/staff" if has_role(viewer.staff, Role.admin, Role.secretary) else "/",
    )


def _local_instant(text: str, viewer: Viewer) -> dt.datetime:
    """«2026-11-23T09:30» on the school's clock, as an instant."""
    try:
        local = check_day(dt.datetime.fromisoformat(text.strip()))
    except ValueError:
        raise RuleViolation("bad_date", value=text) from None
    return local.replace(tzinfo=ZoneInfo(viewer.school_timezone))


@router.post("/admin/staff/{staff_id}/unlock")
async def staff_unlock(
    request: Request, viewer: PageViewer, staff_id: Id, password: Secret = ""
) -> Response:
    def change() -> Any:
        return unlock_staff(
            uow(request), actor=viewer.actor, staff_id=staff_id, new_password=password
        )

    return await submit(request, viewer, staff_page, change, "/admin/staff")
