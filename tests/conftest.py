"""Shared fixtures: a real database per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
import redis
from sqlmodel import SQLModel

import core.models  # noqa: F401  (registers every table)
from core.db import Database
from core.security import use_password_cost
from tests.postgres import PostgresServer, find_postgres
from tests.redis_fixture import PrivateRedis, start_private_redis, stop_private_redis
from tests.spread import one_value_per_test
from tests.world_template import forget_template, register_fresh, register_fresh_postgres

# Test runs sign in thousands of times: hash passwords with argon2's light parameters
# in the test processes (the processes they start hash a password or two, at the
# standard cost). ZVONOK_PASSWORD_HASH_COST=light is refused in production;
# tests/unit/test_password_cost.py checks the standard parameters.
use_password_cost("light")


@pytest.fixture(autouse=True)
def _light_password_hashes() -> None:
    """Light hashing again before each test: `load_settings()` (the settings tests, an
    app or a bot started in this process) sets the cost its settings name, "standard"
    by default, and every later test of this process would otherwise hash at 64 MiB."""
    use_password_cost("light")


# End-to-end figures (tests/e2e/figures.py) are printed after the run, xdist or not.
pytest_plugins = ["tests.e2e.figures"]

_PG_KEY = pytest.StashKey[PostgresServer | None]()
_PG_NOTES = pytest.StashKey[list[str]]()
_PG_DB = pytest.StashKey[str]()
_PG_SCHEMA_READY: set[str] = set()


def pytest_configure(config: pytest.Config) -> None:
    found = find_postgres()
    if isinstance(found, PostgresServer):
        name = f"zvonok_test_{uuid.uuid4().hex[:10]}"

        async def create() -> None:
            conn = await asyncpg.connect(found.url)
            await conn.execute(f'CREATE DATABASE "{name}"')
            await conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
            await conn.close()

        asyncio.run(create())
        config.stash[_PG_KEY] = found
        config.stash[_PG_DB] = found.url.rsplit("/", 1)[0] + f"/{name}"
        config.stash[_PG_NOTES] = [f"PostgreSQL {found.how} at {found.url.split('@')[-1]}"]
    else:
        config.stash[_PG_KEY] = None
        config.stash[_PG_NOTES] = found if isinstance(found, list) else []


def pytest_unconfigure(config: pytest.Config) -> None:
    forget_template()
    if "path" in _SQLITE_TEMPLATE:
        shutil.rmtree(_SQLITE_TEMPLATE["path"].parent, ignore_errors=True)
    server = config.stash.get(_PG_KEY, None)
    if server is None:
        return
    name = config.stash[_PG_DB].rsplit("/", 1)[1]

    async def drop() -> None:
        conn = await asyncpg.connect(server.url)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

    asyncio.run(drop())
    server.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # End-to-end tests run whole systems (worker processes, servers) with timing
    # expectations: keep them on one xdist worker, one at a time, while the other
    # worker runs the database tests. Longest first, so that no worker is left alone
    # with a long test at the end: the chain of end-to-end tests (about four minutes)
    # starts at once on one worker, then the other long ones (the type checker on a
    # cold cache, schemathesis, the role matrix, the browser), then the rest.
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.xdist_group("e2e"))
    items.sort(key=_run_order)
    if config.stash.get(_PG_KEY, None) is not None:
        return
    kept = [item for item in items if item.get_closest_marker("postgres") is None]
    dropped = [item for item in items if item.get_closest_marker("postgres") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


_LONG = ("test_quality.py", "test_schemathesis.py", "test_role_matrix.py", "browser")


def _run_order(item: pytest.Item) -> int:
    parts = item.path.parts
    if "e2e" in parts:
        return 0
    return 1 if any(name in parts for name in _LONG) else 2


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    config = terminalreporter.config
    notes = config.stash.get(_PG_NOTES, [])
    if config.stash.get(_PG_KEY, None) is None:
        terminalreporter.write_sep("!", "PostgreSQL tests were NOT run", red=True, bold=True)
        for note in notes:
            terminalreporter.write_line(f"  {note}")
        terminalreporter.write_line(
            "  Set ZVONOK_TEST_POSTGRES_URL, run a server on 127.0.0.1:5432, or install "
            "the postgresql package so the tests can start one."
        )
    else:
        terminalreporter.write_line(f"Database tests ran on SQLite and on {notes[0]}.")


async def _postgres_database(config: pytest.Config) -> Database:
    url = config.stash[_PG_DB]
    db = Database(url, pool_size=5)
    async with db.engine.begin() as conn:
        if url not in _PG_SCHEMA_READY:
            await conn.run_sync(SQLModel.metadata.create_all)
            _PG_SCHEMA_READY.add(url)
        # DELETE, children first, and rewinding the sequences costs about a tenth of
        # `TRUNCATE … RESTART IDENTITY` (which rewrites every table's files): the
        # tables of one test hold a few hundred rows at most.
        raw = (await conn.get_raw_connection()).driver_connection
        await raw.execute(_EMPTY_POSTGRES)
    register_fresh_postgres(db)
    return db


_EMPTY_POSTGRES = "\n".join(
    [f'DELETE FROM "{table.name}";' for table in reversed(SQLModel.metadata.sorted_tables)]
    + ["SELECT setval(oid::regclass, 1, false) FROM pg_class WHERE relkind = 'S';"]
)
_SQLITE_TEMPLATE: dict[str, Path] = {}


async def _sqlite_database(path: Path) -> Database:
    """A copy of an empty database made once per test process: copying the file takes
    about a hundredth of the time of creating every table and index again."""
    if "path" not in _SQLITE_TEMPLATE:
        template = Path(tempfile.mkdtemp(prefix="zvonok-template-")) / "empty.db"
        empty = Database(f"sqlite:///{template}")
        async with empty.engine.begin() as conn:
            await conn.run_sync(SQLModel.metadata.create_all)
        await empty.dispose()
        _SQLITE_TEMPLATE["path"] = template
    shutil.copyfile(_SQLITE_TEMPLATE["path"], path)
    register_fresh(path)
    return Database(f"sqlite:///{path}")


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each test of the `db` fixture runs once, on SQLite or on PostgreSQL, chosen by a
    stable hash of its name (the id shows which: `[sqlite]`, `[postgres]`), so every
    module's statements run on both databases while no test runs twice. A module or
    test whose subject is the database's own behaviour (transactions and locking, bulk
    loads, dialect-specific SQL, column types at their limits) is marked
    `both_databases` and runs on each in turn. Without a PostgreSQL server every test
    runs on SQLite."""
    postgres = metafunc.config.stash.get(_PG_KEY, None) is not None
    one_value_per_test(
        metafunc,
        "db",
        ("sqlite", "postgres") if postgres else ("sqlite",),
        each_marker="both_databases",
        marks={"postgres": [pytest.mark.postgres]},
        indirect=True,
    )


