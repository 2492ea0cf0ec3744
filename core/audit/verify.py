"""Checking a school's audit chain, its anchors outside the database, and that the
journal's rows still hold what their last audit entry says.

`verify_school` walks the chain in order, a batch at a time, and reports every
break it finds; `Report.first` is the earliest, the one to investigate. A break is
one of `Problem`'s codes: an entry whose content no longer matches its hash
(`changed`), numbers that skip (`removed`), an entry that does not link to the one
before it (`relinked`: one inserted or removed before it), a head in `audit_chain`
that is not the last entry (`head`), a head kept outside (a backup manifest, an
archived document) that the chain no longer contains (`anchor`), and journal rows
that disagree with their history (`core.audit.agreement`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select as select_rows
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.audit.agreement import disagreements
from core.audit.chain import GENESIS, ChainHead, link, read_heads
from core.audit.findings import CHAIN_PROBLEMS, Finding, Problem
from core.models import AuditEntry, School

BATCH = 5000


@dataclass(frozen=True)
class Anchor:
    """A chain head recorded outside the database, and where it was found."""

    source: str
    head: ChainHead


@dataclass
class Report:
    school_id: int
    entries: int = 0
    head: ChainHead | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        """The earliest break of the chain, else the earliest row that disagrees: a
        broken chain explains the rows, not the other way round."""
        chain = [f for f in self.findings if f.problem in CHAIN_PROBLEMS]
        rows = [f for f in self.findings if f.problem not in CHAIN_PROBLEMS]
        for found in (chain, rows):
            if found:
                return min(found, key=lambda f: f.seq if f.seq is not None else 0)
        return None


async def verify_all(
    session: AsyncSession, *, anchors: Sequence[Anchor] = (), school_id: int | None = None
) -> list[Report]:
    """Verify every school's chain (or one school's), with the anchors given."""
    query = select(School.id).order_by(col(School.id))
    if school_id is not None:
        query = query.where(School.id == school_id)
    schools = [int(s) for s in (await session.exec(query)).all() if s is not None]
    return [await verify_school(session, s, anchors=anchors) for s in schools]


async def verify_school(
    session: AsyncSession, school_id: int, *, anchors: Sequence[Anchor] = ()
) -> Report:
    report = Report(school_id)
    mine = [anchor for anchor in anchors if anchor.head.school_id == school_id]
    hashes = await _walk(session, school_id, report, {anchor.head.seq for anchor in mine})
    recorded = (await read_heads(session)).get(school_id)
    last = report.head or ChainHead(school_id, 0, GENESIS)
    if recorded is not None and recorded != last:
        report.findings.append(Finding(Problem.head, seq=last.seq + 1, detail=str(recorded.seq)))
    for anchor in mine:
        if hashes.get(anchor.head.seq) != anchor.head.hash:
            report.findings.append(
                Finding(Problem.anchor, seq=anchor.head.seq, detail=anchor.source)
            )
    report.findings.extend(await disagreements(session, school_id))
    return report


async def _walk(
    session: AsyncSession, school_id: int, report: Report, wanted: set[int]
) -> dict[int, str]:
    """Walk the chain in order; returns the stored hashes at the `wanted` numbers (the
    anchors': a rewritten chain has other hashes there)."""
    hashes: dict[int, str] = {}
    expected_seq, previous = 1, GENESIS
    entries = AuditEntry.__table__  # type: ignore[attr-defined]
    while True:
        # Plain rows, not ORM objects: a district's chain has millions of entries.
        query = (
            select_rows(entries)
            .where(entries.c.school_id == school_id, entries.c.seq >= expected_seq)
            .order_by(entries.c.seq)
            .limit(BATCH)
        )
        batch = (await (await session.connection()).execute(query)).all()
        if not batch:
            return hashes
        for entry in batch:
            seq, stored = entry.seq, entry.hash
            if seq != expected_seq:
                report.findings.append(
                    Finding(Problem.removed, seq=seq, entry_id=entry.id, detail=f"{expected_seq}")
                )
            elif entry.prev_hash != previous:
                report.findings.append(Finding(Problem.relinked, seq=seq, entry_id=entry.id))
            if stored != link(entry.prev_hash, entry):
                report.findings.append(Finding(Problem.changed, seq=seq, entry_id=entry.id))
            if seq in wanted:
                hashes[seq] = stored
            expected_seq, previous = seq + 1, stored
            report.entries += 1
            report.head = ChainHead(school_id, seq, stored)
