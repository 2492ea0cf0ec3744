"""Redis, the mail relay or Telegram in trouble for a while: nothing lost, nothing twice.

The shared running system; these tests stop its Redis and its SMTP stand-in and make
the Telegram emulator refuse requests, then start them again.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter

import pytest
from sqlmodel import select

from core.actors import StaffActor
from core.models import Delivery
from core.services.announcements import post_announcement
from core.uow import UnitOfWork
from tests.builders import World
from tests.e2e.families import Contacts, add_lesson, choose, give_contacts, plain, post_lesson_mark
from tests.e2e.scenarios import LINGER, received
from tests.e2e.system import System
from tests.redis_fixture import PrivateRedis

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _deliveries(system: System, guardian_id: int) -> list[Delivery]:
    async with system.db.session() as session:
        query = select(Delivery).where(Delivery.guardian_id == guardian_id)
        return list((await session.exec(query)).all())


async def _three_families(system: System, w: World) -> list[Contacts]:
    w.lessons["math10"] = await add_lesson(system.db, w, "10А", slot=3)
    return [
        await give_contacts(system.db, w.guardians[guardian], telegram=True)
        for guardian in ("sokolova", "novikov", "morozova")
    ]


async def test_redis_down_while_marks_are_posted_then_back_empty(
    shared_system: System, school: World, running_redis: PrivateRedis
) -> None:
    system, w = shared_system, school
    families = await _three_families(system, w)
    await post_lesson_mark(system.db, w, "petya", 5)
    running_redis.stop()
    try:
        await post_lesson_mark(system.db, w, "vanya", 4)
        await post_lesson_mark(system.db, w, "lena", 3, lesson="math10")
        await asyncio.sleep(4)  # the grace window ends while Redis is away
        assert all(worker.alive for worker in system.workers)
    finally:
        running_redis.start()  # no RDB, no AOF: it comes back empty
    for contacts in families:
        assert contacts.chat_id
        await system.wait_telegram(contacts.chat_id, 1, within=20)
    await asyncio.sleep(LINGER)
    assert [received(system, contacts) for contacts in families] == [(1, 0, 0)] * 3


async def test_smtp_down_for_a_while_then_the_email_goes_out_once(
    shared_system: System, school: World
) -> None:
    system, w = shared_system, school
    father = await give_contacts(system.db, w.guardians["novikov"], email=True)
    assert father.email
    await choose(system.db, w.school_id, w.guardians["novikov"], channels=["email"])
    await system.smtp.stop()
    try:
        await post_lesson_mark(system.db, w, "vanya", 4)
        await post_lesson_mark(system.db, w, "vanya", 5, lesson="russian7")
        deadline = time.monotonic() + 15
        while not any(d.attempts and d.error for d in await _deliveries(system, father_id(w))):
            assert time.monotonic() < deadline, "no failed attempt while the relay was down"
            await asyncio.sleep(0.1)
        assert system.emails_to(father.email) == []
    finally:
        await system.smtp.start()
    (email,) = await system.wait_emails(father.email, 1, within=30)
    await asyncio.sleep(LINGER)
    assert received(system, father) == (0, 1, 0)
    body = email.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Математика" in text and "Русский язык" in text, text
    (delivery,) = await _deliveries(system, father_id(w))
    assert (delivery.status, delivery.attempts) == ("sent", 2)


def father_id(w: World) -> int:
    return w.guardians["novikov"]


async def _refusals(stats: Counter[str], before: int, count: int) -> list[float]:
    """When each of `count` more 429s was answered (polled closely, in-process)."""
    times: list[float] = []
    deadline = time.monotonic() + 15
    while len(times) < count:
        times += [time.time()] * (stats["429"] - before - len(times))
        assert time.monotonic() < deadline, f"{len(times)} of {count} 429s within 15 s"
        await asyncio.sleep(0.01)
    return times


async def test_telegram_429_is_waited_out_and_nothing_is_lost(
    shared_system: System, school: World
) -> None:
    system, w = shared_system, school
    families = await _three_families(system, w)
    stats = system.telegram.emulator.stats["sendMessage"]
    refused_before = stats["429"]
    await system.telegram.control.fail_next(
        3,
        status=429,
        description="Too Many Requests: retry after 3",
        methods=["sendMessage"],
        retry_after=3,
    )
    for kid, lesson in (("petya", "math7"), ("vanya", "math7"), ("lena", "math10")):
        await post_lesson_mark(system.db, w, kid, 5, lesson=lesson)
    refused = await _refusals(stats, refused_before, 3)

    arrived = []
    for contacts in families:
        assert contacts.chat_id
        (message,) = await system.wait_telegram(contacts.chat_id, 1)
        assert "Отметка 5" in plain(message.text)
        arrived.append(message.sent_at)
    # Each retry came retry_after (3 s) after its own 429, so the k-th retry to arrive
    # came at least 3 s after the k-th refusal (less the polling's lateness).
    waited = [a - r for a, r in zip(sorted(arrived), refused, strict=True)]
    assert min(waited) >= 2.9, waited
    await asyncio.sleep(LINGER)
    assert [received(system, contacts) for contacts in families] == [(1, 0, 0)] * 3
    assert stats["429"] == refused_before + 3  # the retries were not refused again


async def test_urgent_messages_to_one_chat_are_paced_not_refused(
    shared_system: System, school: World
) -> None:
    system, w = shared_system, school
    mother = await give_contacts(system.db, w.guardians["sokolova"], telegram=True)
    assert mother.chat_id
    refused_before = system.telegram.emulator.stats["sendMessage"]["429"]
    deputy = StaffActor(staff_id=w.staff["deputy"], school_id=w.school_id)
    for n in range(1, 4):
        await post_announcement(
            UnitOfWork(system.db),
            actor=deputy,
            class_id=w.classes["7Б"],
            title=f"Срочное сообщение {n}",
            body="Уроки после 12:00 отменяются.",
            urgent=True,
        )
    sent = await system.wait_telegram(mother.chat_id, 3)
    gaps = [b.sent_at - a.sent_at for a, b in itertools.pairwise(sent)]
    # Telegram allows one message a second per chat; the workers pace at 1.1 s, and a
    # few milliseconds of network jitter must not look like a breach.
    assert all(gap >= 0.9 for gap in gaps), gaps
    assert system.telegram.emulator.stats["sendMessage"]["429"] == refused_before
    await asyncio.sleep(LINGER)
    assert mother.chat_id
    # If a message came twice, which one and when, with each delivery's record.
    arrived = [(m.sent_at, plain(m.text)[:40]) for m in system.telegram_to(mother.chat_id)]
    rows = [
        (d.id, d.status, d.attempts, d.error, d.error_params, d.provider_id)
        for d in await _deliveries(system, w.guardians["sokolova"])
    ]
    assert received(system, mother) == (3, 0, 0), (arrived, rows)