@pytest.fixture(
    params=[pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)]
)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """An empty journal database with every table: SQLite or PostgreSQL, as
    `pytest_generate_tests` chose for the test (each in turn for `both_databases`)."""
    if request.param == "sqlite":
        database = await _sqlite_database(tmp_path / "journal.db")
    else:
        database = await _postgres_database(request.config)
    yield database
    await database.dispose()


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    """SQLite only: for tests about SQLite itself or that need no second backend."""
    database = await _sqlite_database(tmp_path / "journal.db")
    yield database
    await database.dispose()


@pytest.fixture
async def postgres_db(request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    """PostgreSQL only: for races that SQLite's single writer cannot have. Mark the test
    `@pytest.mark.postgres`."""
    database = await _postgres_database(request.config)
    yield database
    await database.dispose()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[PrivateRedis]:
    """A redis-server of the test session's own, started on a free port."""
    server = start_private_redis()
    yield server
    stop_private_redis(server)


@pytest.fixture
def redis_url(redis_server: PrivateRedis) -> str:
    """An empty private Redis for this test."""
    if redis_server.process is None or redis_server.process.poll() is not None:
        redis_server.start()  # a test stopped it to simulate an outage
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    return redis_server.url


@pytest.fixture
async def empty_postgres_url(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A new PostgreSQL database with no tables at all (for migrations); dropped afterwards.

    Mark the test `@pytest.mark.postgres`: without a server it is deselected.
    """
    server = request.config.stash.get(_PG_KEY, None)
    assert server is not None, "mark the test @pytest.mark.postgres"
    name = f"zvonok_empty_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(server.url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    yield server.url.rsplit("/", 1)[0] + f"/{name}"
    admin = await asyncpg.connect(server.url)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()
