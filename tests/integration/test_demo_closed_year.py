"""The demo's previous academic year: closed by the administrator at the end of June,
its classes one grade lower with the same letters, a journal of mathematics with
topics, attendance, marks, homework, quarter and year marks, and read-only."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.actors import StaffActor
from core.db import Database
from core.demo import load_demo
from core.errors import RuleViolation
from core.reading.year_close import closing_overview
from core.services.marks import post_mark
from core.uow import UnitOfWork
from tests.integration.test_demo import TODAY, rows, scalar

LAST_YEAR = """SELECT l.id FROM lesson l JOIN school_class c ON c.id = l.class_id
               JOIN academic_year y ON y.id = c.year_id WHERE y.name = '2025/2026'"""


async def test_the_demo_has_last_year_closed_with_its_journal(db: Database) -> None:
    summary = await load_demo(db, today=TODAY, scale=0.1)
    [(year_id, closed_at, closed_by, starts, ends)] = await rows(
        db,
        "SELECT id, closed_at, closed_by, starts_on, ends_on FROM academic_year "
        "WHERE name = '2025/2026'",
    )
    admin = summary.logins[0][1]
    assert await scalar(db, "SELECT login FROM staff WHERE id = :i", i=closed_by) == admin
    moscow = _instant(closed_at).astimezone(ZoneInfo("Europe/Moscow"))
    assert (moscow.date(), moscow.hour) == (dt.date(2026, 6, 30), 16)
    assert await scalar(db, "SELECT closed_at FROM academic_year WHERE id <> :y", y=year_id) is None

    now = {
        (g, x)
        for g, x in await rows(
            db, "SELECT grade, letter FROM school_class WHERE year_id <> :y", y=year_id
        )
    }
    then = {
        (g, x)
        for g, x in await rows(
            db, "SELECT grade, letter FROM school_class WHERE year_id = :y", y=year_id
        )
    }
    assert then == {(g - 1, x) for g, x in now if g >= 2}

    dates = await rows(
        db,
        f"SELECT min(date), max(date), count(*) FROM ({LAST_YEAR}) x JOIN lesson l ON l.id = x.id",
    )
    first, last, lessons = dates[0]
    assert str(first) >= str(starts) and str(last) <= str(ends) and lessons > 100
    subjects = {
        n
        for (n,) in await rows(
            db,
            f"SELECT DISTINCT s.name FROM lesson l JOIN subject s ON s.id = l.subject_id "
            f"WHERE l.id IN ({LAST_YEAR})",
        )
    }
    assert subjects <= {"Математика", "Алгебра", "Геометрия"} and "Математика" in subjects
    for table in ("mark", "attendance", "homework"):
        found = await scalar(db, f"SELECT count(*) FROM {table} WHERE lesson_id IN ({LAST_YEAR})")
        assert found > 0, table
    topics = await scalar(
        db,
        f"SELECT avg(CASE WHEN topic <> '' THEN 1.0 ELSE 0 END) FROM lesson WHERE id IN ({LAST_YEAR})",
    )
    assert topics > 0.9
    finals = await rows(
        db,
        "SELECT p.kind, count(DISTINCT p.id) FROM period_mark m JOIN period p "
        "ON p.id = m.period_id WHERE p.year_id = :y AND m.kind = 'final' GROUP BY p.kind",
        y=year_id,
    )
    assert dict(finals) == {"quarter": 4, "year": 1}

    # The administrator's year close page lists it closed, with its classes' journals.
    actor = StaffActor(staff_id=closed_by, school_id=summary.school_id)
    current, last_year = await closing_overview(UnitOfWork(db), actor=actor)
    assert last_year.year.closed_at is not None and current.year.closed_at is None
    assert sorted(name for _, name in last_year.classes) == sorted(f"{g}{x}" for g, x in then)


async def test_last_years_journal_is_read_only(db: Database) -> None:
    summary = await load_demo(db, today=TODAY, scale=0.1)
    [(lesson_id, teacher_id, student_id)] = await rows(
        db,
        f"""SELECT l.id, l.teacher_id, e.student_id FROM lesson l
            JOIN enrollment e ON e.class_id = l.class_id
            WHERE l.id IN ({LAST_YEAR}) AND l.substitute_id IS NULL
            ORDER BY l.date DESC, l.id, e.student_id LIMIT 1""",
    )
    actor = StaffActor(staff_id=teacher_id, school_id=summary.school_id)
    with pytest.raises(RuleViolation) as refused:
        await post_mark(
            UnitOfWork(db), actor=actor, lesson_id=lesson_id, student_id=student_id, value=5
        )
    assert refused.value.code == "journal_closed_year"


def _instant(value: object) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
