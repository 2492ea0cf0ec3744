"""A request's session check and its unit of work on one pool checkout (`SessionHandoff`).

On PostgreSQL each checkout costs the pool's pre-ping (three round trips), so the
check's session is kept and the next unit of work goes on in it; on SQLite the two
have sessions of their own, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from core.db import Database, SessionHandoff
from core.errors import Forbidden
from core.models import AccessToken, Staff, TokenKind
from core.reading.access import ReadingUnit
from core.services.access_tokens import close_session, issue_token, staff_for_secret
from core.uow import UnitOfWork
from tests.builders import NOW, World, build_world

# Both databases, each test: the subject is how sessions meet connections.
pytestmark = pytest.mark.both_databases


@contextmanager
def checkouts(db: Database) -> Iterator[list[None]]:
    taken: list[None] = []

    def count(*_: Any) -> None:
        taken.append(None)

    event.listen(db.engine.sync_engine, "checkout", count)
    try:
        yield taken
    finally:
        event.remove(db.engine.sync_engine, "checkout", count)


async def signed_in(db: Database, w: World) -> str:
    """A live session secret of the maths teacher, used a moment ago (no touch due)."""
    async with UnitOfWork(db, clock=lambda: NOW) as uow:
        staff = await uow.session.get(Staff, w.staff["math"])
        assert staff is not None
        issued = issue_token(uow, staff, kind=TokenKind.session)
        issued.token.last_used_at = NOW
        await uow.commit()
    return issued.secret


def unit(db: Database, handoff: SessionHandoff) -> UnitOfWork:
    return UnitOfWork(db, clock=lambda: NOW, handoff=handoff)


async def test_the_check_and_the_next_unit_share_one_checkout(db: Database) -> None:
    w = await build_world(db)
    secret = await signed_in(db, w)
    handoff = SessionHandoff(db)
    with checkouts(db) as taken:
        holder = await staff_for_secret(unit(db, handoff), secret=secret, kind=TokenKind.session)
        assert holder is not None and holder.staff.id == w.staff["math"]
        await close_session(unit(db, handoff), secret=secret)  # a write: sign out
        await handoff.close()  # taken: nothing left to close
    assert len(taken) == (2 if db.is_sqlite else 1)
    assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    # The unit went on in the check's transaction and committed: signed out.
    assert await staff_for_secret(unit(db, handoff), secret=secret, kind=TokenKind.session) is None
    await handoff.close()


async def test_only_the_first_unit_takes_the_kept_session(db: Database) -> None:
    w = await build_world(db)
    secret = await signed_in(db, w)
    handoff = SessionHandoff(db)
    await staff_for_secret(unit(db, handoff), secret=secret, kind=TokenKind.session)
    with checkouts(db) as taken:
        reading = ReadingUnit(db, clock=lambda: NOW, handoff=handoff)
        async with reading, unit(db, handoff) as writing:
            # Both open at once: each in a session, and so a connection, of its own.
            assert reading.session is not writing.session
            for uow in (reading, writing):
                assert (await uow.session.exec(select(AccessToken))).first() is not None
    assert len(taken) == (2 if db.is_sqlite else 1)
    assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_refused_unit_leaves_the_checked_rows_readable(db: Database) -> None:
    # The unit's rollback expires the rows in its session; the viewer's rows were
    # detached after the check, so a page re-shown after a refusal still reads them.
    w = await build_world(db)
    secret = await signed_in(db, w)
    handoff = SessionHandoff(db)
    holder = await staff_for_secret(unit(db, handoff), secret=secret, kind=TokenKind.session)
    assert holder is not None
    with pytest.raises(Forbidden):
        async with unit(db, handoff) as uow:
            staff = await uow.session.get(Staff, w.staff["math"])
            assert staff is not None and staff is not holder.staff
            raise Forbidden()
    assert holder.staff.short_name and holder.school.name
    assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_kept_session_nobody_takes_is_closed(db: Database) -> None:
    w = await build_world(db)
    secret = await signed_in(db, w)
    handoff = SessionHandoff(db)
    assert await staff_for_secret(unit(db, handoff), secret=secret, kind=TokenKind.session)
    await handoff.close()
    assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
