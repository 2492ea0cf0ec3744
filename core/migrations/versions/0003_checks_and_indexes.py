"""checks and indexes

The schema says what the code assumes:

- every column of codes gets a CHECK constraint naming its codes (roles, statuses of
  notifications and deliveries, channels, topics, modes, kinds, work types, period
  marks, languages...), and numbers their range (marks 2-5, weekdays 0-6...);
- attendance is stored as codes, `absent` / `ill` / `late`, instead of the journal's
  letters «н» / «б» / «оп»: the rows, the outbox events' payloads and the audit log's
  before/after values are converted (and back by the downgrade);
- a live lesson is unique per class, date and bell (whole-class lessons) and per
  group, date and bell (group lessons): two partial unique indexes;
- the sweeper's queries get partial indexes holding only the rows they look for
  (unrelayed and undispatched events, open notifications, pending and sending
  deliveries); the single-column indexes they replace are dropped.

The codes are this file's own: a migration must not change when the application does.
On SQLite a CHECK constraint is added by copying the table (batch mode);
`core.migrate` turns foreign keys off meanwhile and checks them before the commit.

Revision ID: 0003_checks_and_indexes
Revises: 0002_reason_codes
Create Date: 2026-12-10 12:00:00
"""

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0003_checks_and_indexes'
down_revision: str | None = '0002_reason_codes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("teacher", "deputy", "admin", "secretary")
LANGUAGES = ("ru", "en", "uz", "tg", "ky")
WORK_TYPES = ("oral", "written", "test", "essay", "homework", "practical", "dictation", "lab")
TOPICS = ("marks", "attendance", "homework", "remarks", "announcements", "period_marks")
MODES = ("instant", "daily", "weekly", "off")
CHANNELS = ("telegram", "email", "sms")
ATTENDANCE = {"н": "absent", "б": "ill", "оп": "late"}
LETTERS = {code: letter for letter, code in ATTENDANCE.items()}


