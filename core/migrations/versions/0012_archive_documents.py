"""the archive's documents: journal books and summary statements of a year or a period

`archive_document`: a class's journal book or summary statement as a PDF kept byte for
byte, with the hash of its data and of its file, whether it is signed, the school's
audit chain head when it was made, and the day it may be destroyed (seed 002 §3.4:
journals 5 years, statements 25). New and empty.

Revision ID: 0012_archive_documents
Revises: 0011_year_close
Create Date: 2026-12-06 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.models.base import UTCDateTime

revision: str = "0012_archive_documents"
down_revision: str | None = "0011_year_close"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The values these columns take when this revision was written.
KINDS = "'journal_book', 'statement'"
LANGUAGES = "'ru', 'en', 'uz', 'tg', 'ky'"
TABLE = "archive_document"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("year_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("filename", sa.String(), nullable=False),
        sa.Column("generated_at", UTCDateTime(), nullable=False),
        sa.Column("generated_by", sa.Integer(), nullable=True),
        sa.Column("content_sha256", sa.String(), nullable=False),
        sa.Column("file_sha256", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.Column("chain_seq", sa.Integer(), nullable=False),
        sa.Column("chain_hash", sa.String(), nullable=False),
        sa.Column("keep_until", sa.Date(), nullable=False),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f("ck_archive_document_kind")),
        sa.CheckConstraint(f"language IN ({LANGUAGES})", name=op.f("ck_archive_document_language")),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_archive_document_school_id_school")
        ),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["school_class.id"],
            name=op.f("fk_archive_document_class_id_school_class"),
        ),
        sa.ForeignKeyConstraint(
            ["year_id"],
            ["academic_year.id"],
            name=op.f("fk_archive_document_year_id_academic_year"),
        ),
        sa.ForeignKeyConstraint(
            ["period_id"], ["period.id"], name=op.f("fk_archive_document_period_id_period")
        ),
        sa.ForeignKeyConstraint(
            ["generated_by"], ["staff.id"], name=op.f("fk_archive_document_generated_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_document")),
    )
    with op.batch_alter_table(TABLE) as batch:
        for column in ("school_id", "class_id", "year_id"):
            batch.create_index(batch.f(f"ix_archive_document_{column}"), [column], unique=False)


def downgrade() -> None:
    op.drop_table(TABLE)
