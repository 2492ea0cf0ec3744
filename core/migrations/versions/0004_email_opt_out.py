"""email opt-out per kind of message

`guardian_settings.email_off`: the kinds of message (topics) a guardian switched off
for email with an email's one-click unsubscribe link (RFC 8058); the other channels
still carry them. Existing rows switch nothing off.

Revision ID: 0004_email_opt_out
Revises: 0003_checks_and_indexes
Create Date: 2026-12-10 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004_email_opt_out'
down_revision: str | None = '0003_checks_and_indexes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('guardian_settings') as batch:
        batch.add_column(
            sa.Column('email_off', sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table('guardian_settings') as batch:
        batch.drop_column('email_off')
