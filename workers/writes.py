"""Taking turns at SQLite's single write lock within one worker process."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from core.db import Database


def sqlite_writer(db: Database) -> asyncio.Lock | None:
    """The lock a worker's writes take turns at, for `ctx["sqlite_writer"]` (see writing)."""
    return asyncio.Lock() if db.is_sqlite else None


def writing(ctx: dict[str, Any]) -> contextlib.AbstractAsyncContextManager[Any]:
    """Hold this around a core call that writes (one unit of work).

    SQLite has one writer at a time, and a connection refused the lock sleeps in
    SQLite's busy handler (up to 100 ms a try) while the lock may well be free again.
    With ten jobs of each worker fighting for it, a 400-family broadcast took half as
    long again as with each worker's writes taking turns in an asyncio lock (sends
    still overlap). PostgreSQL has row locks and needs no turns.
    """
    lock: asyncio.Lock | None = ctx.get("sqlite_writer")
    return lock if lock is not None else contextlib.nullcontext()
