"""Helpers for the people-side tests: fixed clocks, extra lessons, reloading rows."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from sqlmodel import SQLModel

from core.db import Database
from core.models import AuditEntry, Lesson, OutboxEvent
from core.uow import UnitOfWork, snapshot
from tests.builders import TODAY, World
from tests.integration.outbox_helpers import snapshot_counts

T = TypeVar("T", bound=SQLModel)

# 09:00 UTC is 12:00 in Moscow, during the school day of TODAY.
NOON = dt.datetime.combine(TODAY, dt.time(9, 0), tzinfo=dt.UTC)


def uow_at(db: Database, moment: dt.datetime) -> UnitOfWork:
    """A unit of work whose clock stands still at `moment`."""
    return UnitOfWork(db, clock=lambda: moment)


async def load(db: Database, model: type[T], row_id: int) -> T:
    async with db.session() as s:
        row = await s.get(model, row_id)
        assert row is not None, f"{model.__name__} {row_id} is gone"
        return row


async def state(db: Database, *rows: tuple[type[SQLModel], int]) -> list[dict[str, Any]]:
    """Column values of some rows, to show a refused call changed none of them."""
    return [snapshot(await load(db, model, row_id)) for model, row_id in rows]


async def counts(db: Database, *models: type[SQLModel]) -> dict[str, Any]:
    """Row counts of `models` plus the outbox and the audit log."""
    return await snapshot_counts(db, *models, OutboxEvent, AuditEntry)


async def add_lesson(
    db: Database,
    w: World,
    *,
    klass: str,
    subject: str,
    teacher: str,
    date: dt.date,
    slot: int = 1,
) -> int:
    """A lesson on another day than the builders' ones (set-up, written directly)."""
    async with db.session() as s:
        lesson = Lesson(
            school_id=w.school_id,
            class_id=w.classes[klass],
            subject_id=w.subjects[subject],
            teacher_id=w.staff[teacher],
            date=date,
            slot=slot,
            created_at=NOON,
        )
        s.add(lesson)
        await s.commit()
        return lesson.id or 0
