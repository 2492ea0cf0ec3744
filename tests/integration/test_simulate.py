"""`zvonok simulate`: teachers' entries through the real services reach the outbox."""

from __future__ import annotations

import datetime as dt

from core.cli.simulate import simulate
from core.db import Database
from core.demo import load_demo
from tests.integration.outbox_helpers import outbox


async def test_simulated_teachers_post_marks_and_an_absence_families_will_hear_of(
    sqlite_db: Database,
) -> None:
    await load_demo(sqlite_db, today=dt.date(2026, 10, 2), scale=0.1)
    assert await outbox(sqlite_db) == []  # the demo itself messages nobody

    posted, absences, grace = await simulate(sqlite_db, marks=3, seed=7)

    kinds = sorted(e.kind for e in await outbox(sqlite_db))
    assert (posted, absences, grace) == (3, 1, 120)
    assert kinds == ["attendance_marked", "mark_posted", "mark_posted", "mark_posted"]
    marks = [e.payload for e in await outbox(sqlite_db, "mark_posted")]
    assert all(2 <= p["value"] <= 5 and p["lesson"]["grade"] >= 2 for p in marks)
    assert all(p["lesson"]["date"] == "2026-10-02" for p in marks)
