"""A staff member chooses their reminder times, or switches reminders off (issue 10)."""

from __future__ import annotations

import datetime as dt

from core.actors import StaffActor
from core.errors import RuleViolation
from core.models import School, StaffReminderSettings
from core.permissions import load_staff
from core.policy import policy_of
from core.reading.reminder_settings import own_settings
from core.uow import UnitOfWork, transactional


async def set_reminder_settings_in(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    enabled: bool,
    homework_minutes_before: int | None,
    evening_time: dt.time | None,
) -> StaffReminderSettings:
    """Save the acting staff member's own reminder settings; None: the school's time.

    Switching reminders off is refused when the school made them mandatory.
    """
    staff = await load_staff(uow, actor)
    school = await uow.session.get(School, staff.school_id)
    assert school is not None
    if not enabled and policy_of(school).reminders_mandatory:
        raise RuleViolation("reminders_mandatory")
    if homework_minutes_before is not None and not 0 <= homework_minutes_before <= 600:
        raise RuleViolation("bad_reminder_minutes", value=homework_minutes_before)
    row = await own_settings(uow, staff.id or 0)
    old = None if row is None else row.model_dump()
    row = row or StaffReminderSettings(
        school_id=staff.school_id, staff_id=staff.id or 0, updated_at=uow.now()
    )
    row.enabled = enabled
    row.homework_minutes_before = homework_minutes_before
    row.evening_time = evening_time
    row.updated_at = uow.now()
    await uow.save(row, action="update" if old else "create", actor_id=staff.id, old=old)
    return row


set_reminder_settings = transactional(set_reminder_settings_in)
