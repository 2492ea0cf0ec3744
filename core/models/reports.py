"""Exported documents kept for the archive: the summary statements and the control reports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import LargeBinary
from sqlmodel import Field, SQLModel

from core.i18n import LANGUAGES
from core.models.base import instant_field, one_of

EXPORT_FORMATS = ("pdf", "xlsx")


class StatementExport(SQLModel, table=True):
    """A summary statement exported as PDF or XLSX, kept byte for byte.

    Seed 002 §2.7 and §3.3: statements are printed, certified and archived, and kept
    for 25 years; archived data must be verifiable. `content_sha256` is the hash of the
    statement's data in canonical JSON (printed inside the file), `file_sha256` the
    hash of the exact bytes kept here (a file cannot carry its own hash).
    """

    __tablename__ = "statement_export"
    __table_args__ = (one_of("format", EXPORT_FORMATS), one_of("language", LANGUAGES))

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    class_id: int = Field(foreign_key="school_class.id", index=True)
    format: str  # pdf | xlsx
    language: str = "ru"
    filename: str
    generated_at: datetime = instant_field()
    generated_by: int = Field(foreign_key="staff.id")
    content_sha256: str
    file_sha256: str
    size: int
    data: bytes = Field(sa_type=LargeBinary, nullable=False)


class ControlReportExport(SQLModel, table=True):
    """The deputy director's control report («справка по итогам проверки ЭЖ») for a span
    of days, as PDF or XLSX, kept byte for byte like the statements: `content_sha256`
    hashes the report's data in canonical JSON (printed inside the file), `file_sha256`
    the exact bytes kept here."""

    __tablename__ = "control_report_export"
    __table_args__ = (one_of("format", EXPORT_FORMATS), one_of("language", LANGUAGES))

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    period_id: int | None = Field(default=None, foreign_key="period.id")
    starts_on: date
    ends_on: date
    format: str  # pdf | xlsx
    language: str = "ru"
    filename: str
    generated_at: datetime = instant_field()
    generated_by: int = Field(foreign_key="staff.id")
    content_sha256: str
    file_sha256: str
    size: int
    data: bytes = Field(sa_type=LargeBinary, nullable=False)
