"""Do the journal's rows hold what their last audit entry says?

A chain that verifies proves the history was not edited; it does not prove the
journal was not edited beside it. For marks, attendance, homework and period marks,
the current row must equal the values after its last audit entry (`new`), or be
deleted when that entry deleted it; a row with no entry at all was written past the
services.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as select_rows
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.audit.findings import Finding, Problem
from core.models import Attendance, AuditEntry, Homework, Mark, PeriodMark
from core.uow import jsonable_values

CHECKED: tuple[type[SQLModel], ...] = (Mark, Attendance, Homework, PeriodMark)


async def disagreements(session: AsyncSession, school_id: int) -> list[Finding]:
    findings: list[Finding] = []
    for model in CHECKED:
        findings.extend(await _table(session, school_id, model))
    return findings


async def _last_entries(
    session: AsyncSession, school_id: int, entity: str
) -> dict[int, tuple[int, str, Mapping[str, Any] | None]]:
    """entity id → (seq, action, values after) of the row's last audit entry."""
    last = (
        select(func.max(AuditEntry.seq))
        .where(AuditEntry.school_id == school_id, AuditEntry.entity == entity)
        .group_by(col(AuditEntry.entity_id))
    )
    query = select(AuditEntry.entity_id, AuditEntry.seq, AuditEntry.action, AuditEntry.new).where(
        AuditEntry.school_id == school_id, col(AuditEntry.seq).in_(last.scalar_subquery())
    )
    rows = (await session.exec(query)).all()
    return {int(e): (int(s or 0), str(a), n) for e, s, a, n in rows}


async def _table(session: AsyncSession, school_id: int, model: type[SQLModel]) -> list[Finding]:
    table = model.__table__  # type: ignore[attr-defined]
    entity = str(table.name)
    entries = await _last_entries(session, school_id, entity)
    # Plain rows, not models (a school's year is hundreds of thousands): the values are
    # the database's own, made JSON-ready as the unit of work made the model's.
    query = select_rows(table).where(table.c.school_id == school_id)
    rows = (await (await session.connection()).execute(query)).mappings().all()
    findings: list[Finding] = []
    for mapping in rows:
        row_id = int(mapping["id"])
        seq, action, new = entries.pop(row_id, (None, None, None))
        if seq is None:
            findings.append(Finding(Problem.row_unrecorded, entity=entity, entity_id=row_id))
            continue
        differs = _differs(jsonable_values(dict(mapping)), action, new)
        if differs:
            findings.append(
                Finding(
                    Problem.row_changed, seq=seq, entity=entity, entity_id=row_id, detail=differs
                )
            )
    for row_id, (seq, action, _) in sorted(entries.items()):
        if action != "delete":
            findings.append(Finding(Problem.row_missing, seq=seq, entity=entity, entity_id=row_id))
    return findings


def _differs(now: dict[str, Any], action: str | None, new: Mapping[str, Any] | None) -> str:
    """The columns whose values differ from the entry's, comma-separated ("" if none)."""
    if action == "delete":
        # A soft-deleted row stays, with its deletion written on it.
        return "" if now.get("deleted_at") is not None else "deleted_at"
    expected = new or {}
    return ", ".join(
        sorted(k for k in now.keys() | expected.keys() if now.get(k) != expected.get(k))
    )
