"""what a subject's lessons owe: homework, marks

- `subject.homework`: its lessons owe homework (physical education, music, art…
  owe none; a teacher may still give some).
- `subject.graded`: its lessons get marks; false for a subject taught without
  marks («безотметочное обучение»), where a mark is refused.
Existing subjects owe both, as the journal has assumed until now.

Revision ID: 0009_subject_flags
Revises: 0008_staff_messages
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_subject_flags"
down_revision: str | None = "0008_staff_messages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("subject") as batch:
        batch.add_column(
            sa.Column("homework", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(
            sa.Column("graded", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("subject") as batch:
        batch.drop_column("graded")
        batch.drop_column("homework")
