"""`python -m bench.web_marks`: saving a mark with 50 teachers at once, over real HTTP.

The real app (`webapp.app:create_app`) runs under uvicorn in its own process on a temp
SQLite database (or `--postgres`). 50 teachers sign in through the sign-in form, open
their class's journal grid, and then all at once each saves one cell after another,
the way the grid's script does: `PUT /api/v1/journal/cells` with the session cookie
and the page's CSRF token, a new mark («5») for the next pupil each time, so every
request posts a mark through core (checks, the mark row, its history and its outbox
event in one transaction). Then the yardstick, in the same run on the same database:
a bare FastAPI endpoint under uvicorn (`bench.web_stack.bare_app`) inserting the same
`mark` row in one transaction, hit by 50 clients at once the same way. Figures: p50
and p99 of each, and the ratios real ÷ bare.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from bench.databases import add_database_option, temporary_database
from bench.report import emit, percentile, progress, rounded
from bench.web_stack import WebSchool, build_school, server_env, serving, sign_in


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.web_marks", description=__doc__)
    parser.add_argument("--teachers", type=int, default=50, help="concurrent teachers")
    parser.add_argument("--saves", type=int, default=20, help="saves per teacher, measured")
    parser.add_argument("--warmup", type=int, default=2, help="saves per teacher, not measured")
    add_database_option(parser)
    return parser.parse_args(argv)


Save = Callable[[int], Awaitable[httpx.Response]]


async def concurrently(savers: list[Save], first: int, count: int) -> tuple[list[float], int]:
    """Every saver saves `count` times (pupils `first`.. on), all savers at once.

    Returns each request's seconds and how many were not 200.
    """
    times: list[float] = []
    failed = 0

    async def one(save: Save) -> None:
        nonlocal failed
        for n in range(first, first + count):
            start = time.perf_counter()
            response = await save(n)
            times.append(time.perf_counter() - start)
            if response.status_code != 200:
                failed += 1
                if failed <= 3:
                    progress(f"refused: {response.status_code} {response.text[:200]}")

    await asyncio.gather(*(one(save) for save in savers))
    return times, failed


async def real_savers(url: str, w: WebSchool, teachers: int) -> tuple[list[Save], list[Any]]:
    savers: list[Save] = []
    clients = []
    for i in range(teachers):
        page = f"/journal?class={w.classes[i]}&subject={w.subject_id}"
        client, token = await sign_in(url, w.logins[i], page)
        clients.append(client)
        lesson, students = w.lessons[i][-1], w.students[i]

        def save(
            n: int,
            client: httpx.AsyncClient = client,
            token: str = token,
            lesson: int = lesson,
            students: list[int] = students,
        ) -> Awaitable[httpx.Response]:
            body = {"lesson_id": lesson, "student_id": students[n], "text": "5"}
            return client.put("/api/v1/journal/cells", json=body, headers={"X-CSRF-Token": token})

        savers.append(save)
    return savers, clients


def bare_savers(url: str, w: WebSchool, teachers: int) -> tuple[list[Save], list[Any]]:
    savers: list[Save] = []
    clients = []
    for i in range(teachers):
        client = httpx.AsyncClient(base_url=url, timeout=60)
        clients.append(client)
        # Another lesson of the same class: the rows do not meet the real run's.
        lesson, students = w.lessons[i][-2], w.students[i]

        def save(
            n: int,
            client: httpx.AsyncClient = client,
            lesson: int = lesson,
            students: list[int] = students,
        ) -> Awaitable[httpx.Response]:
            body = {
                "school_id": w.school_id,
                "lesson_id": lesson,
                "student_id": students[n],
                "value": 5,
            }
            return client.put("/bare/marks", json=body)

        savers.append(save)
    return savers, clients


async def measure(savers: list[Save], args: argparse.Namespace, what: str) -> dict[str, Any]:
    await concurrently(savers, 0, args.warmup)
    progress(f"{what}: {len(savers)} clients × {args.saves} saves")
    start = time.perf_counter()
    times, failed = await concurrently(savers, args.warmup, args.saves)
    elapsed = time.perf_counter() - start
    return {
        "requests": len(times),
        "failed": failed,
        "p50_ms": rounded(percentile(times, 0.50) * 1000, 2),
        "p95_ms": rounded(percentile(times, 0.95) * 1000, 2),
        "p99_ms": rounded(percentile(times, 0.99) * 1000, 2),
        "max_ms": rounded(max(times) * 1000, 2),
        "per_s": rounded(len(times) / elapsed, 1),
    }


async def closing(clients: list[Any]) -> None:
    await asyncio.gather(*(client.aclose() for client in clients))


@contextlib.contextmanager
def work_directory() -> Iterator[Path]:
    directory = Path(tempfile.mkdtemp(prefix="zvonok-bench-web-"))
    try:
        yield directory
    finally:
        if not os.environ.get("BENCH_KEEP_DIR"):
            shutil.rmtree(directory, ignore_errors=True)
        else:
            progress(f"kept {directory}")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    pupils = args.warmup + args.saves
    with work_directory() as directory:
        async with temporary_database(directory, args.postgres) as url:
            progress(f"building {args.teachers} classes of {pupils} pupils")
            db, w = await build_school(url, teachers=args.teachers, per_class=pupils, lessons=2)
            await db.dispose()
            env = server_env(url, directory)
            async with serving("webapp.app:create_app", env, directory, "/healthz") as app:
                progress("signing in")
                savers, clients = await real_savers(app.url, w, args.teachers)
                real = await measure(savers, args, "real app")
                await closing(clients)
            async with serving("bench.web_stack:bare_app", env, directory, "/ready") as bare:
                savers, clients = bare_savers(bare.url, w, args.teachers)
                yardstick = await measure(savers, args, "bare endpoint")
                await closing(clients)
    return {
        "benchmark": "web_marks",
        "database": "postgresql" if args.postgres else "sqlite",
        "teachers": args.teachers,
        "saves_per_teacher": args.saves,
        "real": real,
        "bare": yardstick,
        "p50_ratio": rounded(real["p50_ms"] / yardstick["p50_ms"], 2),
        "p99_ratio": rounded(real["p99_ms"] / yardstick["p99_ms"], 2),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = asyncio.run(run(args))
    real, bare = result["real"], result["bare"]
    summary = (
        f"saving a mark, {result['teachers']} teachers at once ({result['database']}): "
        f"p50 {real['p50_ms']} ms, p99 {real['p99_ms']} ms; bare insert p50 {bare['p50_ms']} ms, "
        f"p99 {bare['p99_ms']} ms; ratio p50 {result['p50_ratio']}, p99 {result['p99_ratio']}"
    )
    emit(summary, result)
    return 0 if real["failed"] == 0 and bare["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
