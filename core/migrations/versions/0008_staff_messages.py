"""messages owed to staff: reminders, notes to class teachers, the deputy's summaries

- `staff_message`: one message to one staff member (a teacher's bundle of reminders,
  a class teacher's weekly note, the deputy director's weekly summary or backlog
  alert), with its status (open → pending → sending → sent | failed | cancelled), the
  channel and address chosen, attempts and why it was held or failed; at most one
  open per person and kind (new reminders join it).
- `staff_reminder`: which item at which stage ("before" its deadline, "late", a
  periodic "note", a backlog "cleared") was planned for whom, once (unique).
- `staff_reminder_settings`: a teacher's own reminder times, or reminders off.
New and empty.

Revision ID: 0008_staff_messages
Revises: 0007_control_report_export
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.models.base import UTCDateTime

revision: str = "0008_staff_messages"
down_revision: str | None = "0007_control_report_export"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The values these columns take when this revision was written.
KINDS = "'reminders', 'families', 'summary', 'backlog'"
STATUSES = "'open', 'pending', 'sending', 'sent', 'failed', 'cancelled'"
CHANNELS = "'telegram', 'email'"
STAGES = "'before', 'late', 'note', 'cleared'"


def _staff_message() -> None:
    op.create_table(
        "staff_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(), nullable=True),
        sa.Column("address", sa.String(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("sending_since", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("provider_id", sa.String(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("reason_params", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f("ck_staff_message_kind")),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_staff_message_status")),
        sa.CheckConstraint(f"channel IN ({CHANNELS})", name=op.f("ck_staff_message_channel")),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_staff_message_school_id_school")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_staff_message_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_message")),
    )
    with op.batch_alter_table("staff_message") as batch:
        batch.create_index(batch.f("ix_staff_message_school_id"), ["school_id"], unique=False)
        batch.create_index(batch.f("ix_staff_message_staff_id"), ["staff_id"], unique=False)
    for name, columns, where, unique in (
        ("uq_staff_message_open", ["staff_id", "kind"], "status = 'open'", True),
        ("ix_staff_message_open_due", ["due_at", "id"], "status = 'open'", False),
        ("ix_staff_message_pending", ["next_attempt_at", "id"], "status = 'pending'", False),
        ("ix_staff_message_sending", ["sending_since"], "status = 'sending'", False),
    ):
        op.create_index(
            name,
            "staff_message",
            columns,
            unique=unique,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def _staff_reminder() -> None:
    op.create_table(
        "staff_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=80), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(f"stage IN ({STAGES})", name=op.f("ck_staff_reminder_stage")),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_staff_reminder_school_id_school")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_staff_reminder_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["staff_message.id"],
            name=op.f("fk_staff_reminder_message_id_staff_message"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_reminder")),
        sa.UniqueConstraint(
            "staff_id", "item", "stage", name=op.f("uq_staff_reminder_staff_id_item_stage")
        ),
    )
    with op.batch_alter_table("staff_reminder") as batch:
        batch.create_index(batch.f("ix_staff_reminder_school_id"), ["school_id"], unique=False)
        batch.create_index(batch.f("ix_staff_reminder_message_id"), ["message_id"], unique=False)


def _staff_reminder_settings() -> None:
    op.create_table(
        "staff_reminder_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("homework_minutes_before", sa.Integer(), nullable=True),
        sa.Column("evening_time", sa.Time(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "homework_minutes_before BETWEEN 0 AND 600",
            name=op.f("ck_staff_reminder_settings_homework_minutes_before"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_staff_reminder_settings_school_id_school"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_staff_reminder_settings_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_reminder_settings")),
        sa.UniqueConstraint("staff_id", name=op.f("uq_staff_reminder_settings_staff_id")),
    )
    with op.batch_alter_table("staff_reminder_settings") as batch:
        batch.create_index(
            batch.f("ix_staff_reminder_settings_school_id"), ["school_id"], unique=False
        )


def upgrade() -> None:
    _staff_message()
    _staff_reminder()
    _staff_reminder_settings()


def downgrade() -> None:
    op.drop_table("staff_reminder_settings")
    op.drop_table("staff_reminder")
    op.drop_table("staff_message")
