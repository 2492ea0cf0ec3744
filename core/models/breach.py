"""Which journal entries a reported breach voided (seed 002 §4.4), so that the
administrator can list them and restore one wrongly voided (issue 11)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.models.base import instant_field, one_of

# The tables a breach voids rows of (core.services.breach).
VOIDED_ENTITIES = ("mark", "attendance", "homework", "remark")


class BreachVoid(SQLModel, table=True):
    """One entry voided by a breach report: whose account, which row, when and by whom;
    and, once the administrator restored it, when and by whom (the written reason is
    in the restored row's audit entry)."""

    __tablename__ = "breach_void"
    __table_args__ = (one_of("entity", VOIDED_ENTITIES),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)  # the breached account
    entity: str  # VOIDED_ENTITIES: the row's table
    entity_id: int
    voided_at: datetime = instant_field()
    voided_by: int = Field(foreign_key="staff.id")
    restored_at: datetime | None = instant_field(nullable=True)
    restored_by: int | None = Field(default=None, foreign_key="staff.id")
