"""How long the deputy's control dashboard takes for a whole school and a whole period.

    python -m bench.control_dashboard [--postgres URL] [--today YYYY-MM-DD] [--requests N]

Starts what it needs: a temp SQLite database (or a throw-away PostgreSQL one) with the
demo school (`core.demo.load_demo`: about 600 pupils in 27 classes, its journal from
September to --today). The deputy director (the demo's login) signs in through the
sign-in form of the real app, run in this process behind httpx's ASGI transport, and
opens `/control`: by default the marking period holding --today (the second quarter,
from its first day to --today: the whole period so far). Figures, p50 and p95 over
--requests requests after --warmup not measured:

- `page_ms`: the page as the server makes it (session check, the read, the template);
- `summary_ms`: `core.reading.control_summary.control_summary` alone (the read model:
  the span, `journal_control`, the homework overload days and the tests off the
  schedule, the delivery reach, the figures);
- `control_ms`: `core.reading.control.journal_control` alone (the rules over the journal,
  the fill rate of the page's period only, as the page asks);
- `week_page_ms`: the page for the week holding --today;
- `queries`: SQL statements of one period page, session check included (the same for
  any school: `tests/web/test_control_dashboard.py` checks it), `page_kb` its size;
- `span`: lessons, marks and teachers the period's page reads.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import re
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import event
from sqlmodel import SQLModel, select

from bench.databases import add_database_option, temporary_database
from bench.report import emit, percentile, progress, rounded
from bench.web_marks import work_directory
from core.actors import StaffActor
from core.db import Database
from core.demo import load_demo
from core.models import Role, School, Staff
from core.reading.access import ReadingUnit
from core.reading.control import journal_control
from core.reading.control_span import SpanAsked
from core.reading.control_summary import control_summary
from core.settings import Settings
from webapp.app import create_app

DEFAULT_TODAY = dt.date(2026, 12, 18)  # a Friday late in the second quarter
SECRET = "bench-control-dashboard-secret-key-0123456789"
_FORM_TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.control_dashboard", description=__doc__)
    add_database_option(parser)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=DEFAULT_TODAY)
    parser.add_argument("--requests", type=int, default=20, help="measured requests")
    parser.add_argument("--warmup", type=int, default=3)
    return parser.parse_args(argv)


async def timed(call: Callable[[], Awaitable[Any]], warmup: int, count: int) -> list[float]:
    for _ in range(warmup):
        await call()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    return times


def figures(times: list[float]) -> dict[str, float | None]:
    return {
        "p50": rounded(percentile(times, 0.5) * 1000, 1),
        "p95": rounded(percentile(times, 0.95) * 1000, 1),
        "min": rounded(min(times) * 1000, 1),
    }


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


async def signed_in(app: Any, login: str, password: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=120
    )
    form = await client.get("/login")
    found = _FORM_TOKEN.search(form.text)
    assert found, "the sign-in page has no CSRF field"
    data = {"login": login, "password": password, "csrf_token": found.group(1)}
    answer = await client.post("/login", data=data)
    assert answer.status_code == 303, answer.text[:500]
    return client


async def deputy_of(db: Database, school_id: int) -> Staff:
    async with db.session() as s:
        for staff in (await s.exec(select(Staff).where(Staff.school_id == school_id))).all():
            if Role.deputy.value in staff.roles:
                return staff
    raise RuntimeError("the demo school has no deputy director")


async def measure(db: Database, url: str, args: argparse.Namespace) -> dict[str, Any]:
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    progress(f"loading the demo school up to {args.today}")
    loaded = await load_demo(db, today=args.today)
    async with db.session() as s:
        school = await s.get(School, loaded.school_id)
        assert school is not None
        zone = ZoneInfo(school.timezone)
    clock = Clock(dt.datetime.combine(args.today, dt.time(16, 0), tzinfo=zone))
    deputy = await deputy_of(db, loaded.school_id)
    actor = StaffActor(staff_id=deputy.id or 0, school_id=loaded.school_id)
    password = next(p for _, login, p, _ in loaded.logins if login == deputy.login)
    settings = Settings(_env_file=None, secret_key=SECRET, database_url=url)  # type: ignore[call-arg, arg-type]
    app = create_app(settings=settings, database=db, clock=clock)
    client = await signed_in(app, deputy.login, password)
    try:
        return await _pages(db, client, actor, clock, args) | {
            "students": loaded.students,
            "classes": loaded.classes,
        }
    finally:
        await client.aclose()


async def _pages(
    db: Database,
    client: httpx.AsyncClient,
    actor: StaffActor,
    clock: Clock,
    args: argparse.Namespace,
) -> dict[str, Any]:
    statements: list[str] = []

    def count(*_: Any) -> None:
        statements.append("")

    await client.get("/control")  # the session's first page records its use
    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    first = await client.get("/control")
    event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert first.status_code == 200, first.text[:500]

    async def page(path: str) -> None:
        answer = await client.get(path)
        assert answer.status_code == 200, answer.text[:500]

    progress("the period's page")
    period_page = await timed(lambda: page("/control"), args.warmup, args.requests)
    progress("the week's page")
    week = f"/control?week={args.today.isoformat()}"
    week_page = await timed(lambda: page(week), args.warmup, args.requests)
    progress("the read model and the rules alone")
    summary = await control_summary(ReadingUnit(db, clock=clock), actor=actor, asked=SpanAsked())
    span = summary.span
    summary_times = await timed(
        lambda: control_summary(ReadingUnit(db, clock=clock), actor=actor, asked=SpanAsked()),
        args.warmup,
        args.requests,
    )
    control_times = await timed(
        lambda: journal_control(
            ReadingUnit(db, clock=clock),
            actor=actor,
            start=span.start,
            end=span.end,
            fill_periods=span.focus_ids(),
        ),
        args.warmup,
        args.requests,
    )
    marks = sum(c.marks.expected for c in summary.control.lessons if c.marks is not None)
    return {
        "period": span.period.name if span.period else None,
        "span": {
            "start": span.start.isoformat(),
            "end": span.end.isoformat(),
            "lessons": len(summary.control.lessons),
            "marks_owed_by_written_work": marks,
            "teachers": len(summary.teachers),
            "classes_x_subjects": len(summary.places),
        },
        "page_ms": figures(period_page),
        "summary_ms": figures(summary_times),
        "control_ms": figures(control_times),
        "week_page_ms": figures(week_page),
        "queries": len(statements),
        "page_kb": round(len(first.content) / 1024, 1),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with work_directory() as directory:
        async with temporary_database(Path(directory), args.postgres) as url:
            db = Database(url)
            try:
                found = await measure(db, url, args)
            finally:
                await db.dispose()
    return {
        "benchmark": "control_dashboard",
        "database": "postgresql" if args.postgres else "sqlite",
        "today": args.today.isoformat(),
        "requests": args.requests,
        **found,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = asyncio.run(run(args))
    summary = (
        f"control dashboard, {result['students']} pupils, {result['period']} "
        f"({result['span']['lessons']} lessons; {result['database']}): page p50 "
        f"{result['page_ms']['p50']} ms (read model {result['summary_ms']['p50']} ms, rules "
        f"{result['control_ms']['p50']} ms), a week {result['week_page_ms']['p50']} ms; "
        f"{result['queries']} queries, {result['page_kb']} KB"
    )
    emit(summary, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
