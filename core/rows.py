"""Rows of one school: the same database serves several, so a row is looked up in its
school, and another school's rows do not exist for you. Journal rows are never
deleted, only marked (`Tracked.deleted_at`): `not_deleted` is the filter that leaves
the withdrawn ones out."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from core.errors import NotFound, Thing
from core.models.journal import Tracked
from core.uow import UnitOfWork
from core.validation import is_row_id

T = TypeVar("T")


async def get_in_school(
    uow: UnitOfWork, model: type[T], row_id: int, school_id: int, what: Thing
) -> T:
    """A row of this school, or NotFound (another school's rows do not exist for you,
    nor do ids no row can have: 0, negative, above 2^31 − 1)."""
    row = await uow.session.get(model, row_id) if is_row_id(row_id) else None
    if row is None or getattr(row, "school_id", None) != school_id:
        raise NotFound(what=what)
    return row


def not_deleted(model: type[Tracked]) -> ColumnElement[bool]:
    """`model`'s rows not withdrawn: `select(Mark).where(not_deleted(Mark), ...)`."""
    return col(model.deleted_at).is_(None)
