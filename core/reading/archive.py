"""The school's archive: what is kept, until when, and whether each document is intact.

Who reads it: the administrator and the deputy director (`archive_keeper`); the
operator's `zvonok archive` commands read every school's. `verify_archive` re-hashes
each document's bytes against the `file_sha256` recorded when it was made and
validates its PAdES signature (core.reports.signing), naming the ones that fail.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from asn1crypto import x509  # type: ignore[import-untyped]
from sqlalchemy import tuple_
from sqlalchemy.orm import defer
from sqlmodel import col, select

from core.actors import StaffActor
from core.audit.chain import GENESIS, ChainHead
from core.models import AcademicYear, ArchiveDocument, AuditEntry, Period, SchoolClass
from core.permissions import archive_keeper
from core.reports.archive import ArchivedFile, staff_names
from core.reports.signing import SignatureCheck, check_signature
from core.rows import get_in_school
from core.uow import UnitOfWork

VERIFY_BATCH = 20  # documents read at a time: their bytes stay out of memory together


@dataclass(frozen=True)
class ArchiveEntry(ArchivedFile):
    """An archived document without its bytes."""

    school_id: int
    kind: str  # journal_book | statement
    class_name: str
    year: str
    period: str | None  # None: the whole year
    signed: bool
    keep_until: dt.date
    chain: ChainHead

    @property
    def fingerprint(self) -> str:
        return self.chain.fingerprint


@dataclass(frozen=True)
class ArchivePeriod:
    """A period whose printouts can be made."""

    period_id: int
    name: str  # «2 четверть»
    year: str  # «2026/2027»


@dataclass(frozen=True)
class SchoolArchive:
    documents: list[ArchiveEntry]
    periods: list[ArchivePeriod]  # newest year first, by date


async def list_archive(uow: UnitOfWork, *, actor: StaffActor) -> SchoolArchive:
    """The school's archived documents, newest first, and the periods whose printouts
    can be made (administrator, deputy director)."""
    async with uow:
        staff = await archive_keeper(uow, actor)
        documents = await archive_entries(uow, school_id=staff.school_id)
        query = (
            select(Period, AcademicYear)
            .join(AcademicYear, col(AcademicYear.id) == Period.year_id)
            .where(Period.school_id == staff.school_id)
        )
        found = (await uow.session.exec(query)).all()
        ordered = sorted(
            found, key=lambda r: (-r[1].starts_on.toordinal(), r[0].kind == "year", r[0].starts_on)
        )
        periods = [ArchivePeriod(p.id or 0, p.name, y.name) for p, y in ordered]
        return SchoolArchive(documents, periods)


async def fetch_document(
    uow: UnitOfWork, *, actor: StaffActor, document_id: int
) -> tuple[ArchiveEntry, bytes]:
    """An archived document and its bytes, for the school's administrator and deputy."""
    async with uow:
        staff = await archive_keeper(uow, actor)
        row = await get_in_school(uow, ArchiveDocument, document_id, staff.school_id, "export")
        [entry] = await _entries(uow, [row])
        return entry, bytes(row.data)


async def archive_entries(uow: UnitOfWork, *, school_id: int | None = None) -> list[ArchiveEntry]:
    """Every school's documents (or one school's) inside an open unit of work, without
    their bytes, newest first."""
    query = select(ArchiveDocument).order_by(
        col(ArchiveDocument.generated_at).desc(), col(ArchiveDocument.id).desc()
    )
    if school_id is not None:
        query = query.where(ArchiveDocument.school_id == school_id)
    query = query.options(defer(ArchiveDocument.data))  # type: ignore[arg-type]
    return await _entries(uow, list((await uow.session.exec(query)).all()))


