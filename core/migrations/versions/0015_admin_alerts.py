"""administrator alerts

`staff_message.kind` takes `alert`: a message telling a school's administrators that
something needs them (the nightly audit-chain check failed, the newest good backup is
too old, a retention purge ran). Its CHECK constraint is replaced by one naming the
new kind; the downgrade deletes the alerts (and their reminder records) first, as the
old constraint cannot hold them.

Revision ID: 0015_admin_alerts
Revises: 0010_audit_chain
Create Date: 2026-12-06 15:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015_admin_alerts"
down_revision: str | None = "0010_audit_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The values the column takes before and after this revision.
KINDS_BEFORE = "'reminders', 'families', 'summary', 'backlog'"
KINDS_AFTER = f"{KINDS_BEFORE}, 'alert'"


def _kinds(kinds: str) -> None:
    with op.batch_alter_table("staff_message") as batch:
        batch.drop_constraint(op.f("ck_staff_message_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_staff_message_kind"), f"kind IN ({kinds})")


def upgrade() -> None:
    _kinds(KINDS_AFTER)


def downgrade() -> None:
    alerts = "SELECT id FROM staff_message WHERE kind = 'alert'"
    op.execute(f"DELETE FROM staff_reminder WHERE message_id IN ({alerts})")
    op.execute("DELETE FROM staff_message WHERE kind = 'alert'")
    _kinds(KINDS_BEFORE)
