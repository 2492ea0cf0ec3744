"""Liveness signals shared by the processes and by `zvonok run`."""

from __future__ import annotations

from sqlalchemy import text

from core.db import Database

# The worker's `heartbeat` cron writes the current UTC time here; readers treat a
# missing key (it expires) as "no worker is running".
HEARTBEAT_KEY = "zvonok:worker:heartbeat"
HEARTBEAT_TTL_SECONDS = 90  # the cron writes every 30 s: a missed beat or two is fine


async def check_database(db: Database) -> None:
    """Raise if the database does not answer a trivial query."""
    async with db.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
