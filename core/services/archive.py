"""Making the archive's documents: per class, the journal book and the summary statement
of a year (on closing it) or of a period (on request: seed 001's quarterly printouts).

Seed 002 §3.4: the journal is printed once a year, bound, signed by the director and
kept 5 years; the statements 25 years (the school's policy sets both). Seed 000 §2.5:
archived data stays verifiable: each document is kept byte for byte with the SHA-256
of its content (printed on it) and of its file, the school's audit chain head when it
was made (its fingerprint printed on it), and, with a school certificate, a PAdES
signature. The archive is made by the administrator or the deputy director.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, select

from core.actors import StaffActor
from core.audit.chain import GENESIS, ChainHead, read_heads
from core.db import Database
from core.i18n import texts
from core.models import AcademicYear, ArchiveDocument, Period, School, SchoolClass, Staff
from core.permissions import archive_keeper
from core.policy import policy_of
from core.reading.journal_book import journal_book_of
from core.reading.journal_book_content import JournalBook
from core.reading.statement import Statement, statement_of
from core.reports import journal_book, statement
from core.reports.archive import file_fields, keep
from core.reports.filenames import slug
from core.reports.signing import ArchiveSigner
from core.rows import get_in_school
from core.uow import UnitOfWork, transactional


async def archive_year_in(
    uow: UnitOfWork, *, actor: StaffActor, year_id: int, signer: ArchiveSigner | None = None
) -> list[ArchiveDocument]:
    """Make and keep every class's journal book and statement for the academic year.

    Runs inside the caller's unit of work (closing the year calls it there) and does
    not commit; `archive_year` is the form that opens and commits one.
    """
    staff = await archive_keeper(uow, actor)
    year = await get_in_school(uow, AcademicYear, year_id, staff.school_id, "year")
    return await _archive(uow, staff, year, None, signer)


async def archive_period_in(
    uow: UnitOfWork, *, actor: StaffActor, period_id: int, signer: ArchiveSigner | None = None
) -> list[ArchiveDocument]:
    """Make and keep every class's journal book and statement for one period."""
    staff = await archive_keeper(uow, actor)
    period = await get_in_school(uow, Period, period_id, staff.school_id, "period")
    year = await uow.session.get(AcademicYear, period.year_id)
    assert year is not None
    return await _archive(uow, staff, year, period, signer)


archive_year = transactional(archive_year_in)
archive_period = transactional(archive_period_in)


def keep_until(year_end: dt.date, years: int) -> dt.date:
    """`years` after the year's end (29 February: the 28th)."""
    try:
        return year_end.replace(year=year_end.year + years)
    except ValueError:
        return year_end.replace(year=year_end.year + years, day=28)


@dataclass(frozen=True)
class _Made:
    kind: str
    filename: str
    content_sha256: str
    data: bytes


async def archive_next_class(
    db: Database, *, school_id: int, signer: ArchiveSigner | None = None
) -> list[ArchiveDocument]:
    """The archive a closed year is owed, one class at a time: the journal book and the
    statement of the first class of a closed year that has none yet, made on behalf
    of whoever closed the year. Empty when every closed year is archived.

    The worker calls it until it returns nothing (`workers/archive.py`): closing a
    year of 30 classes renders 60 PDFs, minutes of work that no web request should
    wait for and no transaction should hold the database for. The class's rows are
    read and its PDFs rendered outside any write transaction (on SQLite a journal
    book's rendering would otherwise keep every save of the web app waiting); the
    write lock is taken only to store them, if the class still has none by then
    (another worker may have archived it meanwhile)."""
    async with UnitOfWork.reading(db) as reading:
        found = await _next_unarchived(reading, school_id)
        if found is None:
            return []
        class_id = found[1].id
        school = await reading.session.get(School, school_id)
        assert school is not None
        place = school.name
        heads = await read_heads(reading.session)
        head = heads.get(school_id, ChainHead(school_id, 0, GENESIS))
        book, sheet = await _contents(reading, found[1], None)
    made = await asyncio.to_thread(_render, book, sheet, None, head, signer, place)
    async with UnitOfWork(db) as uow:
        again = await _next_unarchived(uow, school_id)
        if again is None or again[1].id != class_id:
            return []  # archived meanwhile by another worker
        year, klass = again
        school = await uow.session.get(School, school_id)
        assert school is not None
        closer = await uow.session.get(Staff, year.closed_by) if year.closed_by else None
        kept = await _keep_made(uow, closer, year, None, klass, school, head, signer, made)
        await uow.commit()
        return kept


