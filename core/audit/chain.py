"""The audit log's hash chain: each school's entries, numbered 1, 2, 3…, each carrying
the hash of the one before it and the hash of its own canonical content.

Change an entry and its hash no longer matches its content; remove one and the
numbers skip; insert one and the next entry's `prev_hash` no longer names its
predecessor; rewrite the whole chain and the heads kept outside the database (the
backup manifests, the archived documents, the printed fingerprints) no longer match.

THE FORMULA IS FROZEN: every stored hash depends on `canonical` and `link` as they are
written here. Changing either breaks every chain already sealed; a new formula would
need a version column and both formulas kept.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Insert, Integer, String, bindparam, insert, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.models.access import AuditChain, AuditEntry

GENESIS = "0" * 64  # the `prev_hash` of a school's first entry
FINGERPRINT_LENGTH = 16  # hex digits printed on paper: 64 bits


class Sealable(Protocol):
    """An audit entry's fields that the chain covers (`core.models.AuditEntry`)."""

    school_id: int
    seq: int | None
    at: datetime
    actor_kind: str
    actor_id: int | None
    entity: str
    entity_id: int
    action: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    reason: str | None
    prev_hash: str | None
    hash: str | None


def instant(at: datetime) -> str:
    """An instant as the chain writes it: UTC, microseconds, `+00:00`."""
    if at.tzinfo is None:
        raise ValueError("naive datetime in an audit entry")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(entry: Sealable) -> bytes:
    """The entry's content as canonical JSON: sorted keys, no spaces, UTF-8."""
    content = {
        "school_id": entry.school_id,
        "seq": entry.seq,
        "at": instant(entry.at),
        "actor_kind": entry.actor_kind,
        "actor_id": entry.actor_id,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "action": entry.action,
        "old": entry.old,
        "new": entry.new,
        "reason": entry.reason,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link(prev_hash: str, entry: Sealable) -> str:
    """The entry's hash: SHA-256 over the previous hash, a newline and its content."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(entry)).hexdigest()


@dataclass(frozen=True)
class ChainHead:
    """The last sealed entry of a school's chain (seq 0 and GENESIS: none yet)."""

    school_id: int
    seq: int
    hash: str

    @property
    def fingerprint(self) -> str:
        """What is printed on paper: `#1234 · 9f86d081884c7d65`."""
        return f"#{self.seq} · {self.hash[:FINGERPRINT_LENGTH]}"

    def as_json(self) -> dict[str, Any]:
        return {"school_id": self.school_id, "seq": self.seq, "hash": self.hash}


def seal(head: ChainHead, entries: Iterable[Sealable]) -> ChainHead:
    """Number and hash `entries` (one school's, in order) after `head`; the new head."""
    seq, last = head.seq, head.hash
    for entry in entries:
        if entry.school_id != head.school_id:
            raise ValueError("an entry of another school in this chain")
        seq += 1
        entry.seq, entry.prev_hash = seq, last
        last = entry.hash = link(last, entry)
    return ChainHead(head.school_id, seq, last)


# Every audited write runs these: built once, columns rather than ORM rows.
_SCHOOL = bindparam("head_school", type_=Integer)
_TAKE_HEAD = (
    select(col(AuditChain.seq), col(AuditChain.hash))
    .where(col(AuditChain.school_id) == _SCHOOL)
    .with_for_update()
)
_STORE_HEAD = (
    # Core (the table, not the model): no ORM synchronizing of the session's rows.
    update(AuditChain.__table__)  # type: ignore[attr-defined]
    .where(col(AuditChain.school_id) == _SCHOOL)
    .values(seq=bindparam("head_seq", type_=Integer), hash=bindparam("head_hash", type_=String))
)


async def take_heads(session: AsyncSession, school_ids: Iterable[int]) -> dict[int, ChainHead]:
    """Lock and read the heads of these schools' chains, for sealing in this transaction.

    The row lock (`FOR UPDATE` on PostgreSQL; SQLite's writer already holds the whole
    database) serializes the schools' sealing writers for the rest of the transaction,
    so no two commits take the same number. Schools are locked in id order: two
    writers never wait for each other crosswise.
    """
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    heads: dict[int, ChainHead] = {}
    for school_id in sorted(set(school_ids)):
        params = {"head_school": school_id}
        row = (await session.exec(_TAKE_HEAD, params=params)).one_or_none()
        if row is None:  # the school's first entry: its head row, once (another writer may race)
            await session.exec(
                insert(AuditChain)
                .values(school_id=school_id, seq=0, hash=GENESIS)
                .on_conflict_do_nothing(index_elements=["school_id"])
            )
            row = (await session.exec(_TAKE_HEAD, params=params)).one()
        heads[school_id] = ChainHead(school_id, row[0], row[1])
    return heads


# The columns of a sealed entry as `store_sealed` writes them (`id` is the database's).
_ENTRY_COLUMNS = (
    "school_id",
    "at",
    "actor_kind",
    "actor_id",
    "entity",
    "entity_id",
    "action",
    "old",
    "new",
    "reason",
    "seq",
    "prev_hash",
    "hash",
)


@functools.cache
def _insert_entries(count: int, *, with_head: bool) -> Insert:
    """`count` entries in one INSERT; `with_head`: the head's UPDATE in its WITH."""
    table = AuditEntry.__table__  # type: ignore[attr-defined]
    rows = [
        {name: bindparam(f"{name}_{n}", type_=table.c[name].type) for name in _ENTRY_COLUMNS}
        for n in range(count)
    ]
    statement = insert(table).values(rows)
    return statement.add_cte(_STORE_HEAD.cte("head")) if with_head else statement


async def store_sealed(session: AsyncSession, head: ChainHead, entries: Sequence[Sealable]) -> None:
    """Write one school's entries just sealed (`seal`) and its new head, in the
    transaction that locked the head (`take_heads`).

    On PostgreSQL in one statement (`WITH head AS (UPDATE audit_chain …) INSERT INTO
    audit_entry …`), one round trip: a data-modifying WITH runs once, whole, with the
    insert. SQLite has no such WITH: two statements, and no round trips to save.
    """
    params: dict[str, Any] = {
        "head_school": head.school_id,
        "head_seq": head.seq,
        "head_hash": head.hash,
    }
    for n, entry in enumerate(entries):
        params.update({f"{name}_{n}": getattr(entry, name) for name in _ENTRY_COLUMNS})
    together = session.bind is not None and session.bind.dialect.name == "postgresql"
    if not together:
        await session.exec(_STORE_HEAD, params=params)
    await session.exec(_insert_entries(len(entries), with_head=together), params=params)


async def read_heads(session: AsyncSession) -> dict[int, ChainHead]:
    """Every school's chain head as the database says (to anchor elsewhere)."""
    rows = (await session.exec(select(AuditChain).order_by(col(AuditChain.school_id)))).all()
    return {row.school_id: ChainHead(row.school_id, row.seq, row.hash) for row in rows}


def heads_from_json(data: Iterable[Mapping[str, Any]]) -> list[ChainHead]:
    return [ChainHead(int(d["school_id"]), int(d["seq"]), str(d["hash"])) for d in data]
