"""Exported documents kept for the archive: the summary statements, the control reports
and the archive documents of a year or a period (journal books and statements)."""

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


ARCHIVE_KINDS = ("journal_book", "statement")


class ArchiveDocument(SQLModel, table=True):
    """A document of the school's archive: a class's journal book or summary statement for
    a year (`period_id` None) or a period, as a PDF kept byte for byte.

    Seed 002 §3.4: journals are printed once a year, bound, signed and kept 5 years,
    statements 25 years (`keep_until`); seed 000 §2.5 and seed 002 §2.8: archived data
    stays verifiable for its whole life. `content_sha256` hashes the document's data in
    canonical JSON (printed on every page), `file_sha256` the exact bytes kept here
    (after signing, when `signed`), and `chain_seq`/`chain_hash` the school's audit chain
    head when the document was made, printed as its fingerprint: rewriting the chain in
    the database later no longer matches the paper.
    """

    __tablename__ = "archive_document"
    __table_args__ = (one_of("kind", ARCHIVE_KINDS), one_of("language", LANGUAGES))

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    kind: str  # journal_book | statement
    class_id: int = Field(foreign_key="school_class.id", index=True)
    year_id: int = Field(foreign_key="academic_year.id", index=True)
    period_id: int | None = Field(default=None, foreign_key="period.id")
    language: str = "ru"
    filename: str
    generated_at: datetime = instant_field()
    generated_by: int | None = Field(default=None, foreign_key="staff.id")  # None: the system
    content_sha256: str
    file_sha256: str
    size: int
    data: bytes = Field(sa_type=LargeBinary, nullable=False)
    signed: bool = False
    chain_seq: int
    chain_hash: str
    keep_until: date
