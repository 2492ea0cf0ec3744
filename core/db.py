"""Database engines and sessions: SQLite (aiosqlite, WAL) by default, PostgreSQL (asyncpg).

Nothing here runs at import time; each process builds one `Database` at start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

# Execution option read by the SQLite "begin" hook below.
_IMMEDIATE = "zvonok_sqlite_immediate"


def normalize_url(url: str) -> str:
    """Accept the usual spellings and pick the async driver for each backend."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif backend in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    else:
        raise ValueError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")
    return parsed.render_as_string(hide_password=False)


def sqlite_path(url: str) -> Path | None:
    parsed: URL = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database)


def _configure_sqlite(engine: AsyncEngine, cache_kb: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, say when a transaction begins (see on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute(f"PRAGMA cache_size=-{int(cache_kb)}")  # negative: KiB, not pages
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Any) -> None:
        # A unit of work reads then writes. A deferred transaction that later wants
        # the write lock fails with "database is locked" when another writer got in
        # first; BEGIN IMMEDIATE takes the lock up front and waits (busy_timeout).
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """One engine and its session factory for a process."""

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        pool_size: int = 5,
        pool_overflow: int = 10,
        sqlite_cache_kb: int = 2000,  # SQLite's own default
    ) -> None:
        """`pool_size` connections are kept open, `pool_overflow` more opened when busy
        (`ZVONOK_DB_POOL_SIZE`, `ZVONOK_DB_POOL_OVERFLOW`). On SQLite each connection
        is a thread with its own page cache of up to `sqlite_cache_kb`
        (`ZVONOK_DB_SQLITE_CACHE_KB`): a worker needs few (its writes take turns)."""
        self.url = normalize_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        path = sqlite_path(self.url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {
            "echo": echo,
            "pool_size": pool_size,
            "max_overflow": pool_overflow,
        }
        if not self.is_sqlite:
            kwargs["pool_pre_ping"] = True
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine, sqlite_cache_kb)
        self.sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
        # PostgreSQL only: SQLite's "begin" hook below would leave a BEGIN open.
        self._statement_sessions = (
            self.sessions
            if self.is_sqlite
            else async_sessionmaker(
                self.engine.execution_options(isolation_level="AUTOCOMMIT"),
                class_=AsyncSession,
                expire_on_commit=False,
            )
        )
        self._write_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def write_turn(self) -> contextlib.AbstractAsyncContextManager[Any]:
        """This process's turn at SQLite's single writer, first come first served (hold it
        around a write transaction, as `UnitOfWork` does); nothing to take on PostgreSQL.

        Without turns, a writer finding the lock taken sleeps in SQLite's busy handler,
        in growing steps, and may lose the lock again and again to later writers: with
        50 teachers saving at once some saves waited ten seconds. Writers of other
        processes still meet at the busy handler.
        """
        if not self.is_sqlite:
            return contextlib.nullcontext()
        loop = asyncio.get_running_loop()
        turn = self._write_turns.get(loop)
        if turn is None:
            turn = self._write_turns[loop] = asyncio.Lock()
        return turn

    def session(self) -> AsyncSession:
        """A session for reading (web pages, bot answers, workers' lookups)."""
        return self.sessions()

    def statement_session(self) -> AsyncSession:
        """A session for one read statement: on PostgreSQL outside a transaction
        (autocommit), so without the BEGIN and ROLLBACK round trips around it; a plain
        session on SQLite. Two statements in it may see different data: one only.

        For the session check (`staff_for_secret`) of a unit of work without a
        `SessionHandoff`."""
        return self._statement_sessions()

    async def writing_session(self) -> AsyncSession:
        """A session whose transaction holds the write lock from the start (SQLite)."""
        session = self.sessions()
        if self.is_sqlite:
            await session.connection(execution_options={_IMMEDIATE: True})
        return session

    async def dispose(self) -> None:
        await self.engine.dispose()


class SessionHandoff:
    """One pool checkout for a first read and the unit of work after it (PostgreSQL).

    A web request reads who is asking (the session check), then runs a unit of work.
    Each checkout from the pool costs its pre-ping, three round trips (asyncpg's ping
    opens and rolls back a transaction): so the read's session is kept open, and the
    next unit of work to open takes it and goes on in the same transaction. Only one
    takes it; a later unit checks out its own. The read's rows are detached after it,
    as if their session had closed: the unit's rollback must not expire the viewer's.

    On SQLite a checkout costs no round trip, and a writing unit needs a session of
    its own (`BEGIN IMMEDIATE`): the read has `Database.statement_session` there.
    `close()` ends a session nobody took (the request's end).
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._session: AsyncSession | None = None

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for a read before the unit of work, kept for it (PostgreSQL)."""
        if self.db.is_sqlite:
            async with self.db.statement_session() as session:
                yield session
            return
        if self._session is None:
            self._session = self.db.session()
        session = self._session
        try:
            yield session
        except BaseException:
            await self.close()
            raise
        session.expunge_all()

    def take(self) -> AsyncSession | None:
        """The kept session, now the caller's to close (None: nothing kept)."""
        session, self._session = self._session, None
        return session

    async def close(self) -> None:
        session = self.take()
        if session is not None:
            await session.close()
