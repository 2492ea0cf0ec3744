"""A staff member's reminder settings as their page shows them: their own choices, the
school's times they replace, and whether the school made reminders mandatory."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import select

from core.actors import StaffActor
from core.control.reminders import timing_of
from core.models import School, StaffReminderSettings
from core.permissions import load_staff
from core.policy import policy_of
from core.uow import UnitOfWork


@dataclass(frozen=True)
class ReminderSettingsView:
    enabled: bool  # as they take effect (always on when mandatory)
    mandatory: bool
    homework_minutes_before: int  # in effect: theirs, or the school's
    evening_time: dt.time
    school_minutes_before: int
    school_evening_time: dt.time
    own: bool  # they chose something of their own


async def reminder_settings(uow: UnitOfWork, *, actor: StaffActor) -> ReminderSettingsView:
    """The acting staff member's reminder settings."""
    async with uow:
        staff = await load_staff(uow, actor)
        school = await uow.session.get(School, staff.school_id)
        assert school is not None
        row = await own_settings(uow, staff.id or 0)
        policy = policy_of(school)
        timing = timing_of(policy, row)
        return ReminderSettingsView(
            enabled=timing.enabled,
            mandatory=policy.reminders_mandatory,
            homework_minutes_before=timing.homework_minutes_before,
            evening_time=timing.evening,
            school_minutes_before=policy.homework_reminder_minutes_before,
            school_evening_time=policy.mark_reminder_time,
            own=row is not None,
        )


async def own_settings(uow: UnitOfWork, staff_id: int) -> StaffReminderSettings | None:
    query = select(StaffReminderSettings).where(StaffReminderSettings.staff_id == staff_id)
    return (await uow.session.exec(query)).first()
