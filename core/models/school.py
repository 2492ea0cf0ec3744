"""The school, its academic year, periods and holidays."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Field, SQLModel

from core.models.base import instant_field, json_field, one_of

PERIOD_KINDS = ("quarter", "half", "year")


class School(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    timezone: str = "Europe/Moscow"
    # [{"slot": 1, "start": "08:30", "end": "09:15"}, ...]: the bell schedule.
    bells: list[dict[str, Any]] = json_field(default_factory=list)
    # Serialized `core.policy.SchoolPolicy`; read through `core.policy.policy_of`.
    policy: dict[str, Any] = json_field(default_factory=dict)
    created_at: datetime = instant_field()


class AcademicYear(SQLModel, table=True):
    __tablename__ = "academic_year"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    name: str  # "2026/2027"
    starts_on: date
    ends_on: date
    # Closed by the administrator (`core.services.year_close`): its journal is read-only.
    closed_at: datetime | None = instant_field(nullable=True)
    closed_by: int | None = Field(default=None, foreign_key="staff.id")


class Period(SQLModel, table=True):
    """A marking period: a quarter, a half-year, or the whole year."""

    __table_args__ = (one_of("kind", PERIOD_KINDS),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    year_id: int = Field(foreign_key="academic_year.id", index=True)
    name: str  # "1 четверть"
    kind: str = "quarter"  # quarter | half | year
    starts_on: date
    ends_on: date
    # Closed by the administrator (`core.services.year_close`): its journal is read-only.
    closed_at: datetime | None = instant_field(nullable=True)
    closed_by: int | None = Field(default=None, foreign_key="staff.id")


class Holiday(SQLModel, table=True):
    """School holidays (каникулы) and public days off; both ends inclusive."""

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    year_id: int = Field(foreign_key="academic_year.id", index=True)
    name: str
    starts_on: date
    ends_on: date
