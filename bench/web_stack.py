"""What the web benchmarks share: a school for the journal, uvicorn processes, sessions.

- `build_school`: a temp database with `teachers` teachers, each teaching mathematics
  to a class of their own (`per_class` students), with `lessons` lessons in the
  current period, by bulk inserts; every teacher has the password `PASSWORD`.
- `Server`: `python -m uvicorn <factory> --factory` on a free port, configured only
  through environment variables, as `zvonok web` starts it; stopped at the end.
- `sign_in`: an httpx client with a signed-in session (the sign-in form, as a
  browser), and the CSRF token the journal page gives its script.
- `bare_app`: a FastAPI app with one endpoint inserting one `mark` row into the same
  database, in one transaction: the yardstick for the real save.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI
from pydantic import BaseModel
from sqlmodel import SQLModel

import core.models  # noqa: F401  (every table must be known to create_all)
from bench.stack import stop_child
from core.db import Database
from core.demo.bulk import Row, insert_ids, insert_rows
from core.models import (
    AcademicYear,
    Enrollment,
    Lesson,
    Mark,
    Period,
    School,
    SchoolClass,
    Staff,
    Student,
    Subject,
    TeachingAssignment,
    utcnow,
)
from core.security import hash_password

TIMEZONE = "Europe/Moscow"
PASSWORD = "bench-password-long-enough-2026"
SECRET = "bench-secret-key-long-enough-0123456789abcdef"
_HX_TOKEN = re.compile(r"hx-headers='\{\"X-CSRF-Token\": \"([0-9a-f]+)\"\}'")
_FORM_TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@dataclass
class WebSchool:
    school_id: int = 0
    subject_id: int = 0
    period_id: int = 0
    teachers: list[int] = field(default_factory=list)  # teacher i's staff id
    logins: list[str] = field(default_factory=list)  # teacher i's login
    classes: list[int] = field(default_factory=list)  # teacher i's class
    students: list[list[int]] = field(default_factory=list)  # class i's students
    lessons: list[list[int]] = field(default_factory=list)  # class i's lessons, by date


def school_today() -> dt.date:
    return dt.datetime.now(ZoneInfo(TIMEZONE)).date()


async def build_school(
    url: str, *, teachers: int, per_class: int, lessons: int
) -> tuple[Database, WebSchool]:
    """Tables in the empty database at `url` and the school (see the module's doc)."""
    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    now, today = utcnow(), school_today()
    days = [today - dt.timedelta(days=n) for n in range(lessons)][::-1]
    w = WebSchool()
    async with db.engine.begin() as conn:
        w.school_id = (
            await insert_ids(
                conn, School, [{"name": "Школа", "timezone": TIMEZONE, "created_at": now}]
            )
        )[0]
        sid = {"school_id": w.school_id}
        first, last = days[0] - dt.timedelta(days=1), today + dt.timedelta(days=30)
        year = {"name": "bench", "starts_on": first, "ends_on": last, **sid}
        year_id = (await insert_ids(conn, AcademicYear, [year]))[0]
        period = {"year_id": year_id, "name": "четверть", "starts_on": first, "ends_on": last}
        w.period_id = (await insert_ids(conn, Period, [period | sid]))[0]
        w.subject_id = (await insert_ids(conn, Subject, [{"name": "Математика", **sid}]))[0]
        secret = hash_password(PASSWORD)  # once: argon2 is slow on purpose
        w.logins = [f"teacher{i}@bench" for i in range(teachers)]
        staff: list[Row] = [
            {"login": login, "last_name": f"Учитель{i}", "first_name": "Анна", "roles": ["teacher"]}
            | {"password_hash": secret, "created_at": now, **sid}
            for i, login in enumerate(w.logins)
        ]
        w.teachers = staff_ids = await insert_ids(conn, Staff, staff)
        classes: list[Row] = [
            {"year_id": year_id, "grade": 2 + i % 10, "letter": f"К{i // 10}", **sid}
            for i in range(teachers)
        ]
        w.classes = await insert_ids(conn, SchoolClass, classes)
        await insert_rows(
            conn,
            TeachingAssignment,
            [
                {"teacher_id": t, "class_id": c, "subject_id": w.subject_id, **sid}
                for t, c in zip(staff_ids, w.classes, strict=True)
            ],
        )
        for teacher, klass in zip(staff_ids, w.classes, strict=True):
            students = await insert_ids(
                conn,
                Student,
                [
                    {"last_name": f"Ученик{n:02d}", "first_name": "Пётр", "created_at": now, **sid}
                    for n in range(per_class)
                ],
            )
            w.students.append(students)
            enrol: list[Row] = [
                {"student_id": s, "class_id": klass, "since": first, **sid} for s in students
            ]
            await insert_rows(conn, Enrollment, enrol)
            rows: list[Row] = [
                {"class_id": klass, "subject_id": w.subject_id, "teacher_id": teacher}
                | {"date": day, "slot": 2, "created_at": now, **sid}
                for day in days
            ]
            w.lessons.append(await insert_ids(conn, Lesson, rows))
    return db, w


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A uvicorn process serving `factory` (module:function) on a free port."""

    factory: str
    env: dict[str, str]
    log: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(self) -> None:
        self.port = free_port()
        argv = [sys.executable, "-m", "uvicorn", self.factory, "--factory", "--host", "127.0.0.1"]
        argv += ["--port", str(self.port), "--log-level", "warning", "--no-access-log"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                argv, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    async def start(self, ready_path: str, within: float = 60.0) -> None:
        """Launch, and wait until `ready_path` answers 200."""
        self.launch()
        assert self.process is not None
        deadline = time.monotonic() + within
        async with httpx.AsyncClient(base_url=self.url) as client:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.factory} exited:\n{self.log.read_text()[-2000:]}")
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(ready_path)).status_code == 200:
                        return
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{self.factory} not ready in {within} s")
                await asyncio.sleep(0.1)

    def stop(self) -> None:
        stop_child(self.process, 10)


def server_env(url: str, directory: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZVONOK_", "BENCH_"))}
    return env | {
        "ZVONOK_DATABASE_URL": url,
        "ZVONOK_DATA_DIR": str(directory / "var"),
        "ZVONOK_SECRET_KEY": SECRET,
        "ZVONOK_LOG_LEVEL": "WARNING",
        "BENCH_DATABASE_URL": url,
    }


@contextlib.asynccontextmanager
async def serving(
    factory: str, env: dict[str, str], directory: Path, ready_path: str
) -> AsyncIterator[Server]:
    server = Server(factory, env, directory / f"{factory.split(':')[-1]}.log")
    try:
        await server.start(ready_path)
        yield server
    finally:
        server.stop()


async def sign_in(
    base_url: str, login: str, page: str, transport: httpx.AsyncBaseTransport | None = None
) -> tuple[httpx.AsyncClient, str]:
    """A client signed in as `login` through the sign-in form, and `page`'s CSRF token."""
    # Idle connections are dropped before uvicorn closes them (after 5 s): one reused
    # just as the server closes it would fail the request.
    limits = httpx.Limits(keepalive_expiry=2.0)
    client = httpx.AsyncClient(base_url=base_url, timeout=60, transport=transport, limits=limits)
    form = await client.get("/login")
    found = _FORM_TOKEN.search(form.text)
    assert found, "the sign-in page has no CSRF field"
    data = {"login": login, "password": PASSWORD, "csrf_token": found.group(1)}
    signed = await client.post("/login", data=data)
    assert signed.status_code == 303, signed.text[:500]
    opened = await client.get(page)
    token = _HX_TOKEN.search(opened.text)
    assert opened.status_code == 200 and token, opened.text[:500]
    return client, token.group(1)


# --- the yardstick: a bare endpoint writing the same row -----------------------------


class BareMark(BaseModel):
    school_id: int
    lesson_id: int
    student_id: int
    value: int


def bare_app() -> FastAPI:
    """`PUT /bare/marks`: one `mark` row inserted and committed, nothing else."""
    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state["db"] = Database(os.environ["BENCH_DATABASE_URL"])
        yield
        await state["db"].dispose()

    app = FastAPI(lifespan=lifespan)

    @app.get("/ready")
    async def ready() -> dict[str, bool]:
        return {"ready": True}

    @app.put("/bare/marks")
    async def put_mark(body: BareMark) -> dict[str, int]:
        db: Database = state["db"]
        async with await db.writing_session() as session:
            mark = Mark(
                school_id=body.school_id,
                lesson_id=body.lesson_id,
                student_id=body.student_id,
                value=body.value,
                work_type="oral",
                created_at=utcnow(),
            )
            session.add(mark)
            await session.commit()
            return {"id": mark.id or 0}

    return app
