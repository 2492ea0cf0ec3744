"""closing an academic year or a period: who closed it and when

- `period.closed_at`, `period.closed_by`: a period closed by the administrator; its
  journal is read-only from then on (a correction needs an administrator and a
  written reason).
- `academic_year.closed_by`: who closed the year (`academic_year.closed_at` exists
  since 0001 and was unused until now).
Existing years and periods stay open.

Revision ID: 0011_year_close
Revises: 0013_backup_runs
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.models.base import UTCDateTime

revision: str = "0011_year_close"
down_revision: str | None = "0013_backup_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("academic_year") as batch:
        batch.add_column(sa.Column("closed_by", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_academic_year_closed_by_staff"), "staff", ["closed_by"], ["id"]
        )
    with op.batch_alter_table("period") as batch:
        batch.add_column(sa.Column("closed_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("closed_by", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_period_closed_by_staff"), "staff", ["closed_by"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("period") as batch:
        batch.drop_constraint(op.f("fk_period_closed_by_staff"), type_="foreignkey")
        batch.drop_column("closed_by")
        batch.drop_column("closed_at")
    with op.batch_alter_table("academic_year") as batch:
        batch.drop_constraint(op.f("fk_academic_year_closed_by_staff"), type_="foreignkey")
        batch.drop_column("closed_by")
