"""`python -m bench.save_statements`: the SQL statements one journal cell save costs.

The school of `bench.web_marks` (one teacher, a class of a few pupils; SQLite, or
`--postgres URL`), the real app in this process behind httpx's ASGI transport, a
teacher signed in through the form. Three saves as `grid.js` sends them
(`PUT /api/v1/journal/cells` with the session cookie and the CSRF token): a new mark
(what `bench.web_marks` measures), a correction of it (5 → 4), and an absence. Each
statement is counted with an engine hook (`before_cursor_execute`), session check
included; `--show` prints them. On PostgreSQL the round trips are counted too, at
asyncpg's protocol (`bench.round_trips`): the pool's pre-pings, `BEGIN` and `COMMIT`
included.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import httpx
from sqlalchemy import event

from bench.databases import add_database_option, temporary_database
from bench.report import emit, progress
from bench.round_trips import RoundTrips
from bench.web_marks import work_directory
from bench.web_stack import SECRET, build_school, sign_in
from core.settings import Settings
from webapp.app import create_app


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.save_statements", description=__doc__)
    parser.add_argument("--show", action="store_true", help="print each statement (stderr)")
    add_database_option(parser)
    return parser.parse_args(argv)


def _first_line(statement: str) -> str:
    return " ".join(statement.split())[:150]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with work_directory() as directory:
        async with temporary_database(directory, args.postgres) as url:
            db, w = await build_school(url, teachers=1, per_class=3, lessons=2)
            # New connections from here on, each with its round trips counted.
            await db.engine.dispose()
            trips = None if db.is_sqlite else RoundTrips(db.engine)
            settings = Settings(_env_file=None, secret_key=SECRET, database_url=url)
            app = create_app(settings=settings, database=db)
            page = f"/journal?class={w.classes[0]}&subject={w.subject_id}"
            transport = httpx.ASGITransport(app=app)
            client, token = await sign_in("http://bench", w.logins[0], page, transport=transport)
            statements: list[str] = []
            round_trips: dict[str, list[str]] = {}

            def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
                statements.append(statement)

            async def save(student: int, text: str, name: str = "", lesson: int = -1) -> list[str]:
                body = {"lesson_id": w.lessons[0][lesson], "student_id": student, "text": text}
                statements.clear()
                event.listen(db.engine.sync_engine, "before_cursor_execute", count)
                if trips is not None:
                    trips.start()
                try:
                    response = await client.put(
                        "/api/v1/journal/cells", json=body, headers={"X-CSRF-Token": token}
                    )
                finally:
                    event.remove(db.engine.sync_engine, "before_cursor_execute", count)
                    if trips is not None:
                        done = trips.stop()
                        if name:
                            round_trips[name] = done
                assert response.status_code == 200, response.text[:500]
                return list(statements)

            try:
                # The same three saves at another lesson first, not counted: what a
                # process does once (its first session, each statement prepared).
                await save(w.students[0][0], "5", lesson=-2)
                await save(w.students[0][0], "4", lesson=-2)
                await save(w.students[0][1], "н", lesson=-2)
                saves = {
                    "new_mark": await save(w.students[0][0], "5", "new_mark"),
                    "correction": await save(w.students[0][0], "4", "correction"),
                    "absence": await save(w.students[0][1], "н", "absence"),
                }
            finally:
                await client.aclose()
                await db.dispose()
    if args.show:
        for name, done in saves.items():
            progress(f"{name}: {len(done)} statements")
            for statement in done:
                progress("    " + _first_line(statement))
            if name in round_trips:
                progress(f"  round trips {len(round_trips[name])}: " + " ".join(round_trips[name]))
    result: dict[str, Any] = {
        "benchmark": "save_statements",
        "database": "postgresql" if args.postgres else "sqlite",
        "statements": {name: len(done) for name, done in saves.items()},
    }
    if round_trips:
        result["round_trips"] = {name: len(done) for name, done in round_trips.items()}
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = asyncio.run(run(args))
    counts = ", ".join(f"{name} {n}" for name, n in result["statements"].items())
    if "round_trips" in result:
        trips = ", ".join(f"{name} {n}" for name, n in result["round_trips"].items())
        counts += f"; round trips: {trips}"
    emit(f"statements of a cell save ({result['database']}): {counts}", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
