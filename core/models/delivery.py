"""What families chose, and what the system owes them: notifications and deliveries.

A notification is a database row before it is a Redis job (STYLE: Delivery). The
workers reload these rows and re-check them before sending anything.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.base import (
    between,
    instant_field,
    json_field,
    json_list_of,
    json_map_of,
    one_of,
    partial_index,
)


class Topic(StrEnum):
    """The kinds of message a guardian sets a mode for."""

    marks = "marks"
    attendance = "attendance"
    homework = "homework"
    remarks = "remarks"
    announcements = "announcements"
    period_marks = "period_marks"


class Mode(StrEnum):
    instant = "instant"
    daily = "daily"
    weekly = "weekly"
    off = "off"


class ChannelName(StrEnum):
    telegram = "telegram"
    email = "email"
    sms = "sms"
    max = "max"  # MAX, the national messenger (a Messenger, as Telegram is)


# A notification's topic: one of Topic, or "mixed" once events of several topics
# joined it (an instant bundle, a digest), or "notice": what the school tells its
# families about Zvonok itself (a messenger switched off), which no mode turns off.
NOTIFICATION_TOPICS = (*Topic, "mixed", "notice")
NOTIFICATION_STATUSES = ("open", "sending", "sent", "cancelled", "failed")
DELIVERY_STATUSES = ("pending", "sending", "sent", "failed", "cancelled")


class GuardianSettings(SQLModel, table=True):
    """A guardian's choices; a missing row means the school's defaults."""

    __tablename__ = "guardian_settings"
    __table_args__ = (
        json_map_of("modes", Topic, Mode),
        json_list_of("channels", ChannelName),
        between("weekly_weekday", 0, 6),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    guardian_id: int = Field(foreign_key="guardian.id", unique=True)
    modes: dict[str, str] = json_field()  # Topic -> Mode; missing topics use defaults
    channels: list[str] = json_field(default_factory=list)  # order of ChannelName
    # Topics switched off for email by an email's unsubscribe link (RFC 8058); the
    # other channels still carry them. Choosing a topic's mode again clears it.
    email_off: list[str] = json_field(default_factory=list)
    quiet_start: dt.time | None = None
    quiet_end: dt.time | None = None
    digest_time: dt.time | None = None
    weekly_weekday: int = 4  # Friday: the week's summary before the weekend


class ContactStatus(SQLModel, table=True):
    """A contact point found dead (bot blocked, mailbox rejected, invalid number).

    Keyed by the address too: a guardian who gives a new phone number is reachable
    again without anyone clearing a flag.
    """

    __tablename__ = "contact_status"
    __table_args__ = (
        UniqueConstraint("guardian_id", "channel", "address"),
        one_of("channel", ChannelName),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    guardian_id: int = Field(foreign_key="guardian.id", index=True)
    channel: str
    address: str
    dead_at: datetime = instant_field()
    reason: str  # a code of core.delivery.reasons: why the address failed for good
    reason_params: dict[str, Any] | None = Field(
        default=None, sa_type=JSON(none_as_null=True), nullable=True
    )


class Notification(SQLModel, table=True):
    """One message owed to one guardian: a single event, a bundle, or a digest.

    Events join an `open` notification until `due_at` (the grace window, the bundling
    window, the end of quiet hours, or the digest time); then it is rendered from the
    journal's current state and handed to a channel.

    The sweeper looks for open notifications whose time has come, oldest first: the
    partial index holds only the open ones, a few among millions that are closed.
    """

    __table_args__ = (
        partial_index("ix_notification_open_due", "due_at", "id", where="status = 'open'"),
        one_of("topic", NOTIFICATION_TOPICS),
        one_of("mode", Mode),
        one_of("status", NOTIFICATION_STATUSES),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    guardian_id: int = Field(foreign_key="guardian.id", index=True)
    student_id: int | None = Field(default=None, foreign_key="student.id")
    topic: str  # Topic value, or "digest"
    mode: str  # Mode value
    urgent: bool = False
    status: str = "open"  # NOTIFICATION_STATUSES
    due_at: datetime = instant_field()
    created_at: datetime = instant_field()
    closed_at: datetime | None = instant_field(nullable=True)
    # Why held (open: quiet hours, a message in flight), cancelled or failed: a code of
    # core.delivery.reasons and its parameters, rendered in the reader's language.
    reason: str | None = None
    reason_params: dict[str, Any] | None = Field(
        default=None, sa_type=JSON(none_as_null=True), nullable=True
    )


class NotificationEvent(SQLModel, table=True):
    """An outbox event inside a notification. Unique per guardian: an event reaches a
    guardian through one notification only, so dispatching twice adds nothing."""

    __tablename__ = "notification_event"
    __table_args__ = (UniqueConstraint("guardian_id", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    notification_id: int = Field(foreign_key="notification.id", index=True)
    guardian_id: int = Field(foreign_key="guardian.id")
    event_id: str = Field(foreign_key="outbox_event.id", max_length=32)


class Delivery(SQLModel, table=True):
    """One attempt path of a notification on one channel: pending → sending → sent | failed.

    The sweeper's partial indexes hold only the pending deliveries (oldest first) and
    those being sent (by when they were claimed), never the sent ones.
    """

    __table_args__ = (
        UniqueConstraint("notification_id", "channel"),
        partial_index(
            "ix_delivery_pending_created", "created_at", "id", where="status = 'pending'"
        ),
        partial_index("ix_delivery_sending_since", "sending_since", where="status = 'sending'"),
        one_of("channel", ChannelName),
        one_of("status", DELIVERY_STATUSES),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    notification_id: int = Field(foreign_key="notification.id", index=True)
    guardian_id: int = Field(foreign_key="guardian.id", index=True)
    channel: str  # ChannelName value
    address: str
    status: str = "pending"  # DELIVERY_STATUSES
    attempts: int = 0
    next_attempt_at: datetime | None = instant_field(nullable=True)
    provider_id: str | None = Field(default=None, index=True)
    error: str | None = None  # a code of core.delivery.reasons: why not sent (yet)
    error_params: dict[str, Any] | None = Field(
        default=None, sa_type=JSON(none_as_null=True), nullable=True
    )
    parts: int = 0
    created_at: datetime = instant_field()
    sending_since: datetime | None = instant_field(nullable=True)
    # The worker process holding it `sending` (workers.liveness); None when nobody does.
    claimed_by: str | None = None
    sent_at: datetime | None = instant_field(nullable=True)
    delivered_at: datetime | None = instant_field(nullable=True)  # provider's receipt
