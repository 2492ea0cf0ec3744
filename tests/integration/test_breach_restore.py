"""Restoring entries a breach report voided (issue 11), on SQLite and PostgreSQL: the
administrator lists them, restores a wrongly voided mark with a written reason, the
audit log keeps the reason, the family gets the mark again through the delivery
pipeline; a second restore, an empty reason, a superseded entry and other roles are
refused. TODAY (23.11.2026) is a Monday, the school in Moscow."""

from __future__ import annotations

import datetime as dt

import pytest

from core.audit.verify import verify_school
from core.db import Database
from core.errors import Forbidden, RuleViolation
from core.models import Attendance, Mark
from core.reading.breach_voids import breach_voids
from core.reading.lesson_page import lesson_page
from core.services.attendance import mark_attendance
from core.services.breach_restore import restore_voided
from core.services.homework import set_homework
from core.services.remarks import post_remark
from core.services.staff import report_breach, unlock_staff
from core.uow import UnitOfWork
from tests.builders import World, build_world
from tests.integration.delivery_helpers import (
    Clock,
    lines,
    load,
    msk,
    post,
    relay_and_dispatch,
    run_worker,
)
from tests.integration.outbox_helpers import audit_trail, outbox

LOOKBACK_DAYS = 7
REASON = "Учитель подтвердил отметку: взлома в этот час не было"


async def _voided_journal(db: Database) -> tuple[World, Clock, dict[str, int]]:
    """The math teacher's entries at 10:00, told to the families, then a breach reported
    at 11:00 (learned of at 09:30) voids them and the families are told of it."""
    w = await build_world(db)
    clock = Clock(db, msk(10))
    ids = {
        "vanya": await post(clock, w, "vanya", 4),
        "petya": await post(clock, w, "petya", 3),
    }
    absent = await mark_attendance(
        clock.uow(),
        actor=w.actor("math"),
        lesson_id=w.lessons["math7"],
        student_id=w.students["masha"],
        status="absent",
    )
    assert absent is not None
    ids["attendance"] = absent.id or 0
    await set_homework(
        clock.uow(), actor=w.actor("math"), lesson_id=w.lessons["math7"], text="№ 12, 14"
    )
    await post_remark(
        clock.uow(),
        actor=w.actor("math"),
        student_id=w.students["vanya"],
        kind="remark",
        text="Нет тетради",
        lesson_id=w.lessons["math7"],
    )
    await relay_and_dispatch(clock)
    clock.set(msk(10, 5))
    told = await run_worker(clock)
    assert ("mark", "new", "Иван", 4) in lines(told[w.guardians["novikov"]][0])
    clock.set(msk(11))
    await report_breach(
        clock.uow(),
        actor=w.actor("admin"),
        staff_id=w.staff["math"],
        reported_at=msk(9, 30),
        lookback=dt.timedelta(days=LOOKBACK_DAYS),
    )
    await relay_and_dispatch(clock)
    clock.set(msk(11, 5))
    withdrawn = await run_worker(clock)
    assert ("mark", "withdrawn", "Иван", None) in lines(withdrawn[w.guardians["novikov"]][0])
    return w, clock, ids


async def test_the_administrator_lists_the_voided_entries(db: Database) -> None:
    w, _, _ = await _voided_journal(db)
    found = await breach_voids(UnitOfWork(db), actor=w.actor("admin"), staff_id=w.staff["math"])
    assert (found.staff_name, found.locked) == ("Иванова М.П.", True)
    rows = sorted((e.kind, e.pupil, e.value, e.place) for e in found.entries)
    assert rows == [
        ("attendance", "Соколова Мария", "absent", "7Б Математика"),
        ("homework", None, "№ 12, 14", "7Б Математика"),
        ("mark", "Новиков Иван", "4", "7Б Математика"),
        ("mark", "Соколов Пётр", "3", "7Б Математика"),
        ("remark", "Новиков Иван", "Нет тетради", "7Б Математика"),
    ]
    for entry in found.entries:
        assert (entry.written_at, entry.voided_at) == (msk(10), msk(11))
        assert entry.restored_at is None and entry.refusal is None
        assert entry.day is not None


