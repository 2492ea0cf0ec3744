"""When staff are reminded: pure rules over the deadlines of `core.control.rules`.

A teacher is reminded of an item not yet entered at its "before" moment, and once more
when its deadline has passed ("late"):
- homework: `homework_reminder_minutes_before` (30) before its deadline;
- marks for written work, and preliminary or final period marks: at the evening time
  (`mark_reminder_time`, 18:00) of their last day, the evening before the deadline
  (which is the school's midnight after that day);
- the topic and the roll call, due on the lesson's day: at the same evening time of
  that day, so a teacher who forgot hears of it while the day is still on time.
A teacher may choose their own minutes and evening time (`StaffReminderSettings`) or
switch reminders off, unless the school made them mandatory.

Staff messages wait out the school's quiet hours and holidays (held, never dropped),
and a teacher's reminders go at most once an hour, bundled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from core.control.rules import Kind
from core.delivery.routing import quiet_ends_at
from core.models import Holiday, StaffReminderSettings
from core.policy import SchoolPolicy

# At most one reminder message an hour per teacher: later items wait and join it.
REMINDER_SPACING = dt.timedelta(hours=1)
# A deadline passed longer ago than this is not reminded as late: the backlog alert and
# the deputy's summary speak of older ones. Long enough that a worker down over a
# weekend still sends the late reminders it owes.
LATE_LOOKBACK = dt.timedelta(days=3)
# Weekly notes (the class teacher's families, the deputy's summary): Monday morning.
WEEKLY_NOTE_TIME = dt.time(8, 0)


@dataclass(frozen=True)
class Timing:
    """A teacher's reminder times: the school's, or their own choice."""

    enabled: bool
    homework_minutes_before: int
    evening: dt.time


def timing_of(policy: SchoolPolicy, settings: StaffReminderSettings | None) -> Timing:
    """The school's times, overridden by the teacher's; off only when the school allows."""
    minutes = policy.homework_reminder_minutes_before
    evening = policy.mark_reminder_time
    enabled = True
    if settings is not None:
        minutes = (
            settings.homework_minutes_before
            if settings.homework_minutes_before is not None
            else minutes
        )
        evening = settings.evening_time or evening
        enabled = settings.enabled or policy.reminders_mandatory
    return Timing(enabled=enabled, homework_minutes_before=minutes, evening=evening)


def remind_before(
    kind: Kind, due_at: dt.datetime, zone: ZoneInfo, timing: Timing, *, day: dt.date
) -> dt.datetime:
    """The "before" moment of an item due at `due_at` (an item of a lesson on `day`)."""
    if kind == Kind.homework:
        return due_at - dt.timedelta(minutes=timing.homework_minutes_before)
    if kind in (Kind.topic, Kind.attendance):
        moment = dt.datetime.combine(day, timing.evening, tzinfo=zone)
    else:  # marks and period marks: the evening of their last day
        last_day = (due_at.astimezone(zone) - dt.timedelta(minutes=1)).date()
        moment = dt.datetime.combine(last_day, timing.evening, tzinfo=zone)
    return min(moment, due_at)


def stage_due(
    *, before_at: dt.datetime, due_at: dt.datetime, now: dt.datetime, horizon: dt.timedelta
) -> tuple[str, dt.datetime] | None:
    """Which stage of a still-missing item to plan now, and for when; None: neither yet.

    `horizon` is how far ahead the planner looks (its own interval), so a reminder is
    planned before its moment and sent at it.
    """
    if due_at <= now + horizon:
        if due_at < now - LATE_LOOKBACK:
            return None
        return "late", max(due_at, now)
    if before_at <= now + horizon:
        return "before", max(before_at, now)
    return None


def held_until(
    now: dt.datetime,
    zone: ZoneInfo,
    policy: SchoolPolicy,
    holidays: Iterable[Holiday],
) -> dt.datetime | None:
    """Until when a staff message due now waits: the end of the school's quiet hours, or
    the morning after holidays (at the end of quiet hours); None: it may go now."""
    local_day = now.astimezone(zone).date()
    for holiday in holidays:
        if holiday.starts_on <= local_day <= holiday.ends_on:
            morning = dt.datetime.combine(
                holiday.ends_on + dt.timedelta(days=1), policy.quiet_hours_end, tzinfo=zone
            )
            if policy.quiet_hours_start == policy.quiet_hours_end:
                morning = dt.datetime.combine(
                    holiday.ends_on + dt.timedelta(days=1), dt.time(0), tzinfo=zone
                )
            return morning.astimezone(dt.UTC)
    return quiet_ends_at(now, str(zone), policy.quiet_hours_start, policy.quiet_hours_end)


def week_start(day: dt.date) -> dt.date:
    """The Monday of `day`'s week."""
    return day - dt.timedelta(days=day.weekday())
