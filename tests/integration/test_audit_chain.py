"""The audit log as a hash chain: sealed at commit, verified, tampering named.

Every tampering here is done as an intruder with database access would: plain SQL
past the services. `verify` must name what was done and where.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from core.audit.chain import GENESIS, ChainHead, link, read_heads
from core.audit.findings import Problem
from core.audit.verify import Anchor, Report, verify_school
from core.db import Database
from core.models import AuditEntry, StaffMessage, Subject
from core.services.attendance import mark_attendance
from core.services.homework import set_homework
from core.services.marks import change_mark, delete_mark, post_mark
from core.services.period_marks import set_period_mark
from core.uow import UnitOfWork
from tests.builders import World, build_world, uow_at
from workers.audit import verify_audit_chains

# Both databases, each test: the chain hashes values as each database hands them back; tampering is plain SQL.
pytestmark = pytest.mark.both_databases


async def _journal(db: Database, w: World) -> dict[str, int]:
    """A few days of a teacher's work through the services; the rows' ids."""
    math, lesson, petya = w.actor("math"), w.lessons["math7"], w.students["petya"]
    mark = await post_mark(
        uow_at(db), actor=math, lesson_id=lesson, student_id=petya, value=4, work_type="oral"
    )
    await change_mark(uow_at(db), actor=math, mark_id=mark.id or 0, value=5)
    wrong = await post_mark(
        uow_at(db), actor=math, lesson_id=lesson, student_id=w.students["masha"], value=2
    )
    await delete_mark(uow_at(db), actor=math, mark_id=wrong.id or 0)
    absence = await mark_attendance(
        uow_at(db), actor=math, lesson_id=lesson, student_id=petya, status="absent"
    )
    homework = await set_homework(uow_at(db), actor=math, lesson_id=lesson, text="§12, № 3–5")
    period_mark = await set_period_mark(
        uow_at(db),
        actor=math,
        period_id=w.periods["2 четверть"],
        student_id=petya,
        subject_id=w.subjects["Математика"],
        value="5",
        kind="final",
    )
    return {
        "mark": mark.id or 0,
        "attendance": absence.id or 0 if absence else 0,
        "homework": homework.id or 0,
        "period_mark": period_mark.id or 0,
    }


async def _verify(db: Database, school_id: int, *anchors: Anchor) -> Report:
    async with db.sessions() as session:
        return await verify_school(session, school_id, anchors=anchors)


async def _sql(db: Database, statement: str, **params: object) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(text(statement), params)


async def _entries(db: Database, school_id: int) -> list[AuditEntry]:
    async with db.sessions() as session:
        query = select(AuditEntry).where(AuditEntry.school_id == school_id)
        return list((await session.exec(query.order_by(col(AuditEntry.seq)))).all())


async def test_entries_are_numbered_and_chained_and_verify(db: Database) -> None:
    w = await build_world(db)
    await _journal(db, w)
    entries = await _entries(db, w.school_id)
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    previous = GENESIS
    for entry in entries:
        assert entry.prev_hash == previous and entry.hash == link(previous, entry)
        previous = entry.hash
    report = await _verify(db, w.school_id)
    assert report.ok, report.findings
    assert report.head == ChainHead(w.school_id, len(entries), previous)


async def test_a_mark_changed_past_the_services_is_named(db: Database) -> None:
    w = await build_world(db)
    ids = await _journal(db, w)
    await _sql(db, "UPDATE mark SET value = 2 WHERE id = :id", id=ids["mark"])
    await _sql(db, "DELETE FROM homework WHERE id = :id", id=ids["homework"])
    report = await _verify(db, w.school_id)
    found = {(f.problem, f.entity, f.entity_id) for f in report.findings}
    assert found == {
        (Problem.row_changed, "mark", ids["mark"]),
        (Problem.row_missing, "homework", ids["homework"]),
    }
    changed = next(f for f in report.findings if f.problem is Problem.row_changed)
    assert changed.detail == "value"


async def test_an_edited_audit_entry_is_named(db: Database) -> None:
    w = await build_world(db)
    await _journal(db, w)
    third = (await _entries(db, w.school_id))[2]
    # Make a past mark look as if it had always been a 3.
    await _sql(
        db,
        "UPDATE audit_entry SET actor_id = :who WHERE id = :id",
        who=w.staff["russian"],
        id=third.id,
    )
    report = await _verify(db, w.school_id)
    assert report.first is not None
    assert (report.first.problem, report.first.seq) == (Problem.changed, 3)


async def test_a_removed_entry_is_named_in_the_middle_and_at_the_end(db: Database) -> None:
    w = await build_world(db)
    await _journal(db, w)
    entries = await _entries(db, w.school_id)
    await _sql(db, "DELETE FROM audit_entry WHERE id = :id", id=entries[3].id)
    report = await _verify(db, w.school_id)
    assert report.first is not None
    assert (report.first.problem, report.first.seq, report.first.detail) == (
        Problem.removed,
        5,
        "4",
    )

    await _sql(db, "DELETE FROM audit_entry WHERE id = :id", id=entries[-1].id)
    report = await _verify(db, w.school_id)
    assert any(f.problem is Problem.head for f in report.findings)


async def test_an_inserted_entry_is_named(db: Database) -> None:
    w = await build_world(db)
    await _journal(db, w)
    entries = await _entries(db, w.school_id)
    last = entries[-1]
    # A forged entry appended after the last one, linked and hashed with a guess.
    await _sql(
        db,
        "INSERT INTO audit_entry (school_id, at, actor_kind, actor_id, entity, entity_id, "
        "action, old, new, seq, prev_hash, hash) VALUES (:s, :at, 'staff', :a, 'mark', 999, "
        "'create', 'null', '{\"value\": 5}', :seq, :prev, :h)",
        s=w.school_id,
        at=last.at.replace(tzinfo=None),
        a=w.staff["math"],
        seq=(last.seq or 0) + 1,
        prev=last.hash,
        h="f" * 64,
    )
    report = await _verify(db, w.school_id)
    problems = {(f.problem, f.seq) for f in report.findings}
    assert (Problem.changed, (last.seq or 0) + 1) in problems
    assert (Problem.head, (last.seq or 0) + 2) in problems


async def test_a_chain_rewritten_whole_is_caught_by_its_anchor(db: Database) -> None:
    w = await build_world(db)
    await _journal(db, w)
    report = await _verify(db, w.school_id)
    assert report.head is not None
    anchor = Anchor("backup 2026-12-06", report.head)

    # The intruder edits an entry, then recomputes every hash after it and the head:
    # the chain verifies on its own, but no longer holds the head kept outside.
    entries = await _entries(db, w.school_id)
    entries[1].actor_id = w.staff["russian"]
    previous = GENESIS
    for entry in entries:
        entry.prev_hash, entry.hash = previous, link(previous, entry)
        previous = entry.hash
        await _sql(
            db,
            "UPDATE audit_entry SET actor_id = :a, prev_hash = :p, hash = :h WHERE id = :id",
            a=entry.actor_id,
            p=entry.prev_hash,
            h=entry.hash,
            id=entry.id,
        )
    await _sql(
        db, "UPDATE audit_chain SET hash = :h WHERE school_id = :s", h=previous, s=w.school_id
    )
    assert (await _verify(db, w.school_id)).ok
    report = await _verify(db, w.school_id, anchor)
    assert [(f.problem, f.seq, f.detail) for f in report.findings] == [
        (Problem.anchor, anchor.head.seq, "backup 2026-12-06")
    ]


async def test_one_commit_chains_its_entries_school_by_school(db: Database) -> None:
    # The heads are written with their entries (on PostgreSQL in one statement each):
    # each school's chain goes on from its own head, whatever order the entries came in.
    w = await build_world(db)
    await _journal(db, w)
    schools = (w.school_id, w.other_school_id, w.school_id, w.other_school_id, w.school_id)
    async with uow_at(db) as uow:
        for n, school in enumerate(schools):
            subject = Subject(school_id=school, name=f"Факультатив {n}")
            await uow.save(subject, action="create", actor_id=None)
        await uow.commit()
    async with db.sessions() as session:
        heads = await read_heads(session)
    for school in (w.school_id, w.other_school_id):
        entries = await _entries(db, school)
        assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
        assert [e.entity for e in entries].count("subject") == schools.count(school)
        assert (heads[school].seq, heads[school].hash) == (entries[-1].seq, entries[-1].hash)
        assert (await _verify(db, school)).ok


@pytest.mark.postgres
async def test_concurrent_writers_take_distinct_numbers_on_postgres(postgres_db: Database) -> None:
    db = postgres_db
    w = await build_world(db)
    students = [w.students[name] for name in ("petya", "masha", "vanya")]

    async def teacher_saves(round_no: int) -> None:
        for student in students:
            await post_mark(
                UnitOfWork(db),
                actor=w.actor("math"),
                lesson_id=w.lessons["math7"],
                student_id=student,
                value=2 + (round_no + student) % 4,
            )

    await asyncio.gather(*(teacher_saves(n) for n in range(8)))
    entries = await _entries(db, w.school_id)
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert (await _verify(db, w.school_id)).ok


async def test_the_nightly_job_names_the_school_whose_log_was_tampered_with(db: Database) -> None:
    w = await build_world(db)
    await _journal(db, w)
    assert await verify_audit_chains({"db": db}) == []
    await _sql(
        db,
        "UPDATE audit_entry SET action = 'create' WHERE seq = 4 AND school_id = :s",
        s=w.school_id,
    )
    assert await verify_audit_chains({"db": db}) == [w.school_id]
    # The administrator is told, once a day: the second night's run plans nothing new.
    assert await verify_audit_chains({"db": db}) == [w.school_id]
    async with db.session() as session:
        alerts = (await session.exec(select(StaffMessage))).all()
    assert [(a.staff_id, a.kind) for a in alerts] == [(w.staff["admin"], "alert")]
    [alert] = alerts[0].params["alerts"]
    assert alert["code"] == "audit_chain_broken"
    assert alert["params"] == {
        "school": "Школа №1",
        "seq": 4,
        "what": "changed",
        "count": len((await _verify(db, w.school_id)).findings),
    }
