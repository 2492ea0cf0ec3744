"""Invite codes, the audit log and the transactional outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel, UniqueConstraint

from core.models.base import chat_id_field, instant_field, json_field


class InviteCode(SQLModel, table=True):
    """A single-use code that links a Telegram chat to a guardian or a staff member.

    Only a SHA-256 of the code is stored: a copy of the database does not hand out
    working codes.
    """

    __tablename__ = "invite_code"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    code_hash: str = Field(unique=True)
    purpose: str  # guardian | staff
    guardian_id: int | None = Field(default=None, foreign_key="guardian.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    issued_by: int | None = Field(default=None, foreign_key="staff.id")
    issued_at: datetime = instant_field()
    expires_at: datetime = instant_field()
    used_at: datetime | None = instant_field(nullable=True)
    used_by_chat: int | None = chat_id_field()
    revoked_at: datetime | None = instant_field(nullable=True)


class AuditEntry(SQLModel, table=True):
    """Who changed what and when, with the values before and after."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    at: datetime = instant_field(index=True)
    actor_kind: str  # staff | guardian | system
    actor_id: int | None = None
    entity: str = Field(index=True)  # table name
    entity_id: int = Field(index=True)
    action: str  # create | update | delete
    old: dict[str, Any] | None = json_field(default_factory=lambda: None)
    new: dict[str, Any] | None = json_field(default_factory=lambda: None)


class OutboxEvent(SQLModel, table=True):
    """A fact a family may hear about, written in the same transaction as the change.

    The outbox, not Redis, is the source of truth for delivery: the relay marks
    `relayed_at` once the event is in the queue and re-relays what stays unrelayed.
    """

    __tablename__ = "outbox_event"

    id: str = Field(primary_key=True, max_length=32)  # uuid4 hex
    school_id: int = Field(foreign_key="school.id", index=True)
    kind: str = Field(index=True)
    entity: str = Field(default="", index=True)  # "mark:17": see Event.entity
    payload: dict[str, Any] = json_field()
    occurred_at: datetime = instant_field()
    relayed_at: datetime | None = instant_field(nullable=True, index=True)
    # Set by the dispatcher once every recipient's notification rows exist; the
    # sweeper re-relays events relayed long ago but never dispatched (Redis lost them).
    dispatched_at: datetime | None = instant_field(nullable=True, index=True)
    attempts: int = 0


class Acknowledgement(SQLModel, table=True):
    """A guardian's «Ознакомлен»: the digital signature a paper diary carried.

    `subject` names what was read: "announcement:<id>" or
    "week:<student id>:<monday ISO date>" for a weekly summary. Pressing twice keeps
    the first press.
    """

    __tablename__ = "acknowledgement"
    __table_args__ = (UniqueConstraint("guardian_id", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    guardian_id: int = Field(foreign_key="guardian.id", index=True)
    subject: str = Field(index=True)
    announcement_id: int | None = Field(default=None, foreign_key="announcement.id", index=True)
    student_id: int | None = Field(default=None, foreign_key="student.id")
    at: datetime = instant_field()
    via: str = "telegram"  # telegram | web


class ContactChange(SQLModel, table=True):
    """A new email or phone a guardian gave, waiting for the code sent to it.

    Nothing is sent to an address until its owner typed the code back; only the
    code's hash is kept.
    """

    __tablename__ = "contact_change"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    guardian_id: int = Field(foreign_key="guardian.id", index=True)
    channel: str  # email | sms
    address: str
    code_hash: str
    created_at: datetime = instant_field()
    expires_at: datetime = instant_field()
    attempts: int = 0
    confirmed_at: datetime | None = instant_field(nullable=True)
    cancelled_at: datetime | None = instant_field(nullable=True)
