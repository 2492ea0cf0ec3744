"""API tokens expire; failed sign-ins are counted per source

- `access_token`: API tokens now expire (ZVONOK_API_TOKEN_TTL_DAYS, 90 by default).
  Live API tokens made before have no expiry; they get the default lifetime counted
  from this upgrade, so no program stops at once. The downgrade takes the expiry away
  again (the code before this revision gave API tokens none).
- `login_throttle`: a row counts a (login, source) pair, `source` being the client's
  address or a known browser (core/services/login_guard.py); the unique key becomes
  (login, source). Existing rows keep counting their login over every address
  (source ""). The downgrade drops the rows that have a source: the old table cannot
  hold them, and they are counters that would have expired within minutes anyway.

Revision ID: 0005_token_expiry_login_sources
Revises: 0004_email_opt_out
Create Date: 2026-12-11 12:00:00
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_token_expiry_login_sources"
down_revision: str | None = "0004_email_opt_out"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The setting's default when this revision was written: a migration must not change
# when the application does.
API_TOKEN_TTL = dt.timedelta(days=90)

access_token = sa.table(
    "access_token",
    sa.column("kind", sa.String),
    sa.column("expires_at", sa.DateTime),
    sa.column("revoked_at", sa.DateTime),
)
login_throttle = sa.table("login_throttle", sa.column("source", sa.String))


def upgrade() -> None:
    # Instants are stored as naive UTC (core.models.base.UTCDateTime).
    expiry = (dt.datetime.now(dt.UTC) + API_TOKEN_TTL).replace(tzinfo=None)
    op.execute(
        access_token.update()
        .where(
            access_token.c.kind == "api",
            access_token.c.expires_at.is_(None),
            access_token.c.revoked_at.is_(None),
        )
        .values(expires_at=expiry)
    )
    with op.batch_alter_table("login_throttle") as batch:
        batch.add_column(
            sa.Column("source", sa.String(length=64), nullable=False, server_default="")
        )
        batch.drop_constraint("uq_login_throttle_login", type_="unique")
        batch.create_unique_constraint("uq_login_throttle_login_source", ["login", "source"])


def downgrade() -> None:
    op.execute(login_throttle.delete().where(login_throttle.c.source != ""))
    with op.batch_alter_table("login_throttle") as batch:
        batch.drop_constraint("uq_login_throttle_login_source", type_="unique")
        batch.drop_column("source")
        batch.create_unique_constraint("uq_login_throttle_login", ["login"])
    op.execute(access_token.update().where(access_token.c.kind == "api").values(expires_at=None))