async def test_a_restored_mark_is_back_and_the_family_is_told(db: Database) -> None:
    w, clock, ids = await _voided_journal(db)
    admin = w.actor("admin")
    found = await breach_voids(UnitOfWork(db), actor=admin, staff_id=w.staff["math"])
    vanya = next(e for e in found.entries if e.kind == "mark" and e.value == "4")
    clock.set(msk(12))
    restored = await restore_voided(
        clock.uow(), actor=admin, void_ids=[vanya.void_id], reason=REASON
    )
    assert restored == 1

    mark = await load(db, Mark, ids["vanya"])
    assert (mark.deleted_at, mark.value, mark.updated_by) == (None, 4, w.staff["admin"])
    page = await lesson_page(UnitOfWork(db), actor=admin, lesson_id=w.lessons["math7"])
    cells = {pupil.name: pupil.cell.text for pupil in page.pupils}
    assert (cells["Новиков Иван"], cells["Соколов Пётр"]) == ("4", "")  # back in the journal
    *_, last = await audit_trail(db, "mark", ids["vanya"])
    assert (last.action, last.actor_id, last.reason) == ("update", w.staff["admin"], REASON)
    assert last.old is not None and last.old["deleted_at"] is not None

    await relay_and_dispatch(clock)
    clock.set(msk(12, 5))
    received = await run_worker(clock)
    [message] = received[w.guardians["novikov"]]
    assert lines(message) == [("mark", "new", "Иван", 4)]
    assert w.guardians["sokolova"] not in received  # Петя's mark stays voided

    # Restored once: the second attempt is refused and changes nothing.
    with pytest.raises(RuleViolation, match="уже восстановлена"):
        await restore_voided(clock.uow(), actor=admin, void_ids=[vanya.void_id], reason=REASON)
    found = await breach_voids(UnitOfWork(db), actor=admin, staff_id=w.staff["math"])
    again = next(e for e in found.entries if e.void_id == vanya.void_id)
    assert (again.restored_at, again.restored_by, again.refusal) == (
        msk(12),
        "Белов И.А.",
        "already_restored",
    )
    assert await run_worker(clock) == {}
    # The journal and its audit chain still agree (`zvonok audit verify`).
    async with db.session() as session:
        report = await verify_school(session, w.school_id)
    assert report.ok, report.findings


async def test_absence_and_homework_come_back_to_the_families(db: Database) -> None:
    w, clock, ids = await _voided_journal(db)
    admin = w.actor("admin")
    found = await breach_voids(UnitOfWork(db), actor=admin, staff_id=w.staff["math"])
    chosen = [e.void_id for e in found.entries if e.kind in ("attendance", "homework", "remark")]
    clock.set(msk(12))
    assert await restore_voided(clock.uow(), actor=admin, void_ids=chosen, reason=REASON) == 3
    assert (await load(db, Attendance, ids["attendance"])).deleted_at is None
    async with db.session() as session:
        assert (await verify_school(session, w.school_id)).ok
    await relay_and_dispatch(clock)
    clock.set(msk(12, 5))
    received = await run_worker(clock)
    told = {item for messages in received.values() for m in messages for item in lines(m)}
    assert ("attendance", "new", "Мария", "absent") in told
    assert not [item for item in told if item[0] == "remark"]  # its voiding was not told
    # Homework goes to families at its own time (after the class's lessons): it was not
    # sent yet, and goes with the homework's own schedule, as a live entry again.
    *_, homework = await outbox(db, "homework_changed")
    assert (homework.payload["deleted"], homework.payload["text"]) == (False, "№ 12, 14")


async def test_refusals_change_nothing(db: Database) -> None:
    w, clock, ids = await _voided_journal(db)
    admin = w.actor("admin")
    found = await breach_voids(UnitOfWork(db), actor=admin, staff_id=w.staff["math"])
    marks = {e.value: e.void_id for e in found.entries if e.kind == "mark"}
    with pytest.raises(RuleViolation, match="Напишите, почему"):
        await restore_voided(clock.uow(), actor=admin, void_ids=[marks["4"]], reason="  ")
    with pytest.raises(Forbidden):
        await restore_voided(
            clock.uow(), actor=w.actor("deputy"), void_ids=[marks["4"]], reason=REASON
        )
    with pytest.raises(Forbidden):
        await breach_voids(UnitOfWork(db), actor=w.actor("deputy"), staff_id=w.staff["math"])
    # The teacher, unlocked, gives Петя a new mark in the cell: the voided one stays voided.
    await unlock_staff(
        clock.uow(), actor=admin, staff_id=w.staff["math"], new_password="новый-пароль-1"
    )
    await post(clock, w, "petya", 5)
    found = await breach_voids(UnitOfWork(db), actor=admin, staff_id=w.staff["math"])
    refusals = {e.value: e.refusal for e in found.entries if e.kind == "mark"}
    assert refusals == {"4": None, "3": "restore_superseded_mark"}
    with pytest.raises(RuleViolation, match="другую отметку"):
        await restore_voided(
            clock.uow(), actor=admin, void_ids=[marks["4"], marks["3"]], reason=REASON
        )
    # All or nothing: Ваня's mark, chosen with it, was not restored either.
    assert (await load(db, Mark, ids["vanya"])).deleted_at is not None
    assert (await load(db, Mark, ids["petya"])).deleted_at is not None


async def test_two_marks_of_one_cell_come_back_together(db: Database) -> None:
    """Marks that stood side by side before the breach do not supersede each other."""
    w = await build_world(db)
    clock = Clock(db, msk(10))
    first = await post(clock, w, "vanya", 4)
    second = await post(clock, w, "vanya", 5, work_type="test")
    clock.set(msk(11))
    await report_breach(
        clock.uow(),
        actor=w.actor("admin"),
        staff_id=w.staff["math"],
        reported_at=msk(9, 30),
        lookback=dt.timedelta(days=LOOKBACK_DAYS),
    )
    admin = w.actor("admin")
    found = await breach_voids(UnitOfWork(db), actor=admin, staff_id=w.staff["math"])
    assert [e.refusal for e in found.entries] == [None, None]
    chosen = [e.void_id for e in found.entries]
    assert await restore_voided(clock.uow(), actor=admin, void_ids=chosen, reason=REASON) == 2
    for mark_id in (first, second):
        assert (await load(db, Mark, mark_id)).deleted_at is None
