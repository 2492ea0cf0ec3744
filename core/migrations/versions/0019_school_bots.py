"""The bot a chat was linked through

- `guardian.telegram_bot`, `guardian.max_bot`, `staff.telegram_bot`, `staff.max_bot`:
  the key of the school's own bot (`core.bot_registry`, ZVONOK_BOTS_FILE) through which
  the chat was linked; a bot writes only to those who started it. None: the deployment's
  bot, as every chat linked before schools had bots of their own.

Revision ID: 0019_school_bots
Revises: 0018_delivery_claimed_by
Create Date: 2026-12-07 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_school_bots"
down_revision: str | None = "0018_delivery_claimed_by"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("guardian", "staff")
COLUMNS = ("telegram_bot", "max_bot")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            for column in COLUMNS:
                batch.add_column(sa.Column(column, sa.String(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            for column in COLUMNS:
                batch.drop_column(column)
