"""Who may lock whom after a breach, how far back, and the preview that changes nothing
(core/breach_rules.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from core.breach_rules import EntryCounts
from core.db import Database
from core.errors import Forbidden, RuleViolation
from core.models import Mark, Staff
from core.reading.access import ReadingUnit
from core.reading.breach import preview_breach
from core.services.marks import post_mark
from core.services.staff import create_staff, report_breach
from core.uow import UnitOfWork
from tests.builders import World, build_world
from tests.integration.people_helpers import NOON, counts, load, state, uow_at

HOUR = dt.timedelta(hours=1)
WEEK = dt.timedelta(days=7)


async def add_director(db: Database, w: World) -> None:
    """A second administrator, «director» in `w.staff`."""
    staff = await create_staff(
        UnitOfWork(db),
        actor=w.actor("admin"),
        login="director@1",
        last_name="Директорова",
        first_name="Алла",
        roles=["admin"],
    )
    w.staff["director"] = staff.id or 0


async def lock(
    db: Database, w: World, who: str, target: str, *, since: dt.datetime = NOON - HOUR
) -> EntryCounts:
    return await report_breach(
        uow_at(db, NOON),
        actor=w.actor(who),
        staff_id=w.staff[target],
        reported_at=since,
        lookback=WEEK,
    )


async def test_a_deputy_may_not_lock_an_administrator(db: Database) -> None:
    w = await build_world(db)
    await add_director(db, w)
    before = await state(db, (Staff, w.staff["admin"]))
    with pytest.raises(Forbidden, match="заблокировать эту учётную запись может только") as no:
        await lock(db, w, "deputy", "admin")
    assert no.value.code == "breach_admin_by_deputy"
    assert no.value.message("en").startswith("Белов И.А. is an administrator")
    assert await state(db, (Staff, w.staff["admin"])) == before

    await lock(db, w, "director", "admin")  # another administrator may
    assert (await load(db, Staff, w.staff["admin"])).locked_at == NOON


async def test_the_last_active_administrator_is_never_locked(db: Database) -> None:
    w = await build_world(db)
    with pytest.raises(RuleViolation, match="последний действующий администратор") as no:
        await lock(db, w, "deputy", "admin")
    assert no.value.code == "breach_last_admin"
    assert (await load(db, Staff, w.staff["admin"])).locked_at is None

    # With a second administrator one may lock the other; the one left stays.
    await add_director(db, w)
    await lock(db, w, "admin", "director")
    with pytest.raises(RuleViolation, match="последний действующий администратор"):
        await lock(db, w, "deputy", "admin")
    assert (await load(db, Staff, w.staff["admin"])).locked_at is None


async def test_a_breach_reaches_back_at_most_the_lookback(db: Database) -> None:
    w = await build_world(db)
    before = await counts(db, Mark, Staff)
    with pytest.raises(RuleViolation) as too_far:
        await lock(db, w, "admin", "math", since=NOON - WEEK - dt.timedelta(minutes=1))
    assert too_far.value.code == "breach_too_far_back"
    # NOON is 12:00 in Moscow: a week back is 16.11.2026 12:00 there.
    assert str(too_far.value) == (
        "При нарушении доступа аннулировать записи можно не более чем за 7 дней: "
        "укажите время не раньше 16.11.2026 12:00."
    )
    assert await counts(db, Mark, Staff) == before
    assert (await load(db, Staff, w.staff["math"])).locked_at is None

    await lock(db, w, "admin", "math", since=NOON - WEEK)  # exactly the limit is allowed
    assert (await load(db, Staff, w.staff["math"])).locked_at == NOON


async def test_the_preview_counts_what_the_lock_voids_and_changes_nothing(db: Database) -> None:
    w = await build_world(db)
    for student, moment in (("petya", NOON - 2 * HOUR), ("masha", NOON - HOUR / 2)):
        await post_mark(
            uow_at(db, moment),
            actor=w.actor("math"),
            lesson_id=w.lessons["math7"],
            student_id=w.students[student],
            value=4,
        )
    before = await counts(db, Mark, Staff)
    preview = await preview_breach(
        ReadingUnit(db, clock=lambda: NOON),
        actor=w.actor("deputy"),
        staff_id=w.staff["math"],
        reported_at=NOON - HOUR,
        lookback=WEEK,
    )
    assert preview.staff_name == "Иванова М.П." and not preview.already_locked
    assert preview.entries == EntryCounts(marks=1)
    assert await counts(db, Mark, Staff) == before
    assert (await load(db, Staff, w.staff["math"])).locked_at is None

    assert await lock(db, w, "deputy", "math") == preview.entries
    with pytest.raises(RuleViolation, match="последний действующий администратор"):
        await preview_breach(
            ReadingUnit(db, clock=lambda: NOON),
            actor=w.actor("deputy"),
            staff_id=w.staff["admin"],
            reported_at=NOON - HOUR,
            lookback=WEEK,
        )
