"""The demo journal's history in the audit chain.

The demo writes its term straight into the tables (`core.demo.bulk`), past the unit
of work that would have logged each entry. A real journal's every row has its audit
entry, and `zvonok audit verify` checks that it does: so the load gives each row the
entry its teacher's typing would have left — created by its author at its creation
time, and deleted when the row was — sealed into the school's chain in time order.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

from core.audit.chain import GENESIS, ChainHead, seal
from core.demo.bulk import insert_ids, table_of
from core.models import (
    AcademicYear,
    Attendance,
    AuditChain,
    AuditEntry,
    Homework,
    Lesson,
    Mark,
    PeriodMark,
    Remark,
)
from core.uow import jsonable_values

LOGGED: tuple[type[SQLModel], ...] = (Lesson, Mark, Attendance, Homework, Remark, PeriodMark)


async def record_history(conn: AsyncConnection, school_id: int) -> int:
    """Write and seal the audit entries of every journal row of the school; how many.

    Plain rows and dicts throughout, no models: a term is about 86,000 entries.
    """
    entries: list[SimpleNamespace] = []
    for model in LOGGED:
        table = table_of(model)
        result = await conn.execute(select(table).where(table.c.school_id == school_id))
        for row in result.mappings():
            entries.extend(_entries_of(table.name, dict(row)))
    entries.extend(await _closings(conn, school_id))
    entries.sort(key=lambda e: (e.at, e.entity, e.entity_id, e.action != "create"))
    head = seal(await _head(conn, school_id), entries)
    await insert_ids(conn, AuditEntry, [vars(entry) for entry in entries])
    chain = table_of(AuditChain)
    await conn.execute(chain.delete().where(chain.c.school_id == school_id))
    await conn.execute(chain.insert().values(**head.as_json()))
    return len(entries)


def _entry(row: dict[str, Any], entity: str, **values: Any) -> SimpleNamespace:
    blank = {"old": None, "new": None, "reason": None, "seq": None, "prev_hash": None, "hash": None}
    return SimpleNamespace(
        school_id=row["school_id"],
        actor_kind="staff",
        entity=entity,
        entity_id=row["id"],
        **{**blank, **values},
    )


def _entries_of(entity: str, row: dict[str, Any]) -> list[SimpleNamespace]:
    """The row's creation by its author and, for a withdrawn row, its deletion."""
    values = jsonable_values(dict(row))
    if row["deleted_at"] is not None:
        values = {**values, "deleted_at": None, "deleted_by": None}
    made = _entry(
        row, entity, at=row["created_at"], actor_id=row["created_by"], action="create", new=values
    )
    if row["deleted_at"] is None:
        return [made]
    return [
        made,
        _entry(
            row,
            entity,
            at=row["deleted_at"],
            actor_id=row["deleted_by"],
            action="delete",
            old=values,
        ),
    ]


async def _closings(conn: AsyncConnection, school_id: int) -> list[SimpleNamespace]:
    """The administrator's closing of each closed year (the demo closes last year)."""
    table = table_of(AcademicYear)
    query = select(table).where(table.c.school_id == school_id, table.c.closed_at.is_not(None))
    closings = []
    for row in (await conn.execute(query)).mappings():
        after = jsonable_values(dict(row))
        before = {**after, "closed_at": None, "closed_by": None}
        closings.append(
            _entry(
                dict(row),
                table.name,
                at=row["closed_at"],
                actor_id=row["closed_by"],
                action="update",
                old=before,
                new=after,
            )
        )
    return closings


async def _head(conn: AsyncConnection, school_id: int) -> ChainHead:
    chain = table_of(AuditChain)
    found = (
        await conn.execute(select(chain.c.seq, chain.c.hash).where(chain.c.school_id == school_id))
    ).first()
    return (
        ChainHead(school_id, int(found[0]), str(found[1]))
        if found
        else ChainHead(school_id, 0, GENESIS)
    )
