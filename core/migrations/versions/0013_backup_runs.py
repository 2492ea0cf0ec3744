"""the record of backups: one row per run and destination

`backup_run`: when a backup started and finished, which destination, the file's name,
size and SHA-256, and whether the copy got there (else the error). New and empty.

Revision ID: 0013_backup_runs
Revises: 0014_consent_versions
Create Date: 2026-12-06 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.models.base import UTCDateTime

revision: str = "0013_backup_runs"
down_revision: str | None = "0014_consent_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "backup_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=False),
        sa.Column("destination", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backup_run")),
    )
    with op.batch_alter_table("backup_run") as batch:
        batch.create_index(batch.f("ix_backup_run_started_at"), ["started_at"], unique=False)
        batch.create_index(batch.f("ix_backup_run_destination"), ["destination"], unique=False)


def downgrade() -> None:
    op.drop_table("backup_run")
