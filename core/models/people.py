"""Staff, students, guardians and how they are linked."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.i18n import LANGUAGES
from core.models.base import chat_id_field, instant_field, json_field, json_list_of, one_of


class Messenger(StrEnum):
    """The messengers a chat is linked in (issue 12): Telegram and MAX, the national
    messenger public schools may lawfully use (149-FZ art. 10 part 8)."""

    telegram = "telegram"
    max = "max"


class Role(StrEnum):
    """Staff roles. A class teacher is a teacher named on a class, not a role."""

    teacher = "teacher"
    deputy = "deputy"  # зам. директора по УВР
    admin = "admin"
    secretary = "secretary"


class Staff(SQLModel, table=True):
    __table_args__ = (json_list_of("roles", Role),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    login: str = Field(unique=True)
    last_name: str
    first_name: str
    middle_name: str = ""
    roles: list[str] = json_field(default_factory=list)
    password_hash: str | None = None
    telegram_chat_id: int | None = chat_id_field(index=True)
    max_user_id: int | None = chat_id_field(index=True)  # the linked MAX user
    # The school's own bot each chat was linked through (core.bot_registry); None: the
    # deployment's bot.
    telegram_bot: str | None = None
    max_bot: str | None = None
    # Where reminders go when the staff member has no linked chat.
    email: str | None = None
    # Regulations: a reported breach voids the account's operations since the report.
    locked_at: datetime | None = instant_field(nullable=True)
    created_at: datetime = instant_field()

    @property
    def short_name(self) -> str:
        """«Иванова М.П.», the form used in «Замена. Фамилия И.О.»."""
        initials = "".join(f"{part[0]}." for part in (self.first_name, self.middle_name) if part)
        return f"{self.last_name} {initials}".strip()


class Student(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    last_name: str
    first_name: str
    middle_name: str = ""
    birth_date: date | None = None
    left_on: date | None = None  # the day the student left the school
    created_at: datetime = instant_field()

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


ENROLLMENT_REASONS = ("enrolled", "transferred")
# How consent was given: by the parent in a bot (Telegram, MAX) or on the web, or on
# paper (staff).
CONSENT_SOURCES = ("telegram", "paper", "web", "max")


class Enrollment(SQLModel, table=True):
    """A student's membership of a class over a span of dates (history is kept)."""

    # `end_reason` is "transferred" or the reason a leaving was given, as typed.
    __table_args__ = (one_of("reason", ENROLLMENT_REASONS),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    student_id: int = Field(foreign_key="student.id", index=True)
    class_id: int = Field(foreign_key="school_class.id", index=True)
    since: date
    until: date | None = None  # last day in the class, inclusive
    reason: str = "enrolled"  # enrolled | transferred
    end_reason: str | None = None  # transferred | left


class Guardian(SQLModel, table=True):
    """A parent or other legal representative (законный представитель)."""

    __table_args__ = (one_of("language", LANGUAGES), one_of("consent_source", CONSENT_SOURCES))

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    last_name: str
    first_name: str
    middle_name: str = ""
    phone: str | None = None  # E.164, «+79161234567»
    email: str | None = None
    language: str = "ru"
    telegram_chat_id: int | None = chat_id_field(index=True)
    # The MAX user who linked their chat: MAX's bots write to a user by `user_id`.
    max_user_id: int | None = chat_id_field(index=True)
    # The school's own bot each chat was linked through (core.bot_registry); None: the
    # deployment's bot.
    telegram_bot: str | None = None
    max_bot: str | None = None
    consent_given_at: datetime | None = instant_field(nullable=True)
    consent_withdrawn_at: datetime | None = instant_field(nullable=True)
    consent_source: str | None = None  # CONSENT_SOURCES
    wants_paper_summary: bool = False
    created_at: datetime = instant_field()

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def has_consent(self) -> bool:
        return self.consent_given_at is not None and self.consent_withdrawn_at is None


class StudentGuardian(SQLModel, table=True):
    __tablename__ = "student_guardian"
    __table_args__ = (UniqueConstraint("student_id", "guardian_id"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    student_id: int = Field(foreign_key="student.id", index=True)
    guardian_id: int = Field(foreign_key="guardian.id", index=True)
    relation: str = ""  # мать, отец, опекун...