async def _entries(uow: UnitOfWork, rows: Sequence[ArchiveDocument]) -> list[ArchiveEntry]:
    """Rows with the names of their classes, years, periods and makers (four queries)."""
    classes = await _by_id(uow, SchoolClass, {r.class_id for r in rows})
    years = await _by_id(uow, AcademicYear, {r.year_id for r in rows})
    periods = await _by_id(uow, Period, {r.period_id for r in rows if r.period_id is not None})
    names = await staff_names(uow, {r.generated_by for r in rows if r.generated_by is not None})
    return [
        ArchiveEntry(
            export_id=r.id or 0,
            format="pdf",
            filename=r.filename,
            generated_at=r.generated_at,
            generated_by=names.get(r.generated_by or 0, ""),
            content_sha256=r.content_sha256,
            file_sha256=r.file_sha256,
            size=r.size,
            school_id=r.school_id,
            kind=r.kind,
            class_name=classes[r.class_id].name,
            year=years[r.year_id].name,
            period=periods[r.period_id].name if r.period_id is not None else None,
            signed=r.signed,
            keep_until=r.keep_until,
            chain=ChainHead(r.school_id, r.chain_seq, r.chain_hash),
        )
        for r in rows
    ]


T = TypeVar("T", SchoolClass, AcademicYear, Period)


async def _by_id(uow: UnitOfWork, model: type[T], ids: set[int]) -> dict[int, T]:
    if not ids:
        return {}
    found = await uow.session.exec(select(model).where(col(model.id).in_(ids)))
    return {row.id or 0: row for row in found}


@dataclass(frozen=True)
class DocumentCheck:
    """What `verify_archive` found for one document."""

    entry: ArchiveEntry
    hash_ok: bool  # the bytes' SHA-256 is the one recorded when it was made
    signature: SignatureCheck | None  # None: no signature in the file
    chain_ok: bool = True  # the audit chain still has the head recorded with it

    @property
    def ok(self) -> bool:
        signature_ok = self.signature.ok if self.signature else not self.entry.signed
        return self.hash_ok and signature_ok and self.chain_ok


async def verify_archive(
    uow: UnitOfWork, *, school_id: int | None = None, trust_roots: tuple[x509.Certificate, ...] = ()
) -> list[DocumentCheck]:
    """Re-hash every archived document and validate its signature (against
    `trust_roots`, the school certificate's CA, when given), a batch at a time."""
    async with uow:
        entries = await archive_entries(uow, school_id=school_id)
        checks = []
        for start in range(0, len(entries), VERIFY_BATCH):
            batch = {e.export_id: e for e in entries[start : start + VERIFY_BATCH]}
            query = select(ArchiveDocument.id, ArchiveDocument.data).where(
                col(ArchiveDocument.id).in_(list(batch))
            )
            chain = await _chain_hashes(uow, list(batch.values()))
            for document_id, data in (await uow.session.exec(query)).all():
                entry, blob = batch[document_id or 0], bytes(data)
                signature = await asyncio.to_thread(check_signature, blob, trust_roots)
                ok = hashlib.sha256(blob).hexdigest() == entry.file_sha256
                head = chain.get((entry.school_id, entry.chain.seq), GENESIS)
                checks.append(DocumentCheck(entry, ok, signature, head == entry.chain.hash))
        return sorted(checks, key=lambda c: c.entry.export_id)


async def _chain_hashes(
    uow: UnitOfWork, entries: Sequence[ArchiveEntry]
) -> dict[tuple[int, int], str]:
    """The audit entries' hashes at the heads the documents recorded: a chain rewritten
    since has other hashes there (seq 0, no entry yet, is the genesis hash)."""
    wanted = {(e.school_id, e.chain.seq) for e in entries if e.chain.seq > 0}
    if not wanted:
        return {}
    query = select(AuditEntry.school_id, AuditEntry.seq, AuditEntry.hash).where(
        tuple_(col(AuditEntry.school_id), col(AuditEntry.seq)).in_(list(wanted))
    )
    rows = (await uow.session.exec(query)).all()
    return {(school, seq or 0): stored or "" for school, seq, stored in rows}
