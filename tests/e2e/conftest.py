"""A running system shared by the delivery tests, and a fresh school per test.

Starting a worker takes seconds (its imports, on a busy machine), so the
delivery tests share two workers, the stand-ins and a redis-server of their own
(`shared_system`, mark the module `pytest.mark.asyncio(loop_scope="session")`). Each
test gets its own school (`school`) with its own guardians and unique addresses, so
what one test posts never reaches another's inbox. Tests that need a system of their
own (SIGKILL, PostgreSQL) start one with `run_system` on the `redis_url` fixture. The
staff reminders' and administrators' alerts' tests share `planner_system`.

The shared systems live as long as the package's tests run (scope "package"): the
end-to-end tests run first and one after another on one xdist worker, which then goes
on with other tests; workers left running would sweep, plan and poll meanwhile, taking
CPU from them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator

import pytest
import pytest_asyncio
from sqlalchemy import update
from sqlmodel import SQLModel, col

from core.db import Database
from core.models import Staff, utcnow
from notifier.standins.max_rules import Limits as MaxLimits
from notifier.standins.telegram_rules import FloodLimits, Rate
from tests.builders import World, build_world
from tests.e2e.families import QUICK_POLICY, set_policy
from tests.e2e.system import System, run_system
from tests.redis_fixture import PrivateRedis, start_private_redis, stop_private_redis

# Each bot, Telegram's and MAX's, may send 50 messages a second at its stand-in and the
# workers pace at 40: below what two workers on SQLite deliver unpaced (up to 55 in a
# second on a busy 2-core machine), so a broadcast is paced by the shared limiter, as in
# production, rather than by the CPU — a limiter not kept would be refused (429) — and a
# 600-family broadcast takes 15 s of sending. The stand-ins' margin over the pace (a
# quarter, not production's 3 %) lets a stall of this busy test process, whose loop
# serves the stand-ins, pass without a refusal: requests held up by a stall arrive
# together after it. Per chat, Telegram's one message a second stays. Ten jobs at a
# time per worker keep SQLite's single writer from being fought over by a hundred
# transactions.
SHARED_ENV = {
    "ZVONOK_TELEGRAM_BOT_RATE": "40",
    "ZVONOK_MAX_BOT_RATE": "40",
    "ZVONOK_WORKER_MAX_JOBS": "10",
}
SHARED_LIMITS = FloodLimits(per_bot=Rate(50, 1.0))
SHARED_MAX_LIMITS = MaxLimits(per_bot=Rate(50, 1.0))


async def fresh_school(db: Database) -> World:
    """tests.builders' school, once more in the same database, with the quick policy.

    Staff logins are unique across schools: the new school's get a suffix so the next
    build can use the plain ones again.
    """
    world = await build_world(db)
    schools = [world.school_id, world.other_school_id]
    async with await db.writing_session() as session:
        await session.exec(
            update(Staff)
            .where(col(Staff.school_id).in_(schools))
            .values(login=Staff.login + f"#{world.school_id}")
        )
        await session.commit()
    await set_policy(db, world.school_id, **QUICK_POLICY)
    return world


@pytest.fixture(scope="package")
def shared_redis() -> Iterator[PrivateRedis]:
    """The shared system's own redis-server: tests may stop and restart it."""
    server = start_private_redis()
    yield server
    stop_private_redis(server)


@pytest_asyncio.fixture(scope="package", loop_scope="session")
async def shared_db(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Database]:
    """A SQLite file the test process and the worker processes share."""
    path = tmp_path_factory.mktemp("shared") / "journal.db"
    db = Database(f"sqlite:///{path}")
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    yield db
    await db.dispose()


@pytest_asyncio.fixture(scope="package", loop_scope="session")
async def shared_system(
    shared_db: Database, shared_redis: PrivateRedis, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[System]:
    """Two workers and the stand-ins, for every delivery test of the session."""
    directory = tmp_path_factory.mktemp("system")
    async with run_system(
        shared_db,
        shared_redis.url,
        directory,
        workers=2,
        env=SHARED_ENV,
        limits=SHARED_LIMITS,
        max_limits=SHARED_MAX_LIMITS,
    ) as system:
        yield system


@pytest.fixture(scope="package")
def planner_redis() -> Iterator[PrivateRedis]:
    server = start_private_redis()
    yield server
    stop_private_redis(server)


@pytest_asyncio.fixture(scope="package", loop_scope="session")
async def planner_system_running(
    planner_redis: PrivateRedis, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[System]:
    """One worker whose planner looks every second (ZVONOK_WORKER_REMINDER_SECONDS=1),
    its own SQLite file and Redis: for the staff reminders' and administrators' alerts'
    tests, whose messages go to staff, never to families."""
    directory = tmp_path_factory.mktemp("planner")
    db = Database(f"sqlite:///{directory / 'journal.db'}")
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    env = {"ZVONOK_WORKER_REMINDER_SECONDS": "1"}
    try:
        async with run_system(db, planner_redis.url, directory, env=env) as system:
            yield system
    finally:
        await db.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def planner_system(planner_system_running: System) -> AsyncIterator[System]:
    """The planner's system for one test. Its planner reads every school's journal each
    second: when the test ends, its schools' staff are locked (nobody left to remind or
    to alert there), so the planner skips them and its work does not grow test by test."""
    yield planner_system_running
    async with await planner_system_running.db.writing_session() as session:
        await session.exec(
            update(Staff).where(col(Staff.locked_at).is_(None)).values(locked_at=utcnow())
        )
        await session.commit()


@pytest.fixture
def running_redis(shared_redis: PrivateRedis) -> PrivateRedis:
    """The shared Redis, started again if an earlier test left it stopped."""
    if shared_redis.process is None or shared_redis.process.poll() is not None:
        shared_redis.start()
    return shared_redis


_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if call.when == "call" and report.failed:
        item.stash[_FAILED] = True
    return report


@pytest_asyncio.fixture(loop_scope="session")
async def school(
    shared_system: System, running_redis: PrivateRedis, request: pytest.FixtureRequest
) -> AsyncIterator[World]:
    """A new school in the shared system; the workers' logs are shown if the test fails."""
    yield await fresh_school(shared_system.db)
    if request.node.stash.get(_FAILED, False):
        shared_system.report_logs()
    # Whatever a failed test left behind must not reach the next one.
    shared_system.telegram.emulator.failures.clear()
    await shared_system.smtp.start()  # a no-op when it runs
