"""How long the weekly summary PDF takes: one student, a class of about 30, the whole
demo school (about 600 students), as the class teacher's page prints it.

    python -m bench.web_summary [--postgres URL] [--repeat N] [--skip-school]

Starts what it needs: a temp SQLite database (or a throw-away PostgreSQL one) with the
demo school (`core.demo.load_demo`, the week of --today); its largest class with marks is
brought to --class-size pupils from a parallel class (the demo's have 18 to 24). Each figure is wall-clock
seconds of the core call the web app makes (`core.reports.class_weekly.class_weekly_pdf`
for a class, `weekly_summary_pdf` for a student and for the school), and, for the student
and the class, again split into reading the journal (`summary_pages`) and rendering
(`render_pdf`: Typst; `render_cpu_s` is the process's CPU time, which a busy machine
stretches less than the wall clock). The median of --repeat runs for the student and
the class; the school once (each class set in a thread while the next is read), with
its CPU time and the process's peak memory during it (`school.peak_rss_mb`: Linux's
high-water mark, reset before the school's print through /proc/self/clear_refs;
`school.rss_before_mb` is what the process held when it began).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from sqlmodel import SQLModel, col, func, select

import core.models
from bench.databases import add_database_option, temporary_database
from bench.report import emit, progress
from core.actors import StaffActor
from core.db import Database
from core.demo import load_demo
from core.models import Enrollment, Role, School, SchoolClass, Staff
from core.reading import ReadingUnit
from core.reports.class_weekly import class_weekly_pdf
from core.reports.weekly import render_pdf, summary_pages, weekly_summary_pdf

DEFAULT_TODAY = dt.date(2026, 11, 20)  # a Friday: the week's lessons are all in


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.web_summary", description=__doc__)
    add_database_option(parser)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=DEFAULT_TODAY)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the student and class")
    parser.add_argument("--class-size", type=int, default=30, help="pupils in the class printed")
    parser.add_argument("--skip-school", action="store_true", help="leave out the 600 students")
    parser.add_argument("--print-school", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


async def timed(call: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await call()
    return time.perf_counter() - started, result


def reset_peak_rss() -> bool:
    """Start the process's resident high-water mark (VmHWM) again from its current
    size; False where the kernel does not allow it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mb(field: str = "VmHWM") -> int:
    """The process's peak resident memory since the last reset (or since it started);
    its resident memory now with `field="VmRSS"`."""
    with contextlib.suppress(OSError):  # no /proc: the kernel's peak from getrusage
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def page_count(pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


class Bench:
    def __init__(self, db: Database, actor: StaffActor, now: dt.datetime, monday: dt.date):
        self.db, self.actor, self.now, self.monday = db, actor, now, monday

    def reader(self) -> ReadingUnit:
        return ReadingUnit(self.db, clock=lambda: self.now)

    async def split(self, student_ids: list[int]) -> tuple[dict[str, float], bytes]:
        """Reading and rendering timed apart, for the same pupils (the two steps of
        `weekly_summary_pdf`); and the PDF."""
        read_s, (pages, generated) = await timed(
            lambda: summary_pages(
                self.reader(), actor=self.actor, student_ids=student_ids, week_start=self.monday
            )
        )
        started, cpu = time.perf_counter(), time.process_time()
        pdf = await asyncio.to_thread(render_pdf, pages, language="ru", generated=generated)
        figures = {
            "read_s": round(read_s, 3),
            "render_s": round(time.perf_counter() - started, 3),
            # The process's CPU time (every thread): a busy machine stretches the
            # wall-clock figure, much less this one.
            "render_cpu_s": round(time.process_time() - cpu, 3),
        }
        return figures, pdf

    async def student(self, student_id: int) -> tuple[float, bytes]:
        return await timed(
            lambda: weekly_summary_pdf(
                self.reader(), actor=self.actor, student_ids=[student_id], week_start=self.monday
            )
        )

    async def klass(self, class_id: int) -> tuple[float, bytes]:
        async def call() -> bytes:
            printed = await class_weekly_pdf(
                self.reader(), actor=self.actor, class_id=class_id, week_start=self.monday
            )
            return printed.pdf

        return await timed(call)


async def _deputy(db: Database, school_id: int) -> StaffActor:
    async with db.session() as s:
        for staff in (await s.exec(select(Staff).where(Staff.school_id == school_id))).all():
            if Role.deputy.value in staff.roles:
                return StaffActor(staff_id=staff.id or 0, school_id=school_id)
    raise RuntimeError("the demo school has no deputy director")


async def _classes(db: Database, school_id: int, on: dt.date) -> list[tuple[int, str, list[int]]]:
    """(class id, name, students) of every class on `on`, in grade and letter order."""
    async with db.session() as s:
        classes = (
            await s.exec(select(SchoolClass).where(SchoolClass.school_id == school_id))
        ).all()
        query = (
            select(Enrollment.class_id, Enrollment.student_id)
            .where(
                Enrollment.school_id == school_id,
                Enrollment.since <= on,
                (col(Enrollment.until).is_(None)) | (col(Enrollment.until) >= on),
            )
            .order_by(col(Enrollment.student_id))
        )
        members: dict[int, list[int]] = {}
        for class_id, student_id in (await s.exec(query)).all():
            members.setdefault(class_id, []).append(student_id)
    ordered = sorted(classes, key=lambda k: (k.grade, k.letter))
    return [(k.id or 0, k.name, members.get(k.id or 0, [])) for k in ordered]


async def _class_of(
    db: Database, classes: list[tuple[int, str, list[int]]], size: int, on: dt.date
) -> int:
    """The demo's largest class with marks (grade 2 and up), made `size` strong by
    moving pupils of a parallel class into it (the demo's classes have 18 to 24)."""
    marked = [c for c in classes if not c[1].startswith("1") or c[1].startswith(("10", "11"))]
    class_id, name, pupils = max(marked, key=lambda c: (len(c[2]), c[1]))
    grade = name.rstrip("АБВГД")
    donors = [
        sid
        for k, n, members in classes
        if n != name and n.rstrip("АБВГД") == grade
        for sid in members
    ]
    moved = donors[: max(0, size - len(pupils))]
    async with await db.writing_session() as session:
        rows = await session.exec(
            select(Enrollment).where(
                col(Enrollment.student_id).in_(moved),
                (col(Enrollment.until).is_(None)) | (col(Enrollment.until) >= on),
            )
        )
        for enrollment in rows.all():
            enrollment.class_id = class_id
            session.add(enrollment)
        await session.commit()
    return class_id


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="zvonok-bench-") as directory:
        async with temporary_database(Path(directory), args.postgres) as url:
            db = Database(url)
            try:
                return await _measure(db, args)
            finally:
                await db.dispose()


