"""MAX as a messenger beside Telegram

- `guardian.max_user_id`, `staff.max_user_id` (indexed, 64-bit): the MAX user whose
  chat is linked, next to `telegram_chat_id`; `invite_code.used_via`: the messenger a
  code was used in (`used_by_chat` is that messenger's chat, or MAX user).
- `max` is taken wherever `telegram` is as a channel or a source: a delivery's,
  a dead contact's and a staff message's channel, a guardian's channel order, how
  consent was given, how «Ознакомлен» was pressed.
- a notification's topic may be `notice`: what the school tells its families about
  Zvonok itself (a messenger it switched off).

The downgrade removes what the old schema cannot hold: deliveries, dead contacts and
notices on MAX or of the new topic, MAX from every channel order, a staff message's
MAX (one still to go fails as having no channel), `max` as a guardian's consent source
(their `consent_record` rows keep how consent was given), the MAX links. It refuses
while «Ознакомлен» presses made in MAX exist: they are the school's record.

Revision ID: 0017_max_messenger
Revises: 0012_archive_documents
Create Date: 2026-12-07 12:00:00
"""

import json
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_max_messenger"
down_revision: str | None = "0012_archive_documents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOPICS = ("marks", "attendance", "homework", "remarks", "announcements", "period_marks")
CHANNELS_BEFORE = ("telegram", "email", "sms")
CHANNELS_AFTER = (*CHANNELS_BEFORE, "max")
MESSENGERS = ("telegram", "max")
# table -> (column, values before, values after): a CHECK `column IN (...)` each.
ONE_OF = {
    "guardian": (
        "consent_source",
        ("telegram", "paper", "web"),
        ("telegram", "paper", "web", "max"),
    ),
    "acknowledgement": ("via", ("telegram", "web"), ("telegram", "web", "max")),
    "staff_message": ("channel", ("telegram", "email"), ("telegram", "email", "max")),
    "contact_status": ("channel", CHANNELS_BEFORE, CHANNELS_AFTER),
    "delivery": ("channel", CHANNELS_BEFORE, CHANNELS_AFTER),
    "notification": ("topic", (*TOPICS, "mixed"), (*TOPICS, "mixed", "notice")),
}


def _quoted(values: Iterable[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _channels_check(values: Iterable[str]) -> str:
    """`core.models.base.json_list_of("channels", values)` as written when this ran."""
    rest = "CAST(channels AS TEXT)"
    for token in [*(f'"{value}"' for value in values), "[", "]", ",", " "]:
        rest = f"replace({rest}, '{token}', '')"
    return f"CAST(channels AS TEXT) LIKE '[%]' AND {rest} = ''"


def _checks(after: bool) -> None:
    for table, (column, before, later) in ONE_OF.items():
        values = later if after else before
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
            batch.create_check_constraint(
                op.f(f"ck_{table}_{column}"), f"{column} IN ({_quoted(values)})"
            )
    with op.batch_alter_table("guardian_settings") as batch:
        batch.drop_constraint(op.f("ck_guardian_settings_channels"), type_="check")
        batch.create_check_constraint(
            op.f("ck_guardian_settings_channels"),
            _channels_check(CHANNELS_AFTER if after else CHANNELS_BEFORE),
        )


def upgrade() -> None:
    for table in ("guardian", "staff"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("max_user_id", sa.BigInteger(), nullable=True))
            batch.create_index(batch.f(f"ix_{table}_max_user_id"), ["max_user_id"], unique=False)
    with op.batch_alter_table("invite_code") as batch:
        batch.add_column(sa.Column("used_via", sa.String(), nullable=True))
        batch.create_check_constraint(
            op.f("ck_invite_code_used_via"), f"used_via IN ({_quoted(MESSENGERS)})"
        )
    # Codes used before this revision were used in Telegram, the only messenger then.
    op.execute("UPDATE invite_code SET used_via = 'telegram' WHERE used_by_chat IS NOT NULL")
    _checks(after=True)


def downgrade() -> None:
    _refuse_max_acknowledgements()
    notices = "SELECT id FROM notification WHERE topic = 'notice'"
    op.execute(f"DELETE FROM delivery WHERE channel = 'max' OR notification_id IN ({notices})")
    op.execute(f"DELETE FROM notification_event WHERE notification_id IN ({notices})")
    op.execute("DELETE FROM notification WHERE topic = 'notice'")
    op.execute("DELETE FROM contact_status WHERE channel = 'max'")
    # A staff message still to go on MAX fails as having no channel; those sent keep
    # their status and lose the name of their way.
    op.execute(
        "UPDATE staff_message SET status = 'failed', reason = 'staff_no_channel', "
        "closed_at = CURRENT_TIMESTAMP WHERE channel = 'max' AND status IN ('pending', 'sending')"
    )
    op.execute("UPDATE staff_message SET channel = NULL, address = NULL WHERE channel = 'max'")
    op.execute("UPDATE guardian SET consent_source = NULL WHERE consent_source = 'max'")
    _drop_max_from_channel_orders()
    _checks(after=False)
    with op.batch_alter_table("invite_code") as batch:
        batch.drop_constraint(op.f("ck_invite_code_used_via"), type_="check")
        batch.drop_column("used_via")
    for table in ("staff", "guardian"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(batch.f(f"ix_{table}_max_user_id"))
            batch.drop_column("max_user_id")


def _refuse_max_acknowledgements() -> None:
    found = (
        op.get_bind()
        .execute(sa.text("SELECT COUNT(*) FROM acknowledgement WHERE via = 'max'"))
        .scalar_one()
    )
    if found:
        raise RuntimeError(
            f"cannot downgrade below 0017_max_messenger: {found} «Ознакомлен» presses were "
            "made in MAX and the earlier schema cannot record them"
        )


def _drop_max_from_channel_orders() -> None:
    rows = sa.table(
        "guardian_settings", sa.column("id", sa.Integer), sa.column("channels", sa.JSON)
    )
    connection = op.get_bind()
    for row_id, channels in connection.execute(sa.select(rows.c.id, rows.c.channels)).all():
        order = json.loads(channels) if isinstance(channels, str) else channels
        if "max" in order:
            kept = [channel for channel in order if channel != "max"]
            connection.execute(sa.update(rows).where(rows.c.id == row_id).values(channels=kept))
