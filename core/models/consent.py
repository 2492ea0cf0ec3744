"""Consent on file (152-FZ art. 9 as amended 1 September 2025: a separate document,
its text and time on record; seed 003 §4.8: parents get access after written consent).

A school's consent text is versioned (`ConsentText`): version 1 is the catalog text
(`core.consent_texts`), later versions are typed by the administrator, per language,
and stored as typed. Each decision of a guardian is a `ConsentRecord`: the version,
the language it was shown in and the SHA-256 of exactly that text, so what a parent
accepted can be shown years later. Records are part of the school's legal record:
erasing a guardian's personal data keeps them. `Guardian.consent_*` stays the current
state that delivery reads (`has_consent`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.i18n import LANGUAGES
from core.models.base import instant_field, json_field, one_of


class ConsentDecision(StrEnum):
    given = "given"
    declined = "declined"
    withdrawn = "withdrawn"


# Where the decision was made: a bot (Telegram, MAX), the web, a paper form entered
# by staff.
CONSENT_CHANNELS = ("telegram", "web", "paper", "max")


class ConsentText(SQLModel, table=True):
    """One version of a school's consent text, in each language it was published in."""

    __tablename__ = "consent_text"
    __table_args__ = (UniqueConstraint("school_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    version: int
    texts: dict[str, str] = json_field()  # language -> the text, as published
    requires_reconsent: bool = False
    published_at: datetime = instant_field()
    published_by: int | None = Field(default=None, foreign_key="staff.id")  # None: the system


class ConsentRecord(SQLModel, table=True):
    """One decision of a guardian on one version of the consent text."""

    __tablename__ = "consent_record"
    __table_args__ = (
        one_of("decision", ConsentDecision),
        one_of("channel", CONSENT_CHANNELS),
        one_of("language", LANGUAGES),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    guardian_id: int = Field(foreign_key="guardian.id", index=True)
    text_id: int = Field(foreign_key="consent_text.id", index=True)
    version: int
    decision: str  # ConsentDecision
    at: datetime = instant_field()
    channel: str  # CONSENT_CHANNELS
    language: str
    text_sha256: str = Field(max_length=64)
    actor_kind: str = "guardian"  # guardian | staff | system
    actor_id: int | None = None


ERASURE_KINDS = ("request", "retention")


class PersonalDataErasure(SQLModel, table=True):
    """What one erasure removed: a parent's request (one guardian) or a run of the
    retention schedule (the families who left), as counts per kind of data."""

    __tablename__ = "personal_data_erasure"
    __table_args__ = (one_of("kind", ERASURE_KINDS),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    at: datetime = instant_field()
    kind: str  # request | retention
    actor_id: int | None = None  # the staff member of a request; None: the schedule
    guardians: int = 0
    removed: dict[str, int] = json_field()
