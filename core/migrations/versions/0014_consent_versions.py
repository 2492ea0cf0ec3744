"""consent on file: versioned consent texts, each guardian's decisions, erasure reports

- `consent_text`: a school's consent text, version 1, 2, 3… (unique per school), the
  text per language as published, when and by whom, whether it asks for re-consent.
- `consent_record`: one decision of a guardian (given | declined | withdrawn) on one
  version: when, the channel, the language it was shown in and the text's SHA-256.
- `personal_data_erasure`: what an erasure (a parent's request, the retention
  schedule) removed, as counts.
Every existing school gets version 1, the catalog text (`core.consent_texts`) in each
parents' language; every guardian whose consent is on record gets a «given» record on
it (and a «withdrawn» one when it was withdrawn), in the guardian's language.

Revision ID: 0014_consent_versions
Revises: 0016_breach_voids
Create Date: 2026-12-06 14:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from core.consent_texts import default_texts, shown_text, text_sha256
from core.models.base import UTCDateTime

revision: str = "0014_consent_versions"
down_revision: str | None = "0016_breach_voids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LANGUAGES = "'ru', 'en', 'uz', 'tg', 'ky'"


def _create_tables() -> None:
    op.create_table(
        "consent_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("requires_reconsent", sa.Boolean(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["published_by"], ["staff.id"], name=op.f("fk_consent_text_published_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_consent_text_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_text")),
        sa.UniqueConstraint("school_id", "version", name=op.f("uq_consent_text_school_id_version")),
    )
    op.create_index(op.f("ix_consent_text_school_id"), "consent_text", ["school_id"])
    op.create_table(
        "consent_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("text_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("actor_kind", sa.String(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "decision IN ('given', 'declined', 'withdrawn')",
            name=op.f("ck_consent_record_decision"),
        ),
        sa.CheckConstraint(
            "channel IN ('telegram', 'web', 'paper', 'max')", name=op.f("ck_consent_record_channel")
        ),
        sa.CheckConstraint(f"language IN ({LANGUAGES})", name=op.f("ck_consent_record_language")),
        sa.ForeignKeyConstraint(
            ["guardian_id"], ["guardian.id"], name=op.f("fk_consent_record_guardian_id_guardian")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_consent_record_school_id_school")
        ),
        sa.ForeignKeyConstraint(
            ["text_id"], ["consent_text.id"], name=op.f("fk_consent_record_text_id_consent_text")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_record")),
    )
    for column in ("school_id", "guardian_id", "text_id"):
        op.create_index(op.f(f"ix_consent_record_{column}"), "consent_record", [column])
    op.create_table(
        "personal_data_erasure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("guardians", sa.Integer(), nullable=False),
        sa.Column("removed", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('request', 'retention')", name=op.f("ck_personal_data_erasure_kind")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_personal_data_erasure_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_data_erasure")),
    )
    op.create_index(
        op.f("ix_personal_data_erasure_school_id"), "personal_data_erasure", ["school_id"]
    )


SCHOOLS = sa.table("school", sa.column("id", sa.Integer()), sa.column("name", sa.String()))
GUARDIANS = sa.table(
    "guardian",
    sa.column("id", sa.Integer()),
    sa.column("school_id", sa.Integer()),
    sa.column("language", sa.String()),
    sa.column("consent_given_at", UTCDateTime()),
    sa.column("consent_withdrawn_at", UTCDateTime()),
    sa.column("consent_source", sa.String()),
)
TEXTS = sa.table(
    "consent_text",
    sa.column("id", sa.Integer()),
    sa.column("school_id", sa.Integer()),
    sa.column("version", sa.Integer()),
    sa.column("texts", sa.JSON()),
    sa.column("requires_reconsent", sa.Boolean()),
    sa.column("published_at", UTCDateTime()),
    sa.column("published_by", sa.Integer()),
)
RECORDS = sa.table(
    "consent_record",
    *(
        sa.column(name, kind)
        for name, kind in (
            ("school_id", sa.Integer()),
            ("guardian_id", sa.Integer()),
            ("text_id", sa.Integer()),
            ("version", sa.Integer()),
            ("decision", sa.String()),
            ("at", UTCDateTime()),
            ("channel", sa.String()),
            ("language", sa.String()),
            ("text_sha256", sa.String()),
            ("actor_kind", sa.String()),
            ("actor_id", sa.Integer()),
        )
    ),
)


def _records(guardian: Any, text_id: int, texts: dict[str, str]) -> list[dict[str, Any]]:
    g = guardian._mapping
    language, text = shown_text(texts, str(g["language"]))
    kept = {
        "school_id": g["school_id"],
        "guardian_id": g["id"],
        "text_id": text_id,
        "version": 1,
        "channel": g["consent_source"] or "paper",
        "language": language,
        "text_sha256": text_sha256(text),
        "actor_kind": "system",
        "actor_id": None,
    }
    rows = [{**kept, "decision": "given", "at": g["consent_given_at"]}]
    if g["consent_withdrawn_at"] is not None:
        rows.append({**kept, "decision": "withdrawn", "at": g["consent_withdrawn_at"]})
    return rows


def _first_versions() -> None:
    connection = op.get_bind()
    now = datetime.now(UTC)
    for school_id, name in connection.execute(sa.select(SCHOOLS.c.id, SCHOOLS.c.name)).all():
        texts = default_texts(str(name))
        text_id = connection.execute(
            TEXTS.insert()
            .values(
                school_id=school_id,
                version=1,
                texts=texts,
                requires_reconsent=False,
                published_at=now,
                published_by=None,
            )
            .returning(TEXTS.c.id)
        ).scalar_one()
        guardians = connection.execute(
            sa.select(GUARDIANS)
            .where(GUARDIANS.c.school_id == school_id, GUARDIANS.c.consent_given_at.is_not(None))
            .order_by(GUARDIANS.c.id)
        ).all()
        rows = [row for g in guardians for row in _records(g, text_id, texts)]
        if rows:
            connection.execute(RECORDS.insert(), rows)


def upgrade() -> None:
    _create_tables()
    _first_versions()


def downgrade() -> None:
    op.drop_table("personal_data_erasure")
    op.drop_table("consent_record")
    op.drop_table("consent_text")
