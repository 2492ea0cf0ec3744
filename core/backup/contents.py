"""What a backup holds, computed the same way on SQLite and PostgreSQL: each table's
row count and content checksum, and the archived documents.

A table's checksum is the SHA-256 of its rows in primary-key order, each row as
canonical JSON (sorted keys, no spaces, UTF-8) on a line of its own. Rows are read
through the models' column types, so a boolean is `true` on both engines, an instant
is UTC ISO 8601, and a file's bytes are their own SHA-256: a backup taken on one
engine and restored checks against the same numbers.

An archived document is a row of a table holding a file: a binary `data` column next
to its `file_sha256` (`statement_export`, `control_report_export`, and every later
table written the same way, such as the year close's `archive_document`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
import re
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

import core.models  # noqa: F401  (registers every table)

BATCH = 1000
_UNSAFE = re.compile(r"[^\w.-]+")


@dataclass(frozen=True)
class TableSum:
    rows: int
    checksum: str

    def as_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "checksum": self.checksum}


@dataclass(frozen=True)
class Document:
    """An archived file: its row, where it lies in the backup, and its hash."""

    table: str
    row_id: int
    filename: str
    part: str  # documents/<table>/<id>-<filename>
    sha256: str  # of the bytes; the row's own `file_sha256` must say the same
    size: int

    def as_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "id": self.row_id,
            "filename": self.filename,
            "part": self.part,
            "sha256": self.sha256,
            "size": self.size,
        }


def tables() -> list[Table]:
    """Every table of the schema, parents first."""
    return list(SQLModel.metadata.sorted_tables)


def document_tables() -> list[Table]:
    """The tables whose rows hold archived files."""
    return [t for t in tables() if "data" in t.c and "file_sha256" in t.c]


def plain(value: Any) -> Any:
    """A column's value as JSON that reads the same whichever engine it came from."""
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    raise TypeError(f"no canonical form for {type(value).__name__}")


def canonical_row(row: dict[str, Any]) -> bytes:
    text = json.dumps(plain(row), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode()


def _order(connection: AsyncConnection, table: Table) -> list[ColumnElement[Any]]:
    # Text keys in byte order on both engines (PostgreSQL's default collation is not).
    postgres = connection.dialect.name == "postgresql"
    return [
        c.collate("C") if postgres and isinstance(c.type, String) else c
        for c in table.primary_key.columns
    ]


async def _rows(
    connection: AsyncConnection, table: Table, columns: Iterable[Any] | None = None
) -> AsyncIterator[dict[str, Any]]:
    query = select(*(columns or table.c)).order_by(*_order(connection, table))
    result = await connection.stream(query.execution_options(yield_per=BATCH))
    async for row in result.mappings():
        yield dict(row)


async def table_sum(connection: AsyncConnection, table: Table) -> TableSum:
    digest, count = hashlib.sha256(), 0
    async for row in _rows(connection, table):
        digest.update(canonical_row(row) + b"\n")
        count += 1
    return TableSum(count, digest.hexdigest())


async def table_sums(connection: AsyncConnection) -> dict[str, TableSum]:
    """Every table's row count and checksum, read in this connection's transaction."""
    return {table.name: await table_sum(connection, table) for table in tables()}


def document_part(table: str, row_id: int, filename: str) -> str:
    safe = _UNSAFE.sub("_", filename).strip("._") or "file"
    return f"documents/{table}/{row_id}-{safe}"


async def export_documents(connection: AsyncConnection, root: Path) -> list[Document]:
    """Write every archived file under `root` (documents/<table>/<id>-<name>)."""
    found: list[Document] = []
    for table in document_tables():
        names = table.c.filename if "filename" in table.c else table.c.id
        columns = [table.c.id, names.label("filename"), table.c.data]
        async for row in _rows(connection, table, columns):
            data, name = bytes(row["data"]), str(row["filename"])
            part = document_part(table.name, int(row["id"]), name)
            path = root / part
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            sha = hashlib.sha256(data).hexdigest()
            found.append(Document(table.name, int(row["id"]), name, part, sha, len(data)))
    return found


async def stored_hashes(connection: AsyncConnection) -> dict[tuple[str, int], tuple[str, str]]:
    """Each archived file's (the hash its row records, the hash of its bytes)."""
    hashes: dict[tuple[str, int], tuple[str, str]] = {}
    for table in document_tables():
        columns = [table.c.id, table.c.file_sha256, table.c.data]
        async for row in _rows(connection, table, columns):
            actual = hashlib.sha256(bytes(row["data"])).hexdigest()
            hashes[(table.name, int(row["id"]))] = (str(row["file_sha256"]), actual)
    return hashes
