"""Rows of one school: the same database serves several, so a row is looked up in its
school, and another school's rows do not exist for you."""

from __future__ import annotations

from typing import TypeVar

from core.errors import NotFound, Thing
from core.uow import UnitOfWork

T = TypeVar("T")


async def get_in_school(
    uow: UnitOfWork, model: type[T], row_id: int, school_id: int, what: Thing
) -> T:
    """A row of this school, or NotFound (another school's rows do not exist for you)."""
    row = await uow.session.get(model, row_id)
    if row is None or getattr(row, "school_id", None) != school_id:
        raise NotFound(what=what)
    return row