def _quoted(values: Iterable[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _one_of(column: str, values: Iterable[str]) -> tuple[str, str]:
    return column, f"{column} IN ({_quoted(values)})"


def _between(column: str, low: int, high: int) -> tuple[str, str]:
    return column, f"{column} BETWEEN {low} AND {high}"


def _at_least(column: str, low: int) -> tuple[str, str]:
    return column, f"{column} >= {low}"


def _stripped(expression: str, tokens: Iterable[str]) -> str:
    for token in tokens:
        expression = f"replace({expression}, '{token}', '')"
    return expression


def _json_list_of(column: str, values: Iterable[str]) -> tuple[str, str]:
    items = [f'"{value}"' for value in values]
    rest = _stripped(f"CAST({column} AS TEXT)", [*items, "[", "]", ",", " "])
    return column, f"CAST({column} AS TEXT) LIKE '[%]' AND {rest} = ''"


def _json_map_of(column: str, keys: Iterable[str], values: Iterable[str]) -> tuple[str, str]:
    tokens = [*(f'"{key}":' for key in keys), *(f'"{value}"' for value in values)]
    rest = _stripped(f"CAST({column} AS TEXT)", [*tokens, "{", "}", ",", " "])
    return column, f"CAST({column} AS TEXT) LIKE '{{%}}' AND {rest} = ''"


# table -> [(column, condition)]; each becomes the constraint ck_<table>_<column>
CHECKS: dict[str, list[tuple[str, str]]] = {
    "staff": [_json_list_of("roles", ROLES)],
    "enrollment": [_one_of("reason", ("enrolled", "transferred"))],
    "guardian": [
        _one_of("language", LANGUAGES),
        _one_of("consent_source", ("telegram", "paper", "web")),
    ],
    "school_class": [_between("grade", 1, 11)],
    "class_group": [_one_of("kind", ("subgroup", "elective"))],
    "timetable_entry": [_between("weekday", 0, 6), _at_least("slot", 0)],
    "period": [_one_of("kind", ("quarter", "half", "year"))],
    "lesson": [_at_least("slot", 0), _one_of("work_type", WORK_TYPES)],
    "attendance": [
        _one_of("status", ("absent", "ill", "late")),
        _between("minutes_late", 1, 45),
    ],
    "mark": [_between("value", 2, 5), _one_of("work_type", WORK_TYPES)],
    "homework": [_one_of("source", ("journal", "fallback"))],
    "remark": [_one_of("kind", ("remark", "praise", "appeal"))],
    "period_mark": [
        _one_of("value", ("2", "3", "4", "5", "осв", "н/а")),
        _one_of("kind", ("preliminary", "final")),
    ],
    "scheduled_test": [_one_of("work_type", WORK_TYPES)],
    "invite_code": [_one_of("purpose", ("guardian", "staff"))],
    "audit_entry": [
        _one_of("actor_kind", ("staff", "guardian", "system")),
        _one_of("action", ("create", "update", "delete")),
    ],
    "acknowledgement": [_one_of("via", ("telegram", "web"))],
    "contact_change": [_one_of("channel", ("email", "sms"))],
    "access_token": [_one_of("kind", ("session", "api"))],
    "roster_import": [
        _one_of("status", ("uploaded", "checked", "imported", "cancelled", "expired"))
    ],
    "statement_export": [_one_of("format", ("pdf", "xlsx")), _one_of("language", LANGUAGES)],
    "guardian_settings": [
        _json_map_of("modes", TOPICS, MODES),
        _json_list_of("channels", CHANNELS),
        _between("weekly_weekday", 0, 6),
    ],
    "contact_status": [_one_of("channel", CHANNELS)],
    "notification": [
        _one_of("topic", (*TOPICS, "mixed")),
        _one_of("mode", MODES),
        _one_of("status", ("open", "sending", "sent", "cancelled", "failed")),
    ],
    "delivery": [
        _one_of("channel", CHANNELS),
        _one_of("status", ("pending", "sending", "sent", "failed", "cancelled")),
    ],
}

# (table, name, columns, where, unique)
PARTIAL_INDEXES = (
    (
        "lesson",
        "uq_lesson_class_date_slot",
        ["class_id", "date", "slot"],
        "group_id IS NULL AND deleted_at IS NULL",
        True,
    ),
    (
        "lesson",
        "uq_lesson_group_date_slot",
        ["group_id", "date", "slot"],
        "group_id IS NOT NULL AND deleted_at IS NULL",
        True,
    ),
    ("outbox_event", "ix_outbox_event_unrelayed", ["occurred_at", "id"], "relayed_at IS NULL", False),
    (
        "outbox_event",
        "ix_outbox_event_undispatched",
        ["occurred_at", "id"],
        "dispatched_at IS NULL",
        False,
    ),
    ("notification", "ix_notification_open_due", ["due_at", "id"], "status = 'open'", False),
    ("delivery", "ix_delivery_pending_created", ["created_at", "id"], "status = 'pending'", False),
    ("delivery", "ix_delivery_sending_since", ["sending_since"], "status = 'sending'", False),
)
# The indexes of 0001 that the partial ones replace: (table, name, column).
REPLACED_INDEXES = (
    ("outbox_event", "ix_outbox_event_relayed_at", "relayed_at"),
    ("outbox_event", "ix_outbox_event_dispatched_at", "dispatched_at"),
    ("notification", "ix_notification_status", "status"),
    ("notification", "ix_notification_due_at", "due_at"),
    ("delivery", "ix_delivery_status", "status"),
)


def upgrade() -> None:
    _convert_attendance(ATTENDANCE)
    _refuse_duplicate_lessons()
    for table, index, _ in REPLACED_INDEXES:
        op.drop_index(index, table_name=table)
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table) as batch:
            for column, condition in checks:
                batch.create_check_constraint(op.f(f"ck_{table}_{column}"), condition)
    for table, name, columns, where, unique in PARTIAL_INDEXES:
        op.create_index(
            name,
            table,
            columns,
            unique=unique,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade() -> None:
    for table, name, *_ in PARTIAL_INDEXES:
        op.drop_index(name, table_name=table)
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table) as batch:
            for column, _ in checks:
                batch.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
    for table, index, column in REPLACED_INDEXES:
        op.create_index(index, table, [column])
    _convert_attendance(LETTERS)


def _convert_attendance(codes: dict[str, str]) -> None:
    """Attendance rows, attendance events and the audit log's attendance values."""
    rows = sa.table("attendance", sa.column("status", sa.String))
    for old, new in codes.items():
        op.execute(sa.update(rows).where(rows.c.status == old).values(status=new))
    changed = {"status": codes, "old_status": codes}
    _rewrite_json("outbox_event", "kind", "attendance_marked", ["payload"], sa.String, changed)
    _rewrite_json("audit_entry", "entity", "attendance", ["old", "new"], sa.Integer, changed)


def _rewrite_json(
    table: str,
    key: str,
    value: str,
    columns: list[str],
    id_type: Callable[[], Any] | type[Any],
    changed: dict[str, dict[str, str]],
) -> None:
    """In the rows where `key` is `value`, replace the values of the `changed` fields
    inside each JSON column."""
    rows = sa.table(
        table,
        sa.column("id", id_type),
        sa.column(key, sa.String),
        *(sa.column(c, sa.JSON(none_as_null=True)) for c in columns),
    )
    connection = op.get_bind()
    found = connection.execute(
        sa.select(rows.c.id, *(rows.c[c] for c in columns)).where(rows.c[key] == value)
    ).all()
    for row_id, *documents in found:
        new = {}
        for column, document in zip(columns, documents, strict=True):
            if isinstance(document, str):  # some drivers hand JSON back as text
                document = json.loads(document)
            if isinstance(document, dict) and any(
                document.get(field) in codes for field, codes in changed.items()
            ):
                new[column] = {
                    field: changed[field].get(v, v) if field in changed else v
                    for field, v in document.items()
                }
        if new:
            connection.execute(sa.update(rows).where(rows.c.id == row_id).values(new))


def _refuse_duplicate_lessons() -> None:
    """Two live lessons of one class (or group) in one bell cannot both stay: the
    upgrade stops and names them, for someone to delete one in the journal."""
    connection = op.get_bind()
    found = connection.execute(
        sa.text(
            "SELECT class_id, group_id, date, slot, COUNT(*) FROM lesson "
            "WHERE deleted_at IS NULL GROUP BY class_id, group_id, date, slot "
            "HAVING COUNT(*) > 1"
        )
    ).all()
    if found:
        described = "; ".join(
            f"class {c} group {g or '-'} on {d} bell {s}: {n} lessons" for c, g, d, s, n in found
        )
        raise RuntimeError(f"duplicate lessons, delete all but one of each first: {described}")
