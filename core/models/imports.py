"""Roster files uploaded for import, kept only until they are imported, cancelled or expire."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, LargeBinary
from sqlmodel import Field, SQLModel

from core.models.base import instant_field, one_of


class ImportStatus(StrEnum):
    uploaded = "uploaded"  # stored, not checked yet
    checked = "checked"  # the preview (`report`) is ready
    imported = "imported"
    cancelled = "cancelled"
    expired = "expired"


class RosterImport(SQLModel, table=True):
    """A roster file (CSV or XLSX) between its upload and its import.

    The file holds children's personal data: `content` and the preview `report` (it
    names rows and people) are removed when the import is written, cancelled or has
    expired (`expires_at`); what stays is who imported which file when, and how many
    rows of each kind were created (`result`, no names).
    """

    __tablename__ = "roster_import"
    __table_args__ = (one_of("status", ImportStatus),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    uploaded_by: int = Field(foreign_key="staff.id")
    filename: str
    size: int
    enrol_on: date  # the enrolment date of every student in the file
    status: str = ImportStatus.uploaded.value
    content: bytes | None = Field(default=None, sa_type=LargeBinary, nullable=True)
    report: dict[str, Any] | None = Field(default=None, sa_type=JSON, nullable=True)
    result: dict[str, Any] | None = Field(default=None, sa_type=JSON, nullable=True)
    created_at: datetime = instant_field()
    expires_at: datetime = instant_field(index=True)
    finished_at: datetime | None = instant_field(nullable=True)
    finished_by: int | None = Field(default=None, foreign_key="staff.id")
