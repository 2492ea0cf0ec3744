"""Invite codes, the audit log and the transactional outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel, UniqueConstraint

from core.models.base import chat_id_field, instant_field, json_field, one_of, partial_index
from core.models.people import Messenger

INVITE_PURPOSES = ("guardian", "staff")
ACTOR_KINDS = ("staff", "guardian", "system")
AUDIT_ACTIONS = ("create", "update", "delete")
ACKNOWLEDGED_VIA = ("telegram", "web", "max")
CONTACT_CHANGE_CHANNELS = ("email", "sms")  # a chat is linked by an invite code instead


class InviteCode(SQLModel, table=True):
    """A single-use code that links a chat, in Telegram or MAX, to a guardian or a
    staff member: one code works in either messenger, once.

    Only a SHA-256 of the code is stored: a copy of the database does not hand out
    working codes.
    """

    __tablename__ = "invite_code"
    __table_args__ = (one_of("purpose", INVITE_PURPOSES), one_of("used_via", Messenger))

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
    used_by_chat: int | None = chat_id_field()  # the chat (MAX: the user) in `used_via`
    used_via: str | None = None  # Messenger
    revoked_at: datetime | None = instant_field(nullable=True)


class AuditEntry(SQLModel, table=True):
    """Who changed what and when, with the values before and after.

    A school's entries form a hash chain (`core.audit.chain`): `seq` numbers them
    1, 2, 3… with no gaps, `prev_hash` is the previous entry's `hash`, and `hash` covers
    `prev_hash` and this entry's content. The unit of work seals them at commit.
    `reason` is the written reason of a change that needs one (a correction to a
    closed year, a voided entry restored).
    """

    __tablename__ = "audit_entry"
    __table_args__ = (
        one_of("actor_kind", ACTOR_KINDS),
        one_of("action", AUDIT_ACTIONS),
        UniqueConstraint("school_id", "seq"),
    )

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
    reason: str | None = None
    seq: int | None = Field(default=None, nullable=False)
    prev_hash: str | None = Field(default=None, max_length=64, nullable=False)
    hash: str | None = Field(default=None, max_length=64, nullable=False)


class AuditChain(SQLModel, table=True):
    """The head of a school's audit chain: its last entry's number and hash.

    Sealing locks this row, so a school's entries are numbered by one writer at a time.
    """

    __tablename__ = "audit_chain"

    school_id: int = Field(foreign_key="school.id", primary_key=True)
    seq: int = 0
    hash: str = Field(max_length=64)


class OutboxEvent(SQLModel, table=True):
    """A fact a family may hear about, written in the same transaction as the change.

    The outbox, not Redis, is the source of truth for delivery: the relay marks
    `relayed_at` once the event is in the queue and re-relays what stays unrelayed.
    `kind` is not checked by the schema: it names an event class (`core.events`), and
    new kinds come with the code that records them.

    The relay and the sweeper read events not relayed, or not dispatched, oldest
    first: partial indexes hold just those, a few among all the events ever recorded.
    """

    __tablename__ = "outbox_event"
    __table_args__ = (
        partial_index("ix_outbox_event_unrelayed", "occurred_at", "id", where="relayed_at IS NULL"),
        partial_index(
            "ix_outbox_event_undispatched", "occurred_at", "id", where="dispatched_at IS NULL"
        ),
    )

    id: str = Field(primary_key=True, max_length=32)  # uuid4 hex
    school_id: int = Field(foreign_key="school.id", index=True)
    kind: str = Field(index=True)
    entity: str = Field(default="", index=True)  # "mark:17": see Event.entity
    payload: dict[str, Any] = json_field()
    occurred_at: datetime = instant_field()
    relayed_at: datetime | None = instant_field(nullable=True)
    # Set by the dispatcher once every recipient's notification rows exist; the
    # sweeper re-relays events relayed long ago but never dispatched (Redis lost them).
    dispatched_at: datetime | None = instant_field(nullable=True)
    attempts: int = 0


class Acknowledgement(SQLModel, table=True):
    """A guardian's «Ознакомлен»: the digital signature a paper diary carried.

    `subject` names what was read: "announcement:<id>" or
    "week:<student id>:<monday ISO date>" for a weekly summary. Pressing twice keeps
    the first press.
    """

    __tablename__ = "acknowledgement"
    __table_args__ = (
        UniqueConstraint("guardian_id", "subject"),
        one_of("via", ACKNOWLEDGED_VIA),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    guardian_id: int = Field(foreign_key="guardian.id", index=True)
    subject: str = Field(index=True)
    announcement_id: int | None = Field(default=None, foreign_key="announcement.id", index=True)
    student_id: int | None = Field(default=None, foreign_key="student.id")
    at: datetime = instant_field()
    via: str = "telegram"  # ACKNOWLEDGED_VIA


class ContactChange(SQLModel, table=True):
    """A new email or phone a guardian gave, waiting for the code sent to it.

    Nothing is sent to an address until its owner typed the code back; only the
    code's hash is kept.
    """

    __tablename__ = "contact_change"
    __table_args__ = (one_of("channel", CONTACT_CHANGE_CHANNELS),)

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