async def _next_unarchived(
    uow: UnitOfWork, school_id: int
) -> tuple[AcademicYear, SchoolClass] | None:
    """The first class of a closed year of the school that has no journal book yet."""
    query = (
        select(AcademicYear, SchoolClass)
        .join(SchoolClass, col(SchoolClass.year_id) == AcademicYear.id)
        .where(AcademicYear.school_id == school_id, col(AcademicYear.closed_at).is_not(None))
        .where(
            ~select(ArchiveDocument.id)
            .where(
                ArchiveDocument.class_id == SchoolClass.id,
                col(ArchiveDocument.period_id).is_(None),
                ArchiveDocument.kind == "journal_book",
            )
            .exists()
        )
        .order_by(col(AcademicYear.starts_on), col(SchoolClass.grade), col(SchoolClass.letter))
        .limit(1)
    )
    found = (await uow.session.exec(query)).first()
    return None if found is None else (found[0], found[1])


async def _archive(
    uow: UnitOfWork,
    staff: Staff | None,
    year: AcademicYear,
    period: Period | None,
    signer: ArchiveSigner | None,
    *,
    classes: list[SchoolClass] | None = None,
    school_id: int | None = None,
) -> list[ArchiveDocument]:
    school = await uow.session.get(School, staff.school_id if staff else school_id)
    assert school is not None
    heads = await read_heads(uow.session)
    head = heads.get(school.id or 0, ChainHead(school.id or 0, 0, GENESIS))
    if classes is None:
        query = select(SchoolClass).where(SchoolClass.year_id == year.id)
        classes = sorted((await uow.session.exec(query)).all(), key=lambda k: (k.grade, k.letter))
    kept = []
    for klass in classes:
        made = await _documents(uow, klass, period, head, signer, school.name)
        kept += await _keep_made(uow, staff, year, period, klass, school, head, signer, made)
    return kept


async def _keep_made(
    uow: UnitOfWork,
    staff: Staff | None,
    year: AcademicYear,
    period: Period | None,
    klass: SchoolClass,
    school: School,
    head: ChainHead,
    signer: ArchiveSigner | None,
    made_documents: list[_Made],
) -> list[ArchiveDocument]:
    policy = policy_of(school)
    retention = {
        "journal_book": keep_until(year.ends_on, policy.journal_retention_years),
        "statement": keep_until(year.ends_on, policy.statement_retention_years),
    }
    kept = []
    for made in made_documents:
        row = ArchiveDocument(
            school_id=school.id or 0,
            kind=made.kind,
            class_id=klass.id or 0,
            year_id=year.id or 0,
            period_id=period.id if period else None,
            filename=made.filename,
            generated_at=uow.now(),
            generated_by=staff.id if staff else None,
            content_sha256=made.content_sha256,
            signed=signer is not None,
            chain_seq=head.seq,
            chain_hash=head.hash,
            keep_until=retention[made.kind],
            **file_fields(made.data),
        )
        await keep(uow, row, staff)
        kept.append(row)
    return kept


async def _documents(
    uow: UnitOfWork,
    klass: SchoolClass,
    period: Period | None,
    head: ChainHead,
    signer: ArchiveSigner | None,
    place: str,
) -> list[_Made]:
    """The class's journal book and statement, rendered (and signed) in a worker thread."""
    book, sheet = await _contents(uow, klass, period)
    return await asyncio.to_thread(_render, book, sheet, period, head, signer, place)


async def _contents(
    uow: UnitOfWork, klass: SchoolClass, period: Period | None
) -> tuple[JournalBook, Statement]:
    period_id = period.id if period else None
    book = await journal_book_of(uow, klass, period_id=period_id)
    sheet = await statement_of(uow, klass, period_id=period_id)
    return book, sheet


def _render(
    book: JournalBook,
    sheet: Statement,
    period: Period | None,
    head: ChainHead,
    signer: ArchiveSigner | None,
    place: str,
) -> list[_Made]:
    t = texts("core", "ru")
    book_pdf = journal_book.journal_book_pdf(book, fingerprint=head.fingerprint)
    sheet_pdf = statement.statement_pdf(sheet, fingerprint=head.fingerprint)
    if signer is not None:
        book_pdf = signer.sign(
            book_pdf, reason=t._("Archive copy of the class journal"), location=place
        )
        sheet_pdf = signer.sign(
            sheet_pdf, reason=t._("Archive copy of the summary statement"), location=place
        )
    suffix = f"-{slug(period.name)}" if period else ""
    return [
        _Made("journal_book", journal_book.filename(book), book.content_sha256, book_pdf),
        _Made(
            "statement",
            statement.filename(sheet, "pdf").replace(".pdf", f"{suffix}.pdf"),
            sheet.content_sha256,
            sheet_pdf,
        ),
    ]
