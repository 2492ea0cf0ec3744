"""Messages owed to staff (issue 10): reminders to teachers, notes to class teachers,
the deputy director's weekly summary and backlog alerts, the administrators' alerts.

Like a family's notification, a staff message is a database row before it is a Redis
job: the worker reloads it and renders it from the journal as it is at send time. A
reminder record names which item (a lesson's homework, a test's marks, a month's
letter to parents...) at which stage ("before" its deadline, "late" after it) was
planned for whom, once: its unique constraint is what makes a reminder go out once.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.base import between, instant_field, json_field, one_of, partial_index


class StaffMessageKind(StrEnum):
    reminders = "reminders"  # a teacher's bundle: items before their deadline or late
    families = "families"  # the class teacher's weekly note on the class's families
    summary = "summary"  # the deputy's weekly summary of the school's control figures
    backlog = "backlog"  # the deputy's alert: a teacher's backlog passed the threshold
    alert = "alert"  # the administrators' alerts (core.services.admin_alerts)


class ReminderStage(StrEnum):
    before = "before"  # ahead of the item's deadline
    late = "late"  # once, when the deadline has passed
    note = "note"  # a periodic note (a day's monthly-letter reminder, a week's note)
    cleared = "cleared"  # a backlog fell back under the threshold: the next crossing alerts


# open (items may join it until due_at) → pending (a channel chosen, to be sent, or
# waiting for a retry) → sending (claimed by a worker) → sent | failed; cancelled when
# nothing is left to say at send time.
STAFF_MESSAGE_STATUSES = ("open", "pending", "sending", "sent", "failed", "cancelled")
STAFF_CHANNELS = ("telegram", "email", "max")


class StaffMessage(SQLModel, table=True):
    """One message owed to one staff member, with its way out."""

    __tablename__ = "staff_message"
    __table_args__ = (
        one_of("kind", StaffMessageKind),
        one_of("status", STAFF_MESSAGE_STATUSES),
        one_of("channel", STAFF_CHANNELS),
        # One open bundle per person and kind: new items join it.
        partial_index(
            "uq_staff_message_open", "staff_id", "kind", where="status = 'open'", unique=True
        ),
        partial_index("ix_staff_message_open_due", "due_at", "id", where="status = 'open'"),
        partial_index(
            "ix_staff_message_pending", "next_attempt_at", "id", where="status = 'pending'"
        ),
        partial_index("ix_staff_message_sending", "sending_since", where="status = 'sending'"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    kind: str  # StaffMessageKind
    status: str = "open"  # STAFF_MESSAGE_STATUSES
    due_at: datetime = instant_field()  # not before; moved on by quiet hours and holidays
    # What a periodic note is about ({"week": "2026-11-23"}); items are reminder rows.
    params: dict[str, Any] = json_field()
    channel: str | None = None  # chosen when it leaves `open`
    address: str | None = None
    attempts: int = 0
    next_attempt_at: datetime | None = instant_field(nullable=True)
    sending_since: datetime | None = instant_field(nullable=True)
    sent_at: datetime | None = instant_field(nullable=True)
    provider_id: str | None = None
    # Why held, cancelled or failed: a code of core.delivery.reasons and its parameters.
    reason: str | None = None
    reason_params: dict[str, Any] | None = Field(
        default=None, sa_type=JSON(none_as_null=True), nullable=True
    )
    created_at: datetime = instant_field()
    closed_at: datetime | None = instant_field(nullable=True)


class StaffReminder(SQLModel, table=True):
    """Which item at which stage was planned for whom, and in which message: once."""

    __tablename__ = "staff_reminder"
    __table_args__ = (
        UniqueConstraint("staff_id", "item", "stage"),
        one_of("stage", ReminderStage),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    staff_id: int = Field(foreign_key="staff.id")
    # "homework:<lesson>", "marks:<lesson>", "topic:<lesson>", "attendance:<lesson>",
    # "preliminary:<period>:<class>:<group>:<subject>", "monthly:<class>:<day>",
    # "families:<monday>", "summary:<monday>", "backlog:<teacher>:<crossing>",
    # "alert:<key>" (an administrators' alert, core.services.admin_alerts)
    item: str = Field(max_length=80)
    stage: str  # ReminderStage
    message_id: int | None = Field(default=None, foreign_key="staff_message.id", index=True)
    due_at: datetime | None = instant_field(nullable=True)  # the item's deadline
    created_at: datetime = instant_field()


class StaffReminderSettings(SQLModel, table=True):
    """A teacher's choices for their reminders; a missing row means the school's."""

    __tablename__ = "staff_reminder_settings"
    __table_args__ = (between("homework_minutes_before", 0, 600),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    staff_id: int = Field(foreign_key="staff.id", unique=True)
    enabled: bool = True  # ignored when the school made reminders mandatory
    homework_minutes_before: int | None = None  # None: the school's
    evening_time: dt.time | None = None  # None: the school's `mark_reminder_time`
    updated_at: datetime = instant_field()