async def _measure(db: Database, args: argparse.Namespace) -> dict[str, Any]:
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    progress(f"loading the demo school for the week of {args.today}")
    loaded = await load_demo(db, today=args.today)
    async with db.session() as s:
        school = await s.get(School, loaded.school_id)
        assert school is not None
        lessons = (await s.exec(select(func.count()).select_from(core.models.Lesson))).one()
    zone = ZoneInfo(school.timezone)
    now = dt.datetime.combine(args.today, dt.time(16, 0), tzinfo=zone).astimezone(dt.UTC)
    monday = args.today - dt.timedelta(days=args.today.weekday())
    bench = Bench(db, await _deputy(db, loaded.school_id), now, monday)
    classes = [c for c in await _classes(db, loaded.school_id, args.today) if c[2]]
    grown = await _class_of(db, classes, args.class_size, args.today)
    classes = [c for c in await _classes(db, loaded.school_id, args.today) if c[2]]
    class_id, class_name, pupils = next(c for c in classes if c[0] == grown)
    progress(f"{loaded.students} students, {len(classes)} classes, {lessons} lessons")

    results: dict[str, Any] = {"database": "postgresql" if args.postgres else "sqlite"}
    progress("one student")
    runs = [await bench.student(pupils[0]) for _ in range(args.repeat)]
    results["student"] = {
        "seconds": round(statistics.median(t for t, _ in runs), 3),
        "runs_s": [round(t, 3) for t, _ in runs],
        "pages": page_count(runs[0][1]),
        **(await bench.split([pupils[0]]))[0],
    }
    progress(f"class {class_name} ({len(pupils)} students)")
    runs = [await bench.klass(class_id) for _ in range(args.repeat)]
    results["class"] = {
        "name": class_name,
        "students": len(pupils),
        "seconds": round(statistics.median(t for t, _ in runs), 3),
        "runs_s": [round(t, 3) for t, _ in runs],
        "pages": page_count(runs[0][1]),
        "pdf_kb": len(runs[0][1]) // 1024,
        **(await bench.split(pupils))[0],
    }
    if not args.skip_school:
        everyone = [sid for _, _, members in classes for sid in members]
        progress(f"the whole school ({len(everyone)} students), one PDF")
        results["peak_rss_mb"] = peak_rss_mb()  # before the school, when it is reset
        reset = reset_peak_rss()
        # What the process holds already (the demo's load, the earlier prints' freed but
        # kept memory): the school's print adds to it.
        before = peak_rss_mb("VmRSS")
        # Once, as the web app would: each class set while the next one is read.
        cpu = time.process_time()
        seconds, pdf = await timed(
            lambda: weekly_summary_pdf(
                bench.reader(), actor=bench.actor, student_ids=everyone, week_start=monday
            )
        )
        results["school"] = {
            "students": len(everyone),
            "seconds": round(seconds, 3),
            "cpu_s": round(time.process_time() - cpu, 3),
            "pages": page_count(pdf),
            "pdf_kb": len(pdf) // 1024,
            "per_student_ms": round(1000 * seconds / len(everyone), 1),
            "rss_before_mb": before,
            "peak_rss_mb": peak_rss_mb() if reset else None,
        }
        progress("the whole school again, in a process of its own (as the web app's)")
        results["school_alone"] = await _school_in_child(db.url, args.today)
    results["peak_rss_mb"] = max(results.get("peak_rss_mb", 0), peak_rss_mb())
    return results


