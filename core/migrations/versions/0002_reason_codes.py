"""reason codes

Why a notification or a delivery stopped, and why a contact point is dead, become
codes with JSON parameters (core/delivery/reasons.py) instead of Russian prose:
`notification.reason`, `delivery.error` and `contact_status.reason` hold the code,
the new `*_params` columns its parameters. Existing rows are converted where their
prose is recognised; a channel's own words become a `provider` reason, other prose a
`text` reason shown as it is. The downgrade writes the Russian prose back.

The tables of words are this file's own: a migration must not change when the
application's texts do.

Revision ID: 0002_reason_codes
Revises: 0001_initial
Create Date: 2026-12-06 12:00:00
"""

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0002_reason_codes'
down_revision: str | None = '0001_initial'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, code column, new parameters column, what unrecognised prose is)
COLUMNS = (
    ("notification", "reason", "reason_params", "text"),
    ("delivery", "error", "error_params", "provider"),
    ("contact_status", "reason", "reason_params", "provider"),
)
PLAIN = {
    "согласие на обработку данных отозвано": "consent_withdrawn",
    "нечего сообщать: запись исправлена или удалена": "nothing_left",
    "нет доступного канала связи": "no_channel",
    "канал больше не выбран": "channel_dropped",
    "родитель отключил такие сообщения": "switched_off",
    "дневной лимит SMS школы исчерпан": "sms_budget_spent",
    "прервано: отправка будет повторена": "interrupted",
}
PROSE = {code: text for text, code in PLAIN.items()}
GAVE_UP = re.compile(r"не удалось после (\d+) попыток: (.*)", re.S)
UNDELIVERED = re.compile(r"не доставлено ни по одному каналу \((.*)\)", re.S)
SEND_ERROR = re.compile(r"ошибка отправки: (\w+)")
NOT_CONFIGURED = re.compile(r"канал (\w+) не настроен на сервере")
CHANNELS = ("telegram", "email", "sms")


def upgrade() -> None:
    for table, column, params, _ in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(params, sa.JSON(), nullable=True))
    for table, column, params, other in COLUMNS:
        _rewrite(table, column, params, lambda text, _, other=other: _code_of(text, other))


def downgrade() -> None:
    for table, column, params, _ in COLUMNS:
        _rewrite(table, column, params, lambda code, stored: (_prose(code, stored), None))
    for table, _, params, _ in COLUMNS:
        # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): copying the table, as
        # batch mode otherwise does, would drop rows other tables' keys point at.
        with op.batch_alter_table(table, recreate="never") as batch:
            batch.drop_column(params)


def _rewrite(
    table: str, column: str, params: str, convert: Callable[[str, Any], tuple[str, Any]]
) -> None:
    """Run `convert` over every row with a value in `column` (the value and the
    parameters stored), writing both columns."""
    rows = sa.table(
        table,
        sa.column("id", sa.Integer),
        sa.column(column, sa.String),
        sa.column(params, sa.JSON(none_as_null=True)),
    )
    connection = op.get_bind()
    found = connection.execute(
        sa.select(rows.c.id, rows.c[column], rows.c[params]).where(rows.c[column].is_not(None))
    ).all()
    for row_id, value, stored in found:
        if isinstance(stored, str):  # some drivers hand JSON back as text
            stored = json.loads(stored)
        new_value, new_params = convert(value, stored)
        connection.execute(
            sa.update(rows)
            .where(rows.c.id == row_id)
            .values({column: new_value, params: new_params})
        )


def _code_of(text: str, other: str) -> tuple[str, dict[str, Any] | None]:
    """Russian prose of the pipeline as (code, parameters)."""
    if text in PLAIN:
        return PLAIN[text], None
    if match := GAVE_UP.fullmatch(text):
        code, params = _code_of(match.group(2), "provider")
        last = {"code": code, "params": params or {}}
        return "gave_up", {"attempts": int(match.group(1)), "last": last}
    if match := UNDELIVERED.fullmatch(text):
        return "undelivered", {"tried": _tried(match.group(1))}
    if match := SEND_ERROR.fullmatch(text):
        return "send_error", {"error": match.group(1)}
    if match := NOT_CONFIGURED.fullmatch(text):
        return "channel_not_configured", {"channel": match.group(1)}
    if other == "provider":
        return "provider", {"detail": text}
    return "text", {"text": text}


def _tried(text: str) -> list[dict[str, Any]]:
    tried = []
    for part in text.split("; "):
        channel, _, why = part.partition(": ")
        if channel not in CHANNELS or not why:
            continue
        code, params = _code_of(why, "provider")
        tried.append({"channel": channel, "reason": {"code": code, "params": params or {}}})
    return tried


def _prose(code: str, params: dict[str, Any] | None) -> str:
    """A code as the Russian prose the pipeline wrote before 0002."""
    p = params or {}
    if code in PROSE:
        return PROSE[code]
    if code == "gave_up":
        last = p.get("last") or {}
        inner = _prose(str(last.get("code", "")), last.get("params"))
        return f"не удалось после {p.get('attempts', 0)} попыток: {inner}"
    if code == "undelivered":
        tried = "; ".join(
            f"{t.get('channel')}: {_prose(str(t['reason'].get('code', '')), t['reason'].get('params'))}"
            for t in p.get("tried", [])
            if isinstance(t, dict) and isinstance(t.get("reason"), dict)
        )
        return f"не доставлено ни по одному каналу ({tried})"
    if code == "send_error":
        return f"ошибка отправки: {p.get('error', '')}"
    if code == "channel_not_configured":
        return f"канал {p.get('channel', '')} не настроен на сервере"
    if code == "receipt":
        return f"{p.get('provider', '')}: {p.get('detail') or 'not delivered'}"
    if code == "provider":
        return str(p.get("detail", ""))
    if code == "text":
        return str(p.get("text", ""))
    return code
