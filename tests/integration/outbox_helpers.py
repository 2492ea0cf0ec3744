"""Reading what a test needs to assert on: outbox rows, audit rows, counts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from core.db import Database
from core.models import AuditEntry, OutboxEvent


async def outbox(db: Database, kind: str | None = None) -> list[OutboxEvent]:
    async with db.session() as s:
        query = select(OutboxEvent).order_by(col(OutboxEvent.occurred_at), col(OutboxEvent.id))
        if kind is not None:
            query = query.where(OutboxEvent.kind == kind)
        return list((await s.exec(query)).all())


async def audit_trail(db: Database, entity: str, entity_id: int) -> list[AuditEntry]:
    async with db.session() as s:
        query = (
            select(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
            .order_by(col(AuditEntry.id))
        )
        return list((await s.exec(query)).all())


async def count(db: Database, model: type[SQLModel]) -> int:
    async with db.session() as s:
        result = await s.exec(select(func.count()).select_from(model))
        return int(result.one())


async def snapshot_counts(db: Database, *models: type[SQLModel]) -> dict[str, Any]:
    return {m.__name__: await count(db, m) for m in models}


@asynccontextmanager
async def unchanged(db: Database, *models: type[SQLModel]) -> AsyncIterator[None]:
    """Assert that the block writes no row of `models`, no outbox event and no audit row."""
    tables = (OutboxEvent, AuditEntry, *models)
    before = await snapshot_counts(db, *tables)
    yield
    assert await snapshot_counts(db, *tables) == before
