"""the audit log as a hash chain per school; the written reason of a change

- `audit_entry.seq`, `.prev_hash`, `.hash`: each school's entries numbered 1, 2, 3…
  and chained (`core.audit.chain`); unique (school_id, seq).
- `audit_entry.reason`: the written reason of a change that needs one.
- `audit_chain`: each school's head (last number and hash), locked while sealing.
Existing entries are sealed here, per school in the order they were written (id).

Revision ID: 0010_audit_chain
Revises: 0009_subject_flags
Create Date: 2026-12-09 10:00:00
"""

from collections.abc import Sequence
from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

from core.audit.chain import GENESIS, ChainHead, seal
from core.models.base import UTCDateTime

revision: str = "0010_audit_chain"
down_revision: str | None = "0009_subject_flags"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTRIES = sa.table(
    "audit_entry",
    sa.column("id", sa.Integer()),
    sa.column("school_id", sa.Integer()),
    sa.column("at", UTCDateTime()),
    sa.column("actor_kind", sa.String()),
    sa.column("actor_id", sa.Integer()),
    sa.column("entity", sa.String()),
    sa.column("entity_id", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("old", sa.JSON()),
    sa.column("new", sa.JSON()),
    sa.column("reason", sa.String()),
    sa.column("seq", sa.Integer()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)
BATCH = 2000


def _seal_existing() -> dict[int, ChainHead]:
    connection = op.get_bind()
    heads: dict[int, ChainHead] = {}
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(ENTRIES).where(ENTRIES.c.id > last_id).order_by(ENTRIES.c.id).limit(BATCH)
        ).all()
        if not rows:
            return heads
        for row in rows:
            entry = SimpleNamespace(**row._mapping)
            head = heads.get(entry.school_id, ChainHead(entry.school_id, 0, GENESIS))
            heads[entry.school_id] = seal(head, [entry])
            connection.execute(
                ENTRIES.update()
                .where(ENTRIES.c.id == entry.id)
                .values(seq=entry.seq, prev_hash=entry.prev_hash, hash=entry.hash)
            )
        last_id = rows[-1].id


def upgrade() -> None:
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(sa.Column("reason", sa.String(), nullable=True))
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    op.create_table(
        "audit_chain",
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_audit_chain_school_id_school")
        ),
        sa.PrimaryKeyConstraint("school_id", name=op.f("pk_audit_chain")),
    )
    heads = _seal_existing()
    chain = sa.table(
        "audit_chain", sa.column("school_id"), sa.column("seq"), sa.column("hash")
    )
    if heads:
        op.bulk_insert(chain, [head.as_json() for head in heads.values()])
    with op.batch_alter_table("audit_entry") as batch:
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch.create_unique_constraint(
            op.f("uq_audit_entry_school_id_seq"), ["school_id", "seq"]
        )


def downgrade() -> None:
    op.drop_table("audit_chain")
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_constraint(op.f("uq_audit_entry_school_id_seq"), type_="unique")
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
        batch.drop_column("reason")
