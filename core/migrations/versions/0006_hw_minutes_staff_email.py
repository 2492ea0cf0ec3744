"""homework's estimated minutes; staff email; when a lesson's topic was written

- `homework.minutes`: the teacher's estimate of the time an assignment takes (1 to
  600 minutes, optional): the class's total a day is checked against SanPiN
  1.2.3685-21's limits by grade. Existing homework has no estimate.
- `staff.email`: where a teacher's reminders go when no Telegram chat is linked.
  Existing staff have none.
- `lesson.topic_at`: when the topic was first written (the control of the journal
  checks it was on the lesson's day). Existing lessons with a topic get their
  creation time, the best the database knows.

Revision ID: 0006_hw_minutes_staff_email
Revises: 0005_token_expiry_login_sources
Create Date: 2026-12-06 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_hw_minutes_staff_email"
down_revision: str | None = "0005_token_expiry_login_sources"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("homework") as batch:
        batch.add_column(sa.Column("minutes", sa.Integer(), nullable=True))
        batch.create_check_constraint(op.f("ck_homework_minutes"), "minutes BETWEEN 1 AND 600")
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("email", sa.String(), nullable=True))
    with op.batch_alter_table("lesson") as batch:
        batch.add_column(sa.Column("topic_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE lesson SET topic_at = created_at WHERE topic <> ''")


def downgrade() -> None:
    with op.batch_alter_table("lesson") as batch:
        batch.drop_column("topic_at")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("email")
    with op.batch_alter_table("homework") as batch:
        batch.drop_constraint(op.f("ck_homework_minutes"), type_="check")
        batch.drop_column("minutes")
