"""The demo journal's history in the audit chain.

The demo writes its term straight into the tables (`core.demo.bulk`), past the unit
of work that would have logged each entry. A real journal's every row has its audit
entry, and `zvonok audit verify` checks that it does: so the load gives each row the
entry its teacher's typing would have left — created by its author at its creation
time, and deleted when the row was — sealed into the school's chain in time order.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

from core.audit.chain import GENESIS, ChainHead, seal
from core.demo.bulk import insert_ids, table_of
from core.models import (
    Attendance,
    AuditChain,
    AuditEntry,
    Homework,
    Lesson,
    Mark,
    PeriodMark,
    Remark,
)
from core.uow import snapshot

LOGGED: tuple[type[SQLModel], ...] = (Lesson, Mark, Attendance, Homework, Remark, PeriodMark)


async def record_history(conn: AsyncConnection, school_id: int) -> int:
    """Write and seal the audit entries of every journal row of the school; how many."""
    entries: list[AuditEntry] = []
    for model in LOGGED:
        table = table_of(model)
        result = await conn.execute(select(table).where(table.c.school_id == school_id))
        for row in result.mappings():
            entries.extend(_entries_of(model.model_validate(dict(row))))
    entries.sort(key=lambda e: (e.at, e.entity, e.entity_id, e.action != "create"))
    head = await _head(conn, school_id)
    head = seal(head, entries)
    await insert_ids(conn, AuditEntry, [e.model_dump(exclude={"id"}) for e in entries])
    chain = table_of(AuditChain)
    await conn.execute(chain.delete().where(chain.c.school_id == school_id))
    await conn.execute(chain.insert().values(**head.as_json()))
    return len(entries)


def _entries_of(row: Any) -> list[AuditEntry]:
    """The row's creation by its author and, for a withdrawn row, its deletion."""
    entity = str(row.__tablename__)
    created = {"deleted_at": None, "deleted_by": None}
    values = snapshot(row)
    made = AuditEntry(
        school_id=row.school_id,
        at=row.created_at,
        actor_kind="staff",
        actor_id=row.created_by,
        entity=entity,
        entity_id=row.id,
        action="create",
        new={**values, **created} if row.deleted_at else values,
    )
    if row.deleted_at is None:
        return [made]
    withdrawn = AuditEntry(
        school_id=row.school_id,
        at=row.deleted_at,
        actor_kind="staff",
        actor_id=row.deleted_by,
        entity=entity,
        entity_id=row.id,
        action="delete",
        old=made.new,
    )
    return [made, withdrawn]


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
