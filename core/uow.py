"""The unit of work: one transaction per service call, with its outbox events.

Events recorded during the call are written to `outbox_event` by `commit()` in the
same transaction as the change, so a change and its notification commit or roll
back together. Nothing leaves the process before commit.

Services compose: a service's work is an inner function, `post_mark_in(uow, ...)`,
that runs inside a unit of work someone else opened and never commits; its public
form, `post_mark = transactional(post_mark_in)`, opens the unit of work, runs it and
commits. A composite operation (an invite sheet, a lesson form, a journal cell)
opens one unit of work and calls the inner functions of its steps inside it, so it
is one transaction: all or nothing.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

from pydantic_core import to_jsonable_python
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from core.audit.chain import seal, store_sealed, take_heads
from core.db import Database, SessionHandoff
from core.events import Event
from core.models import AuditEntry, OutboxEvent, utcnow


class UnitOfWork:
    """`async with uow: ...; await uow.commit()`. Leaving without commit rolls back.

    Create one per service call; the clock is injectable so deadlines and expiry
    can be checked at a chosen instant. With a `handoff`, the unit goes on in the
    session of a read made before it (`statement_session`) when that is still kept.
    """

    def __init__(
        self,
        db: Database,
        *,
        clock: Callable[[], datetime] = utcnow,
        handoff: SessionHandoff | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self._handoff = handoff
        self._session: AsyncSession | None = None
        self._turn = contextlib.AsyncExitStack()  # the write turn, while open
        self._events: list[Event] = []
        self._audits: list[AuditEntry] = []
        self.committed_events: list[OutboxEvent] = []
        self.correction_reason: str | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._session

    def _refuse_nesting(self) -> None:
        # A second `async with` would open a second transaction and lose the first:
        # inside an open unit of work, call a service's inner function (`*_in`).
        if self._session is not None:
            raise RuntimeError("unit of work already open: call the service's `*_in` function")

    def statement_session(self) -> contextlib.AbstractAsyncContextManager[AsyncSession]:
        """A session for one read before the unit opens (the session check): the
        handoff's, kept for this or a sibling unit, else `Database.statement_session`."""
        if self._handoff is not None:
            return self._handoff.reading()
        return self.db.statement_session()

    def _kept_session(self) -> AsyncSession | None:
        return self._handoff.take() if self._handoff is not None else None

    async def __aenter__(self) -> Self:
        self._refuse_nesting()
        turn = contextlib.AsyncExitStack()
        await turn.enter_async_context(self.db.write_turn())
        try:
            # Kept on PostgreSQL only, where a writing session is a plain one.
            kept = self._kept_session()
            self._session = kept if kept is not None else await self.db.writing_session()
        except BaseException:
            await turn.aclose()
            raise
        self._turn = turn
        self._events = []
        self._audits = []
        self.committed_events = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        try:
            await session.rollback()  # no-op after commit
        finally:
            await session.close()
            await self._turn.aclose()
            self._events = []
            self._audits = []
            self.correction_reason = None  # a correction covers one unit of work

    def now(self) -> datetime:
        return self.clock()

    @classmethod
    def reading(cls, db: Database) -> UnitOfWork:
        """A unit of work that only reads: a plain session, so on SQLite it holds no
        write lock (for reads that take long, like a journal book's rows)."""
        return _ReadingUnitOfWork(db)

    def correction(self, reason: str) -> None:
        """Make this unit of work an administrator's correction of a closed journal.

        Set before the service runs (`core.closing.start_correction` checks the reason);
        the read-only guard (`core.closing.require_open`) then lets an administrator
        write a closed period's entries, and every audit entry of the unit of work
        carries `reason`. It ends with the unit of work.
        """
        self.correction_reason = reason

    def record(self, event: Event) -> None:
        """Queue an event for the outbox of this transaction."""
        self._events.append(event)

    def audit(
        self,
        row: SQLModel,
        *,
        school_id: int,
        action: str,
        actor_id: int | None,
        actor_kind: str = "staff",
        old: dict[str, Any] | None = None,
        reason: str | None = None,
        exclude: frozenset[str] = frozenset(),
    ) -> None:
        """Keep who did what to `row`, with the values before (`old`) and after, and
        the written `reason` where the change needs one; `exclude` leaves columns out
        (a kept file's bytes: the entry holds its hash).

        The values after are taken now; the entry joins the school's hash chain at
        commit (`commit`), when its number is known.
        """
        entity_id = getattr(row, "id", None)
        if entity_id is None:
            raise RuntimeError("audit() needs a flushed row")
        new = None if action == "delete" else snapshot(row, exclude=exclude)
        self._audits.append(
            AuditEntry(
                school_id=school_id,
                at=self.now(),
                actor_kind=actor_kind,
                actor_id=actor_id,
                entity=str(getattr(row, "__tablename__", type(row).__name__.lower())),
                entity_id=entity_id,
                action=action,
                old=old,
                new=new,
                reason=reason if reason is not None else self.correction_reason,
            )
        )

    async def save(
        self,
        row: SQLModel,
        *,
        action: str,
        actor_id: int | None,
        actor_kind: str = "staff",
        old: dict[str, Any] | None = None,
        school_id: int | None = None,
        reason: str | None = None,
    ) -> None:
        """Add `row`, flush it (a new row gets its id) and keep the change in the audit
        log (`audit`); the school is the row's own unless given. Commit is the caller's."""
        self.session.add(row)
        await self.session.flush()
        school = school_id if school_id is not None else getattr(row, "school_id", None)
        if school is None:
            raise RuntimeError("save() needs the school of a row without school_id")
        self.audit(
            row,
            school_id=school,
            action=action,
            actor_id=actor_id,
            actor_kind=actor_kind,
            old=old,
            reason=reason,
        )

    async def commit(self) -> None:
        occurred = self.now()
        rows = [
            OutboxEvent(
                id=uuid.uuid4().hex,
                school_id=event.school_id,
                kind=event.kind,
                entity=event.entity,
                payload=event.model_dump(mode="json"),
                occurred_at=occurred,
            )
            for event in self._events
        ]
        self.session.add_all(rows)
        await self._seal_audits()
        await self.session.commit()
        self._events = []
        self.committed_events.extend(rows)

    async def _seal_audits(self) -> None:
        """Number and hash this transaction's audit entries into their schools' chains.

        Last before the commit: the chain's head stays locked (PostgreSQL) only from
        here to the commit, so a school's writers queue for as short a time as can be.
        """
        if not self._audits:
            return
        entries, self._audits = self._audits, []
        heads = await take_heads(self.session, (entry.school_id for entry in entries))
        for school_id, head in heads.items():
            chained = [entry for entry in entries if entry.school_id == school_id]
            await store_sealed(self.session, seal(head, chained), chained)

    async def rollback(self) -> None:
        self._events = []
        self._audits = []
        await self.session.rollback()


