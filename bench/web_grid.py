"""`python -m bench.web_grid`: rendering the journal grid of 30 students × 60 lessons.

A class of 30 with 60 mathematics lessons in the period, a mark in about half the
cells (some with two), an absence in one cell in twenty; the teacher opens the grid
page (`GET /journal?class=&subject=`) again and again. Figures (p50 and p95 over
`--requests` requests, after a few not measured):

- `server_ms`: the real app in this process, called through httpx's ASGI transport:
  the server's own time (session check, the read model, the template), no network;
- `read_model_ms`: `core.reading.grid.journal_grid` alone (the queries and the rows);
- `http_ms`: the same page from uvicorn in its own process, over the loopback;
- `queries`: SQL statements one page costs; `page_kb`: its size.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

from bench.databases import add_database_option, temporary_database
from bench.report import emit, percentile, progress, rounded
from bench.web_marks import work_directory
from bench.web_stack import SECRET, WebSchool, build_school, server_env, serving, sign_in
from core.actors import StaffActor
from core.db import Database
from core.demo.bulk import Row, insert_rows
from core.models import Attendance, Mark, utcnow
from core.reading.access import ReadingUnit
from core.reading.grid import journal_grid
from core.settings import Settings
from webapp.app import create_app


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.web_grid", description=__doc__)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--lessons", type=int, default=60)
    parser.add_argument("--requests", type=int, default=50, help="measured requests")
    parser.add_argument("--warmup", type=int, default=5)
    add_database_option(parser)
    return parser.parse_args(argv)


async def fill_journal(db: Database, w: WebSchool) -> tuple[int, int]:
    """Marks and absences in the class's cells, as a term leaves them; their numbers."""
    rng = random.Random(2026)
    now = utcnow()
    marks: list[Row] = []
    absences: list[Row] = []
    for lesson in w.lessons[0]:
        for student in w.students[0]:
            roll = rng.random()
            base = {"school_id": w.school_id, "lesson_id": lesson, "student_id": student}
            if roll < 0.05:
                absences.append(base | {"status": "absent", "created_at": now})
                continue
            for _ in range(2 if roll > 0.95 else 1 if roll > 0.5 else 0):
                value = rng.choice((2, 3, 4, 4, 5, 5))
                marks.append(base | {"value": value, "work_type": "oral", "created_at": now})
    async with db.engine.begin() as conn:
        await insert_rows(conn, Mark, marks)
        await insert_rows(conn, Attendance, absences)
    return len(marks), len(absences)


async def timed(call: Callable[[], Awaitable[Any]], warmup: int, count: int) -> list[float]:
    for _ in range(warmup):
        await call()
    times = []
    for _ in range(count):
        start = time.perf_counter()
        await call()
        times.append(time.perf_counter() - start)
    return times


def figures(times: list[float]) -> dict[str, float | None]:
    return {
        "p50": rounded(percentile(times, 0.5) * 1000, 2),
        "p95": rounded(percentile(times, 0.95) * 1000, 2),
        "min": rounded(min(times) * 1000, 2),
    }


async def in_process(
    db: Database, url: str, w: WebSchool, page: str, args: argparse.Namespace
) -> dict[str, Any]:
    """The app in this process: server time per page, its queries and size."""
    settings = Settings(_env_file=None, secret_key=SECRET, database_url=url)
    app = create_app(settings=settings, database=db)
    transport = httpx.ASGITransport(app=app)
    client, _ = await sign_in("http://bench", w.logins[0], page, transport=transport)
    try:
        statements: list[str] = []

        def count(*_: Any) -> None:
            statements.append("")

        event.listen(db.engine.sync_engine, "before_cursor_execute", count)
        first = await client.get(page)
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
        assert first.status_code == 200, first.text[:500]

        async def get() -> None:
            response = await client.get(page)
            assert response.status_code == 200

        server = await timed(get, args.warmup, args.requests)
    finally:
        await client.aclose()
    return {"server": server, "queries": len(statements), "bytes": len(first.content)}


async def read_model(db: Database, w: WebSchool, args: argparse.Namespace) -> list[float]:
    actor = StaffActor(staff_id=w.teachers[0], school_id=w.school_id)

    async def read() -> None:
        grid = await journal_grid(
            ReadingUnit(db), actor=actor, class_id=w.classes[0], subject_id=w.subject_id
        )
        assert len(grid.rows) == args.students and len(grid.columns) == args.lessons

    return await timed(read, args.warmup, args.requests)


async def over_http(
    w: WebSchool, page: str, args: argparse.Namespace, env: dict[str, str], directory: Path
) -> list[float]:
    """The page from uvicorn in its own process, over the loopback."""
    async with serving("webapp.app:create_app", env, directory, "/healthz") as app:
        client, _ = await sign_in(app.url, w.logins[0], page)
        try:

            async def get() -> None:
                response = await client.get(page)
                assert response.status_code == 200

            return await timed(get, args.warmup, args.requests)
        finally:
            await client.aclose()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with work_directory() as directory:
        async with temporary_database(directory, args.postgres) as url:
            progress(f"building a class of {args.students} with {args.lessons} lessons")
            db, w = await build_school(
                url, teachers=1, per_class=args.students, lessons=args.lessons
            )
            marks, absences = await fill_journal(db, w)
            page = f"/journal?class={w.classes[0]}&subject={w.subject_id}"
            progress("in process")
            local = await in_process(db, url, w, page, args)
            progress("read model")
            model = await read_model(db, w, args)
            await db.dispose()
            progress("over HTTP")
            http = await over_http(w, page, args, server_env(url, directory), directory)
    return {
        "benchmark": "web_grid",
        "database": "postgresql" if args.postgres else "sqlite",
        "students": args.students,
        "lessons": args.lessons,
        "marks": marks,
        "absences": absences,
        "requests": args.requests,
        "server_ms": figures(local["server"]),
        "read_model_ms": figures(model),
        "http_ms": figures(http),
        "queries": local["queries"],
        "page_kb": round(local["bytes"] / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = asyncio.run(run(args))
    summary = (
        f"journal grid {result['students']} × {result['lessons']} ({result['database']}): "
        f"server p50 {result['server_ms']['p50']} ms (read model {result['read_model_ms']['p50']} "
        f"ms), over HTTP p50 {result['http_ms']['p50']} ms; {result['queries']} queries, "
        f"{result['page_kb']} KB"
    )
    emit(summary, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
