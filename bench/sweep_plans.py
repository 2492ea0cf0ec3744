"""The sweeper's queries on a year's worth of rows: their plans before and after 0003.

Fills a throw-away PostgreSQL database at revision 0002 with a busy school year of
delivery rows (by default a million outbox events, a million notifications, 1.2
million deliveries, almost all of them long finished), runs `EXPLAIN (ANALYZE,
BUFFERS)` on each query the relay and the sweeper run every few seconds
(`core.delivery.sweep`, captured as SQLAlchemy sends them), upgrades to revision 0003
(CHECK constraints, the sweeper's partial indexes) and explains them again.

    python -m bench.sweep_plans --postgres postgresql://postgres@127.0.0.1:5432/postgres

Stdout: the plans, as Markdown; the last line one JSON object with each query's
execution time before and after, in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import event

from bench.databases import add_database_option, temporary_database
from bench.report import emit, progress
from core.db import Database
from core.delivery import sweep
from core.migrate import upgrade_database
from core.uow import UnitOfWork

START = dt.datetime(2026, 9, 1, 6, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2027, 3, 15, 12, 0, tzinfo=dt.UTC)
STUCK_AFTER = dt.timedelta(minutes=10)


def _step(count: int) -> str:
    """The interval between rows that spreads `count` of them from START to NOW."""
    seconds = (NOW - START).total_seconds() / count
    return f"interval '{seconds:.3f} seconds'"


def _fill_sql(events: int, notifications: int, deliveries: int) -> list[str]:
    """Half a school year of rows ending at NOW: all handled but the last few hundred."""
    start = f"TIMESTAMP '{START:%Y-%m-%d %H:%M}'"
    e, n, d = _step(events), _step(notifications), _step(deliveries)
    return [
        "INSERT INTO school (id, name, timezone, bells, policy, created_at) "
        "VALUES (1, 'Школа', 'Europe/Moscow', '[]', '{}', now())",
        "INSERT INTO guardian (id, school_id, last_name, first_name, middle_name, language, "
        "wants_paper_summary, created_at) SELECT g, 1, 'Родитель', 'Имя', '', 'ru', false, "
        "now() FROM generate_series(1, 3000) g",
        # Events: relayed and dispatched a second after they occurred; the last 200 not
        # relayed yet, the 300 before them relayed but not dispatched.
        f"INSERT INTO outbox_event (id, school_id, kind, entity, payload, occurred_at, "
        f"relayed_at, dispatched_at, attempts) SELECT md5(i::text), 1, 'mark_posted', "
        f"'mark:' || i, '{{}}', {start} + i * {e}, "
        f"CASE WHEN i > {events} - 200 THEN NULL "
        f"ELSE {start} + i * {e} + interval '1 second' END, "
        f"CASE WHEN i > {events} - 500 THEN NULL "
        f"ELSE {start} + i * {e} + interval '2 seconds' END, 1 "
        f"FROM generate_series(1, {events}) i",
        # Notifications: sent, but the last 600 open (due two hours after they were
        # opened, as a digest is: the older quarter of them is due) and a few failed.
        f"INSERT INTO notification (id, school_id, guardian_id, topic, mode, urgent, status, "
        f"due_at, created_at) SELECT i, 1, 1 + i % 3000, 'marks', 'instant', false, "
        f"CASE WHEN i > {notifications} - 600 THEN 'open' WHEN i % 50000 = 0 THEN 'failed' "
        f"ELSE 'sent' END, "
        f"{start} + i * {n} + interval '2 hours', "
        f"{start} + i * {n} FROM generate_series(1, {notifications}) i",
        # Deliveries: one per notification, a fifth with a second channel; the last 300
        # pending, 40 stuck sending.
        f"INSERT INTO delivery (id, school_id, notification_id, guardian_id, channel, "
        f"address, status, attempts, parts, created_at, sending_since, sent_at) "
        f"SELECT i, 1, 1 + (i - 1) % {notifications}, 1, "
        f"CASE WHEN i > {notifications} THEN 'email' ELSE 'telegram' END, '5550001', "
        f"CASE WHEN i > {deliveries} - 300 THEN 'pending' "
        f"WHEN i > {deliveries} - 340 THEN 'sending' ELSE 'sent' END, 1, 1, "
        f"{start} + i * {d}, "
        f"{start} + i * {d} + interval '1 second', "
        f"CASE WHEN i > {deliveries} - 340 THEN NULL "
        f"ELSE {start} + i * {d} + interval '2 seconds' END "
        f"FROM generate_series(1, {deliveries}) i",
    ]


Captured = list[tuple[str, tuple[Any, ...]]]


def _capture(db: Database, into: Captured) -> None:
    @event.listens_for(db.engine.sync_engine, "before_cursor_execute")
    def keep(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            into.append((statement, tuple(params or ())))


async def _queries(url: str) -> dict[str, tuple[str, tuple[Any, ...]]]:
    """Each sweeper query as SQLAlchemy sends it to asyncpg: statement and parameters."""
    db = Database(url)
    captured: Captured = []
    _capture(db, captured)
    reads: dict[str, Callable[[Any], Awaitable[Any]]] = {
        "unrelayed_events": lambda s: sweep.unrelayed_events(s, limit=500),
        "stale_undispatched_events": lambda s: sweep.stale_undispatched_events(
            s, now=NOW, older_than=dt.timedelta(minutes=2)
        ),
        "due_notifications": lambda s: sweep.due_notifications(s, now=NOW, limit=500),
        "retryable_deliveries": lambda s: sweep.retryable_deliveries(s, now=NOW, limit=500),
    }
    found: dict[str, tuple[str, tuple[Any, ...]]] = {}
    try:
        for name, read in reads.items():
            captured.clear()
            async with db.session() as session:
                await read(session)
            found[name] = captured[-1]
        # Long before any row: it finds nothing to reset and changes nothing; the plan
        # is explained with the real cut-off below.
        captured.clear()
        await sweep.reset_stuck_sending(
            UnitOfWork(db), now=dt.datetime(2000, 1, 1, tzinfo=dt.UTC), older_than=STUCK_AFTER
        )
        statement, params = next(c for c in captured if "sending_since" in c[0])
        cutoff = (NOW - STUCK_AFTER).replace(tzinfo=None)
        found["reset_stuck_sending"] = (
            statement,
            tuple(cutoff if isinstance(p, dt.datetime) else p for p in params),
        )
    finally:
        await db.dispose()
    return found


async def _explain(
    dsn: str, queries: dict[str, tuple[str, tuple[Any, ...]]]
) -> dict[str, tuple[str, float]]:
    connection = await asyncpg.connect(dsn)
    plans: dict[str, tuple[str, float]] = {}
    try:
        for name, (statement, params) in queries.items():
            await connection.fetch(statement, *params)  # warm the cache: compare plans
            rows = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", *params)
            plan = "\n".join(row[0] for row in rows)
            match = re.search(r"Execution Time: ([\d.]+) ms", plan)
            plans[name] = (plan, float(match.group(1)) if match else -1.0)
    finally:
        await connection.close()
    return plans


INDEX_SIZES = """
SELECT indexrelname, pg_relation_size(indexrelid) FROM pg_stat_user_indexes
WHERE relname IN ('outbox_event', 'notification', 'delivery') ORDER BY relname, indexrelname
"""


async def _index_sizes(dsn: str) -> dict[str, int]:
    """Each index of the three tables and its size in bytes: what every write updates."""
    connection = await asyncpg.connect(dsn)
    try:
        return {name: size for name, size in await connection.fetch(INDEX_SIZES)}
    finally:
        await connection.close()


async def _fill(dsn: str, sizes: tuple[int, int, int]) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        for statement in _fill_sql(*sizes):
            await connection.execute(statement)
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def run(postgres: str, sizes: tuple[int, int, int]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="zvonok-bench-") as scratch:
        async with temporary_database(Path(scratch), postgres) as url:
            dsn = url.replace("postgresql+asyncpg://", "postgresql://")
            await upgrade_database(url, "0002_reason_codes")
            progress(
                f"filling: {sizes[0]:,} events, {sizes[1]:,} notifications, {sizes[2]:,} deliveries"
            )
            await _fill(dsn, sizes)
            queries = await _queries(url)
            before = await _explain(dsn, queries)
            sizes_before = await _index_sizes(dsn)
            progress("upgrading to 0003")
            await upgrade_database(url)
            await _fill_statistics(dsn)
            after = await _explain(dsn, queries)
            sizes_after = await _index_sizes(dsn)
    return {
        "queries": queries,
        "before": before,
        "after": after,
        "indexes": {"before": sizes_before, "after": sizes_after},
    }


async def _fill_statistics(dsn: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


LABELS = {"before": "before (revision 0002)", "after": "after (revision 0003)"}


def _markdown(result: dict[str, Any]) -> str:
    parts = []
    for name, (statement, _) in result["queries"].items():
        parts.append(f"### {name}\n\n```sql\n{statement}\n```")
        for when in ("before", "after"):
            plan, _ms = result[when][name]
            parts.append(f"{LABELS[when]}:\n\n```\n{plan}\n```")
    for when in ("before", "after"):
        rows = "\n".join(
            f"| {name} | {size / 1024:,.0f} KB |" for name, size in result["indexes"][when].items()
        )
        parts.append(f"### Indexes, {LABELS[when]}\n\n| index | size |\n|---|---|\n{rows}")
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_option(parser)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--notifications", type=int, default=1_000_000)
    parser.add_argument("--deliveries", type=int, default=1_200_000)
    args = parser.parse_args()
    postgres = args.postgres or os.environ.get("BENCH_POSTGRES_URL")
    if not postgres:
        parser.error("PostgreSQL only: give --postgres URL (or BENCH_POSTGRES_URL)")
    sizes = (args.events, args.notifications, args.deliveries)
    result = asyncio.run(run(postgres, sizes))
    figures = {
        name: {"before_ms": result["before"][name][1], "after_ms": result["after"][name][1]}
        for name in result["queries"]
    }
    emit(
        _markdown(result),
        {
            "sizes": dict(zip(("events", "notifications", "deliveries"), sizes, strict=True)),
            "queries": figures,
        },
    )


if __name__ == "__main__":
    main()