async def _school_in_child(url: str, today: dt.date) -> dict[str, Any]:
    """The school's print in a new process that loads the web app's modules first, as a
    web process holds them: its time and the process's own peak memory."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.web_summary",
        "--print-school",
        url,
        "--today",
        today.isoformat(),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"the school's print in a child process failed ({child.returncode})")
    figures: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return figures


async def _print_school(url: str, today: dt.date) -> dict[str, Any]:
    import webapp.app  # noqa: F401  (what a web process has loaded before it prints)

    db = Database(url)
    try:
        async with db.session() as s:
            school = (await s.exec(select(School))).first()
        assert school is not None and school.id is not None
        school_id, zone = school.id, ZoneInfo(school.timezone)
        now = dt.datetime.combine(today, dt.time(16, 0), tzinfo=zone).astimezone(dt.UTC)
        monday = today - dt.timedelta(days=today.weekday())
        bench = Bench(db, await _deputy(db, school_id), now, monday)
        classes = [c for c in await _classes(db, school_id, today) if c[2]]
        everyone = [sid for _, _, members in classes for sid in members]
        before = peak_rss_mb("VmRSS")
        reset_peak_rss()
        seconds, pdf = await timed(
            lambda: weekly_summary_pdf(
                bench.reader(), actor=bench.actor, student_ids=everyone, week_start=monday
            )
        )
        return {
            "students": len(everyone),
            "seconds": round(seconds, 3),
            "pages": page_count(pdf),
            "rss_before_mb": before,
            "peak_rss_mb": peak_rss_mb(),
        }
    finally:
        await db.dispose()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.print_school:
        print(json.dumps(asyncio.run(_print_school(args.print_school, args.today))))
        return 0
    result = asyncio.run(run(args))
    klass = result["class"]
    summary = (
        f"weekly summary PDF: one student {result['student']['seconds']} s; "
        f"class {klass['name']} of {klass['students']} {klass['seconds']} s "
        f"(read {klass['read_s']} s, render {klass['render_s']} s)"
    )
    if "school" in result:
        school = result["school"]
        summary += (
            f"; school of {school['students']} {school['seconds']} s"
            f" (CPU {school['cpu_s']} s; peak {school['peak_rss_mb']} MB,"
            f" {school['rss_before_mb']} MB held before it)"
        )
        alone = result["school_alone"]
        summary += (
            f"; in a process of its own {alone['seconds']} s, peak {alone['peak_rss_mb']} MB"
            f" ({alone['rss_before_mb']} MB before)"
        )
    emit(summary, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
