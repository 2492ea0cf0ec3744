"""`zvonok simulate`: teachers' entries through the real services reach the outbox, and
the command says when the parents hear of them, quiet hours included."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.cli.simulate import simulate, when_sent
from core.db import Database
from core.demo import load_demo
from core.models import OutboxEvent
from tests.integration.outbox_helpers import outbox

MSK = ZoneInfo("Europe/Moscow")


async def news(db: Database) -> list[OutboxEvent]:
    """Events the workers have yet to relay: the demo's past announcements are done."""
    return [e for e in await outbox(db) if e.relayed_at is None]


def moscow(day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, minute, tzinfo=MSK).astimezone(dt.UTC)


async def test_simulated_teachers_post_marks_and_an_absence_families_will_hear_of(
    sqlite_db: Database,
) -> None:
    await load_demo(sqlite_db, today=dt.date(2026, 10, 2), scale=0.1)
    assert await news(sqlite_db) == []  # the demo itself messages nobody

    result = await simulate(sqlite_db, marks=3, seed=7, clock=lambda: moscow(2, 15, 0))

    kinds = sorted(e.kind for e in await news(sqlite_db))
    assert (result.marks, result.absences, result.grace) == (3, 1, 120)
    assert kinds == ["attendance_marked", "mark_posted", "mark_posted", "mark_posted"]
    marks = [e.payload for e in await news(sqlite_db) if e.kind == "mark_posted"]
    assert all(2 <= p["value"] <= 5 and p["lesson"]["grade"] >= 2 for p in marks)
    assert all(p["lesson"]["date"] == "2026-10-02" for p in marks)
    assert (result.hold.code, result.hold.params) == ("grace", {"until": "15:02"})
    assert when_sent(result) == (
        "Родители получат сообщения после окна исправления (120 секунд, до 15:02): "
        "смотрите `zvonok messages`."
    )


async def test_at_half_past_six_simulate_says_quiet_hours_hold_the_messages_until_07_30(
    sqlite_db: Database,
) -> None:
    await load_demo(sqlite_db, today=dt.date(2026, 10, 2), scale=0.1)

    result = await simulate(sqlite_db, marks=2, seed=7, clock=lambda: moscow(3, 6, 30))

    assert (result.hold.code, result.hold.params) == ("quiet_hours", {"until": "07:30"})
    assert when_sent(result) == (
        "В школе тихие часы (21:00–07:30): сообщения ждут до 07:30 и тогда уйдут. "
        "До тех пор `zvonok messages` показывает их как задержанные, с причиной."
    )
