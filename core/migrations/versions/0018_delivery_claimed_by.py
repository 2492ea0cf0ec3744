"""The worker that claimed a delivery

- `delivery.claimed_by`: the id of the worker process that holds a delivery `sending`
  (`workers.liveness`). While that worker's heartbeat lives in Redis, nobody else
  touches the delivery; once it is gone, another worker takes the delivery over in
  seconds instead of waiting out the stuck-`sending` window. Older rows have none and
  are left to that window, as before.

Revision ID: 0018_delivery_claimed_by
Revises: 0017_max_messenger
Create Date: 2026-12-07 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_delivery_claimed_by"
down_revision: str | None = "0017_max_messenger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("delivery") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("delivery") as batch:
        batch.drop_column("claimed_by")
