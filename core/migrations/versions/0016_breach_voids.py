"""breach voids

`breach_void`: which journal entry (mark, attendance, homework, remark) a reported
breach voided, for whose account, when and by whom, and when and by whom the
administrator restored it. Breaches reported before this revision left no such rows:
their voided entries stay voided (the audit log still shows them).

Revision ID: 0016_breach_voids
Revises: 0015_admin_alerts
Create Date: 2026-12-06 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.models.base import UTCDateTime

revision: str = "0016_breach_voids"
down_revision: str | None = "0015_admin_alerts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The values the column takes when this revision was written.
ENTITIES = "'mark', 'attendance', 'homework', 'remark'"


def upgrade() -> None:
    op.create_table(
        "breach_void",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("voided_at", UTCDateTime(), nullable=False),
        sa.Column("voided_by", sa.Integer(), nullable=False),
        sa.Column("restored_at", UTCDateTime(), nullable=True),
        sa.Column("restored_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(f"entity IN ({ENTITIES})", name=op.f("ck_breach_void_entity")),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_breach_void_school_id_school")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_breach_void_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["voided_by"], ["staff.id"], name=op.f("fk_breach_void_voided_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["restored_by"], ["staff.id"], name=op.f("fk_breach_void_restored_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_void")),
    )
    with op.batch_alter_table("breach_void") as batch:
        batch.create_index(batch.f("ix_breach_void_school_id"), ["school_id"])
        batch.create_index(batch.f("ix_breach_void_staff_id"), ["staff_id"])


def downgrade() -> None:
    with op.batch_alter_table("breach_void") as batch:
        batch.drop_index(batch.f("ix_breach_void_staff_id"))
        batch.drop_index(batch.f("ix_breach_void_school_id"))
    op.drop_table("breach_void")
