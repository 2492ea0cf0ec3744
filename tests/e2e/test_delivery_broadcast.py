"""A worker SIGKILLed in the middle of a school-wide urgent broadcast to 1,000 families.

The shared system (two workers on SQLite, the bot allowed 300 messages a second and
the workers pacing at 200). Worker 1 is killed once 250 messages are out and started
again; worker 2 runs throughout. Duplicates can only come from deliveries the killed
worker had claimed (`sending`) and sent but not yet recorded as sent: the sweeper sends
those again after ZVONOK_WORKER_STUCK_SENDING_SECONDS.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import time
from collections.abc import Callable

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from core.actors import StaffActor
from core.db import Database
from core.demo.bulk import Row, insert_ids, insert_rows
from core.models import Delivery, Enrollment, Guardian, Student, StudentGuardian, utcnow
from core.services.announcements import post_announcement
from core.uow import UnitOfWork
from tests.builders import World
from tests.e2e.conftest import SHARED_ENV
from tests.e2e.families import give_contacts
from tests.e2e.figures import REPORT
from tests.e2e.system import System, wait_until

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.slow]

FAMILIES = 1000
CHAT_BASE = 8_000_000
KILL_AFTER = 250  # messages out when worker 1 is killed
MAX_JOBS = int(SHARED_ENV["ZVONOK_WORKER_MAX_JOBS"])
TERM_START = dt.date(2026, 9, 1)


async def add_families(db: Database, w: World, count: int) -> list[int]:
    """`count` pupils of 10А, each with one guardian on Telegram; the chat ids."""
    now, sid = utcnow(), w.school_id
    chats = [CHAT_BASE + w.school_id * 10_000 + i for i in range(count)]
    pupils: list[Row] = [
        {"school_id": sid, "last_name": "Ученик", "first_name": f"№{i}", "created_at": now}
        for i in range(count)
    ]
    parents: list[Row] = [
        {"school_id": sid, "last_name": "Родитель", "first_name": f"№{i}", "created_at": now}
        | {"telegram_chat_id": chat, "consent_given_at": now, "consent_source": "paper"}
        for i, chat in enumerate(chats)
    ]
    # The workers write to the same SQLite file: take the write lock before reading the
    # largest ids (insert_ids), or another writer may take them first.
    async with await db.writing_session() as session:
        conn = await session.connection()
        students = await insert_ids(conn, Student, pupils)
        guardians = await insert_ids(conn, Guardian, parents)
        enrolled = {"school_id": sid, "class_id": w.classes["10А"], "since": TERM_START}
        await insert_rows(conn, Enrollment, [enrolled | {"student_id": s} for s in students])
        links: list[Row] = [
            {"school_id": sid, "student_id": s, "guardian_id": g}
            for s, g in zip(students, guardians, strict=True)
        ]
        await insert_rows(conn, StudentGuardian, links)
        await session.commit()
    return chats


async def delivery_statuses(db: Database, school_id: int) -> dict[str, int]:
    async with db.session() as session:
        query = (
            select(Delivery.status, func.count())
            .where(col(Delivery.school_id) == school_id)
            .group_by(col(Delivery.status))
        )
        return dict((await session.exec(query)).all())


async def wait_all_sent(db: Database, school_id: int, count: int, *, within: float) -> None:
    """Until `count` deliveries are sent and none is pending or sending."""
    deadline = time.monotonic() + within
    while (statuses := await delivery_statuses(db, school_id)) != {"sent": count}:
        assert time.monotonic() < deadline, f"not all sent within {within} s: {statuses}"
        await asyncio.sleep(0.25)


async def announce_to_the_school(db: Database, w: World) -> None:
    await post_announcement(
        UnitOfWork(db),
        actor=StaffActor(staff_id=w.staff["deputy"], school_id=w.school_id),
        class_id=None,
        title="Завтра занятий нет",
        body="24 ноября школа закрыта: авария на теплотрассе.",
        urgent=True,
    )


async def test_a_worker_killed_mid_broadcast_loses_nothing(
    shared_system: System, school: World, record_property: Callable[[str, object], None]
) -> None:
    system, w, db = shared_system, school, shared_system.db
    for guardian_id in w.guardians.values():  # the builders' families: no address at all
        await give_contacts(db, guardian_id)
    chats = set(await add_families(db, w, FAMILIES))
    emulator = system.telegram.emulator

    def broadcast_sent() -> int:
        return sum(1 for message in emulator.sent if message.chat_id in chats)

    started = time.monotonic()
    await announce_to_the_school(db, w)
    await wait_until(lambda: broadcast_sent() >= KILL_AFTER, within=60, what="250 sent")
    system.workers[0].kill()
    killed_at, sent_at_kill = time.monotonic() - started, broadcast_sent()
    in_flight = (await delivery_statuses(db, w.school_id)).get("sending", 0)
    await system.restart_worker(0)
    await wait_all_sent(db, w.school_id, FAMILIES, within=90)
    finished = time.monotonic() - started

    per_chat = collections.Counter(m.chat_id for m in emulator.sent if m.chat_id in chats)
    duplicates = sum(count - 1 for count in per_chat.values())
    missing = len(chats - set(per_chat))
    figures = (
        f"SIGKILL mid-broadcast: {FAMILIES} families, {sum(per_chat.values())} messages, "
        f"all sent {finished:.1f} s after posting; worker 1 killed at {killed_at:.1f} s "
        f"with {sent_at_kill} out and {in_flight} deliveries in flight (max_jobs "
        f"{MAX_JOBS} a worker); DUPLICATES: {duplicates}; missing: {missing}"
    )
    print(f"\n{figures}")
    record_property(REPORT, figures)  # in the run's summary, with pytest-xdist too
    assert missing == 0
    assert duplicates <= min(in_flight, MAX_JOBS)