P = ParamSpec("P")
R = TypeVar("R")


def transactional(
    inner: Callable[Concatenate[UnitOfWork, P], Awaitable[R]],
) -> Callable[Concatenate[UnitOfWork, P], Coroutine[Any, Any, R]]:
    """The public form of a service's inner function: open `uow`, run `inner`, commit.

    A refusal (any exception) leaves the unit of work without commit: nothing of the
    call stays. `post_mark = transactional(post_mark_in)` keeps the inner function's
    name without `_in`, its signature and its docstring.
    """

    @functools.wraps(inner)
    async def in_transaction(uow: UnitOfWork, /, *args: P.args, **kwargs: P.kwargs) -> R:
        async with uow:
            result = await inner(uow, *args, **kwargs)
            await uow.commit()
            return result

    in_transaction.__name__ = inner.__name__.removesuffix("_in")
    in_transaction.__qualname__ = inner.__qualname__.removesuffix("_in")
    return in_transaction


# Columns whose values never enter the audit log (it is read far more widely than
# the staff table). A short fingerprint still shows that a password was changed.
# A contact change's 6-digit code hash is brute-forced in seconds: masked too.
SECRET_COLUMNS = frozenset({"password_hash", "code_hash"})


def snapshot(row: SQLModel, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The row's column values as JSON-ready data, for the audit log (secrets masked)."""
    return jsonable_values(row.model_dump(exclude=set(exclude)))


def jsonable_values(values: dict[str, Any]) -> dict[str, Any]:
    """Column values (a model's, or a plain row's as the database returns it) as the
    audit log keeps them: instants in UTC, secrets masked, JSON-ready."""
    # Instants in UTC, as the database hands them back: the same instant reads the
    # same in the log and in the row, whatever zone the writer's clock was in.
    for name, value in values.items():
        if isinstance(value, datetime) and value.tzinfo is not None:
            values[name] = value.astimezone(UTC)
    data: dict[str, Any] = to_jsonable_python(values)
    for column in SECRET_COLUMNS & data.keys():
        if data[column] is not None:
            digest = hashlib.sha256(str(data[column]).encode()).hexdigest()[:8]
            data[column] = f"<secret {digest}>"
    return data


class _ReadingUnitOfWork(UnitOfWork):
    async def __aenter__(self) -> Self:
        self._refuse_nesting()
        kept = self._kept_session()
        self._session = kept if kept is not None else self.db.session()
        return self

    async def commit(self) -> None:
        raise RuntimeError("a reading unit of work does not commit")
