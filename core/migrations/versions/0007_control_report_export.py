"""the deputy director's control reports, kept for the archive

`control_report_export`: a control report («справка по итогам проверки ЭЖ») for a span
of days (a period, or a week), as PDF or XLSX, kept byte for byte with the hash of its
data and of its file, like `statement_export`. New and empty.

Revision ID: 0007_control_report_export
Revises: 0006_hw_minutes_staff_email
Create Date: 2026-12-06 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.models.base import UTCDateTime

revision: str = "0007_control_report_export"
down_revision: str | None = "0006_hw_minutes_staff_email"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The values these columns take when this revision was written.
FORMATS = "'pdf', 'xlsx'"
LANGUAGES = "'ru', 'en', 'uz', 'tg', 'ky'"


def upgrade() -> None:
    op.create_table(
        "control_report_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("format", sa.String(), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("filename", sa.String(), nullable=False),
        sa.Column("generated_at", UTCDateTime(), nullable=False),
        sa.Column("generated_by", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(), nullable=False),
        sa.Column("file_sha256", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint(f"format IN ({FORMATS})", name=op.f("ck_control_report_export_format")),
        sa.CheckConstraint(
            f"language IN ({LANGUAGES})", name=op.f("ck_control_report_export_language")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_control_report_export_school_id_school")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"], ["period.id"], name=op.f("fk_control_report_export_period_id_period")
        ),
        sa.ForeignKeyConstraint(
            ["generated_by"],
            ["staff.id"],
            name=op.f("fk_control_report_export_generated_by_staff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_report_export")),
    )
    with op.batch_alter_table("control_report_export") as batch:
        batch.create_index(
            batch.f("ix_control_report_export_school_id"), ["school_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("control_report_export")
