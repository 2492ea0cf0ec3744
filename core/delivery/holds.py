"""Why a message owed to a parent has not gone yet, and until when.

An open notification waits for one of: the grace window (a teacher may still fix a
mark), the end of quiet hours, the daily or weekly digest, or the message it
corrects. `start_notification` stores the hold it decides (quiet hours, a message in
flight) in the notification's `reason` columns; the others follow from its mode and
due time. Either way a hold is a code of core.delivery.reasons with the school's
local times as parameters ("07:30"), written in the reader's language when shown:
«тихие часы до 07:30», «в дайджест в 18:00».
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.delivery.reasons import (
    AWAITS_FIRST,
    DIGEST,
    GRACE,
    HOLD_CODES,
    QUIET_HOURS,
    WEEKLY_DIGEST,
    Reason,
)
from core.delivery.routing import quiet_ends_at, quiet_window
from core.models import GuardianSettings, Mode, Notification, School
from core.policy import SchoolPolicy, policy_of


def clock(instant: dt.datetime, timezone: str) -> str:
    """The school's local time of day of `instant`, as a hold's parameter: "07:30"."""
    return instant.astimezone(ZoneInfo(timezone)).strftime("%H:%M")


def quiet_hold(until: dt.datetime, timezone: str) -> Reason:
    return Reason(QUIET_HOURS, {"until": clock(until, timezone)})


def awaits_first(until: dt.datetime, timezone: str) -> Reason:
    return Reason(AWAITS_FIRST, {"until": clock(until, timezone)})


def hold_of(
    note: Notification,
    *,
    settings: GuardianSettings | None,
    policy: SchoolPolicy,
    timezone: str,
) -> Reason | None:
    """Why an open notification waits (None when it is not open)."""
    if note.status != "open":
        return None
    if note.reason in HOLD_CODES:
        return Reason(note.reason or "", dict(note.reason_params or {}))
    if not note.urgent:
        start, end = quiet_window(settings, policy)
        quiet_end = quiet_ends_at(note.due_at, timezone, start, end)
        if quiet_end is not None:
            return quiet_hold(quiet_end, timezone)
    at = clock(note.due_at, timezone)
    if note.mode == Mode.daily.value:
        return Reason(DIGEST, {"at": at})
    if note.mode == Mode.weekly.value:
        on = note.due_at.astimezone(ZoneInfo(timezone)).date().isoformat()
        return Reason(WEEKLY_DIGEST, {"on": on, "at": at})
    return Reason(GRACE, {"until": at})


def expected_hold(now: dt.datetime, policy: SchoolPolicy, timezone: str) -> Reason:
    """What holds an instant, non-urgent message entered `now`, with the school's defaults.

    `zvonok simulate` says it before the workers have planned anything: the grace
    window, then the quiet hours when the window ends inside them.
    """
    due = now + dt.timedelta(seconds=policy.grace_window_seconds)
    quiet_end = quiet_ends_at(due, timezone, policy.quiet_hours_start, policy.quiet_hours_end)
    if quiet_end is not None:
        return quiet_hold(quiet_end, timezone)
    return Reason(GRACE, {"until": clock(due, timezone)})


@dataclass(frozen=True)
class Held:
    """Open notifications waiting for the same reason."""

    reason: Reason
    count: int
    first_due: dt.datetime  # the earliest of them (UTC)


async def held_notifications(session: AsyncSession) -> list[Held]:
    """Every open notification grouped by why it waits, the soonest group first."""
    notes = list(
        (await session.exec(select(Notification).where(Notification.status == "open"))).all()
    )
    if not notes:
        return []
    schools = {
        s.id: s
        for s in (
            await session.exec(
                select(School).where(col(School.id).in_({n.school_id for n in notes}))
            )
        ).all()
    }
    guardian_ids = {n.guardian_id for n in notes}
    settings = {
        s.guardian_id: s
        for s in (
            await session.exec(
                select(GuardianSettings).where(col(GuardianSettings.guardian_id).in_(guardian_ids))
            )
        ).all()
    }
    counts: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
    first: dict[tuple[str, tuple[tuple[str, str], ...]], dt.datetime] = {}
    for note in notes:
        school = schools[note.school_id]
        reason = hold_of(
            note,
            settings=settings.get(note.guardian_id),
            policy=policy_of(school),
            timezone=school.timezone,
        )
        if reason is None:
            continue
        key = (reason.code, tuple(sorted((k, str(v)) for k, v in reason.params.items())))
        counts[key] += 1
        first[key] = min(first.get(key, note.due_at), note.due_at)
    found = [
        Held(Reason(code, dict(params)), count, first[(code, params)])
        for (code, params), count in counts.items()
    ]
    return sorted(found, key=lambda held: held.first_due)
