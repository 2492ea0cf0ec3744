"""Does a restored database say what its backup's manifest says?

Every table's row count and checksum, the audit chain's heads, and every archived
document's bytes against the hash its row records and the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from core.backup.contents import stored_hashes, table_sum, tables
from core.backup.manifest import Manifest
from core.backup.snapshot import audit_heads, revision_of


@dataclass(frozen=True)
class Mismatch:
    kind: str  # table | audit_head | document | revision
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


async def _chain(connection: AsyncConnection, manifest: Manifest) -> list[Mismatch]:
    # The restored heads are those anchored in the manifest. The whole chain's walk
    # (core.audit.verify, being written) is one more call here once it lands.
    restored = {head.school_id: head for head in await audit_heads(connection)}
    found: list[Mismatch] = []
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
