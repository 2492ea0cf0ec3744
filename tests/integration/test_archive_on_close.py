"""A closed year's archive, made by the worker one class at a time, anchors the audit
chain: a chain rewritten afterwards no longer holds the head its documents recorded."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlmodel import col, select

from core.audit.anchors import kept_anchors
from core.audit.chain import GENESIS, link
from core.audit.findings import ARCHIVE_SOURCE, Problem
from core.audit.verify import verify_school
from core.db import Database
from core.models import ArchiveDocument, AuditEntry
from core.services.marks import post_mark
from core.services.year_close import close_year
from tests.builders import build_world, uow_at
from workers.archive import archive_closed_years

AFTER_THE_YEAR = dt.datetime(2027, 7, 1, 9, 0, tzinfo=dt.UTC)


async def test_closing_a_year_archives_every_class_once_and_anchors_the_chain(
    sqlite_db: Database,
) -> None:
    db = sqlite_db
    w = await build_world(db)
    await post_mark(
        uow_at(db),
        actor=w.actor("math"),
        lesson_id=w.lessons["math7"],
        student_id=w.students["petya"],
        value=5,
    )
    assert await archive_closed_years({"db": db}) == 0  # nothing closed yet
    await close_year(uow_at(db, AFTER_THE_YEAR), actor=w.actor("admin"), year_id=w.year_id)

    made = await archive_closed_years({"db": db})
    async with db.session() as session:
        documents = (await session.exec(select(ArchiveDocument))).all()
    assert made == len(documents) == 2 * len(w.classes)
    assert {(d.kind, d.class_id) for d in documents} == {
        (kind, klass) for kind in ("journal_book", "statement") for klass in w.classes.values()
    }
    assert all(d.generated_by == w.staff["admin"] and d.period_id is None for d in documents)
    assert await archive_closed_years({"db": db}) == 0  # once

    async with db.session() as session:
        anchors = await kept_anchors(session)
        assert anchors and (await verify_school(session, w.school_id, anchors=anchors)).ok

    # Someone edits an entry and re-hashes the whole chain and its head: the chain
    # alone verifies, but not against the head the archive recorded.
    async with db.session() as session:
        query = select(AuditEntry).where(AuditEntry.school_id == w.school_id)
        entries = list((await session.exec(query.order_by(col(AuditEntry.seq)))).all())
    entries[0].actor_id = w.staff["russian"]
    previous = GENESIS
    async with db.engine.begin() as conn:
        for entry in entries:
            entry.prev_hash, entry.hash = previous, link(previous, entry)
            previous = entry.hash
            await conn.execute(
                text(
                    "UPDATE audit_entry SET actor_id = :a, prev_hash = :p, hash = :h WHERE id = :i"
                ),
                {"a": entry.actor_id, "p": entry.prev_hash, "h": entry.hash, "i": entry.id},
            )
        await conn.execute(text("UPDATE audit_chain SET hash = :h"), {"h": previous})
    async with db.session() as session:
        assert (await verify_school(session, w.school_id)).ok
        report = await verify_school(session, w.school_id, anchors=await kept_anchors(session))
    assert {(f.problem, f.detail) for f in report.findings} == {(Problem.anchor, ARCHIVE_SOURCE)}
