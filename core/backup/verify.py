"""Does a restored database say what its backup's manifest says?

Every table's row count and checksum, the audit chain's heads, and every archived
document's bytes against the hash its row records and the manifest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from core.audit.findings import CHAIN_PROBLEMS
from core.audit.verify import Anchor, verify_all
from core.backup.contents import stored_hashes, table_sum, tables
from core.backup.manifest import Manifest
from core.backup.snapshot import audit_heads, revision_of


@dataclass(frozen=True)
class Mismatch:
    kind: str  # table | audit_head | audit_chain | document | revision
    name: str  # the table, the school id, table/id of a document
    expected: str
    found: str


async def _tables(connection: AsyncConnection, manifest: Manifest) -> list[Mismatch]:
    known = {table.name: table for table in tables()}
    found: list[Mismatch] = []
    for name, expected in sorted(manifest.tables.items()):
        if name not in known:
            found.append(Mismatch("table", name, f"{expected.rows} rows", "unknown table"))
            continue
        actual = await table_sum(connection, known[name])
        if actual != expected:
            found.append(
                Mismatch(
                    "table",
                    name,
                    f"{expected.rows} rows, {expected.checksum[:16]}",
                    f"{actual.rows} rows, {actual.checksum[:16]}",
                )
            )
    return found


async def _walk(connection: AsyncConnection, manifest: Manifest) -> list[Mismatch]:
    """Each school's chain walked (core.audit.verify) with the manifest's heads as its
    anchors. Only the chain's own problems count here: whether journal rows agree with
    their history is what `zvonok audit verify` says of the data, restored or not, and
    the rows themselves are proved equal to the backup's by the checksums."""
    when = manifest.created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")
    anchors = [Anchor(f"backup manifest {when}", head) for head in manifest.audit_heads]
    async with AsyncSession(bind=connection) as session:
        reports = await verify_all(session, anchors=anchors)
    return [
        Mismatch("audit_chain", str(report.school_id), "verified", f"{f.problem} #{f.seq}")
        for report in reports
        for f in report.findings
        if f.problem in CHAIN_PROBLEMS
    ]


async def _chain(connection: AsyncConnection, manifest: Manifest) -> list[Mismatch]:
    """The heads recorded in the restored database are those the manifest anchored,
    and every chain walks clean up to them."""
    restored = {head.school_id: head for head in await audit_heads(connection)}
    found: list[Mismatch] = await _walk(connection, manifest)
    for head in manifest.audit_heads:
        mine = restored.get(head.school_id)
        if mine != head:
            shown = mine.fingerprint if mine else "none"
            found.append(Mismatch("audit_head", str(head.school_id), head.fingerprint, shown))
    return found


async def _documents(connection: AsyncConnection, manifest: Manifest) -> list[Mismatch]:
    stored = await stored_hashes(connection)
    found: list[Mismatch] = []
    for document in manifest.documents:
        name = f"{document.table}/{document.row_id}"
        recorded, actual = stored.get((document.table, document.row_id), ("none", "none"))
        if not (recorded == actual == document.sha256):
            found.append(Mismatch("document", name, document.sha256[:16], actual[:16]))
    return found


async def verify_restored(connection: AsyncConnection, manifest: Manifest) -> list[Mismatch]:
    """Everything in the restored database that differs from the manifest (none: good)."""
    found: list[Mismatch] = []
    revision = await revision_of(connection)
    if revision != manifest.revision:
        found.append(Mismatch("revision", "alembic", str(manifest.revision), str(revision)))
    found += await _tables(connection, manifest)
    found += await _chain(connection, manifest)
    found += await _documents(connection, manifest)
    return found
