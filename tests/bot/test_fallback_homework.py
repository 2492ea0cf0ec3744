"""/hw through the real bot: homework into the journal while it is up, and the fallback
broadcast with the journal's database really stopped, followed by its replay.

Every scenario runs on Telegram and on MAX: the teacher and the families write in the
same messenger. The journal-up tests run on SQLite (the `bot_system` fixture). The
outage runs on PostgreSQL behind a TCP proxy the test stops: connections are refused,
as when the database server is down; the worker's crons run in-process against the
same proxy.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from redis.asyncio import Redis
from sqlmodel import col, select

from core.db import Database
from core.fallback.queue import queued_entries
from core.models import Guardian, Homework, Lesson, Messenger, Notification, School, utcnow
from tests.bot.harness import BotUnderTest, Person, running_bot
from tests.bot.tcp_proxy import TcpProxy
from tests.builders import TODAY, World, build_world, insert, update_row
from tests.conftest import _postgres_database
from tests.integration.delivery_helpers import Clock, relay_and_dispatch
from tests.integration.fallback_helpers import families, link_guardians, link_staff, worker_ctx
from tests.integration.outbox_helpers import outbox
from workers.fallback import fallback_tick, refresh_snapshots

# Every scenario on both messengers: the broadcast goes out through each messenger's channel.
pytestmark = pytest.mark.both_messengers

TEACHER = 9001  # math: 1А, 7Б, 10А


def teacher_of(system: BotUnderTest) -> Person:
    """The math teacher's chat."""
    return system.person(TEACHER)


async def lesson_for_hw(db: Database, w: World, klass: str = "7Б") -> int:
    """The lesson /hw should find: today's (the world's lessons are on TODAY; on a
    machine whose clock is past it, one is recorded on the real date)."""
    today = utcnow().astimezone(ZoneInfo("Europe/Moscow")).date()
    if today <= TODAY and klass == "7Б":
        return w.lessons["math7"]
    [lesson_id] = await insert(
        db,
        Lesson(
            school_id=w.school_id,
            class_id=w.classes[klass],
            subject_id=w.subjects["Математика"],
            teacher_id=w.staff["math"],
            date=max(today, TODAY),
            slot=5,
            created_at=utcnow(),
        ),
    )
    return lesson_id


async def homework_rows(db: Database) -> list[Homework]:
    async with db.session() as s:
        return list((await s.exec(select(Homework).order_by(col(Homework.id)))).all())


async def give_homework(teacher: Person, page: str, text: str) -> str:
    """/hw, the page's button, the text, «Отправить»: what the bot answers at the end."""
    await teacher.send("/hw")
    await teacher.tap(page)
    [preview] = await teacher.send(text)
    assert [label for label, _ in preview.buttons] == ["Отправить", "Отмена"]
    [done] = await teacher.tap("Отправить", on=preview)
    return done.text


# --- the journal is up ----------------------------------------------------------------


async def test_hw_with_the_journal_up_sets_homework_through_core(
    bot_system: BotUnderTest, world: World, sqlite_db: Database
) -> None:
    await link_staff(sqlite_db, world, "math", messenger=bot_system.messenger)
    lesson_id = await lesson_for_hw(sqlite_db, world)
    teacher = teacher_of(bot_system)
    [menu] = await teacher.send("/hw")
    assert [label for label, _ in menu.buttons] == [
        "1А · Математика",
        "7Б · Математика",
        "10А · Математика",
    ]
    [ask] = await teacher.tap("7Б · Математика")
    assert ask.message_id == menu.message_id and "7Б, Математика" in ask.text
    assert "не длиннее 3000 символов" in ask.text  # the limit, said before typing
    [preview] = await teacher.send("  § 12, № 3 < 5  ")
    assert "§ 12, № 3 &lt; 5" in preview.text  # the stand-ins keep the HTML the bot sent
    [done] = await teacher.tap("Отправить", on=preview)
    assert "Записано в журнал: 7Б, Математика" in done.text
    assert not done.buttons

    [row] = await homework_rows(sqlite_db)
    assert (row.lesson_id, row.text, row.source) == (lesson_id, "§ 12, № 3 < 5", "journal")
    assert row.created_by == world.staff["math"] and row.fallback_key is None
    [event] = await outbox(sqlite_db, "homework_set")
    assert event.payload["homework_id"] == row.id
    # A second tap on the same confirmation writes nothing more.
    await teacher.tap("Отправить", on=preview)
    assert len(await homework_rows(sqlite_db)) == 1


async def test_hw_says_so_when_there_is_no_lesson_and_cancel_sends_nothing(
    bot_system: BotUnderTest, world: World, sqlite_db: Database
) -> None:
    await link_staff(sqlite_db, world, "math", messenger=bot_system.messenger)
    teacher = teacher_of(bot_system)
    answer = await give_homework(teacher, "10А · Математика", "§ 1")
    assert "нет урока «Математика» в 10А" in answer

    await teacher.send("/hw")
    await teacher.tap("7Б · Математика")
    [preview] = await teacher.send("§ 2")
    [cancelled] = await teacher.tap("Отмена", on=preview)
    assert cancelled.text.startswith("Отменено")
    assert await homework_rows(sqlite_db) == []


async def test_hw_is_for_linked_teachers_only(
    bot_system: BotUnderTest, world: World, sqlite_db: Database
) -> None:
    await link_guardians(sqlite_db, world, "sokolova", messenger=bot_system.messenger)
    for chat in (5001, 7001):  # a stranger, a parent
        [answer] = await bot_system.person(chat).send("/hw")
        assert "для учителей" in answer.text and not answer.buttons
        assert "7Б" not in answer.text and "Школа" not in answer.text


# --- the journal is down --------------------------------------------------------------


@pytest.fixture
async def postgres_db(request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    db = await _postgres_database(request.config)
    yield db
    await db.dispose()


@pytest.fixture
async def proxy(postgres_db: Database) -> AsyncIterator[TcpProxy]:
    running = TcpProxy.for_database(postgres_db.url)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def proxied_db(postgres_db: Database, proxy: TcpProxy) -> AsyncIterator[Database]:
    """The journal as the bot and the worker reach it: through the proxy."""
    db = Database(proxy.url_through(postgres_db.url), pool_size=2)
    yield db
    await db.dispose()


async def _received(system: BotUnderTest, chat_id: int) -> list[str]:
    return [answer.text for answer in await system.side.sent(chat_id)]


@dataclass
class Outage:
    """The journal's database stopped after the snapshot was built; the bot still runs."""

    w: World
    lesson_id: int
    system: BotUnderTest
    redis: Redis
    ctx: dict[str, Any]  # the worker's, reaching the journal through the proxy too
    proxy: TcpProxy


@pytest.fixture
async def outage(
    postgres_db: Database,
    proxy: TcpProxy,
    proxied_db: Database,
    redis_url: str,
    messenger: Messenger,
) -> AsyncIterator[Outage]:
    w = await build_world(postgres_db)
    await update_row(postgres_db, School, w.school_id, policy={"messengers": ["telegram", "max"]})
    await families(postgres_db, w, messenger)
    await update_row(postgres_db, Guardian, w.guardians["grandpa"], language="en")
    await link_staff(postgres_db, w, "math", messenger=messenger)
    lesson_id = await lesson_for_hw(postgres_db, w)
    redis = Redis.from_url(redis_url)
    ctx = worker_ctx(proxied_db, redis)
    assert await refresh_snapshots(ctx) == 2  # while the journal is up
    async with running_bot(proxied_db, redis_url, messenger) as system:
        system.met(7001, 7002, 7003, 7004, 7005, 7006)  # the families linked in the bot
        await proxy.stop()
        yield Outage(w, lesson_id, system, redis, ctx, proxy)
    await redis.aclose()


async def _planned(db: Database) -> set[int]:
    """Guardians delivery plans a message for, once the outbox is relayed and dispatched."""
    await relay_and_dispatch(Clock(db, utcnow()))
    async with db.session() as s:
        return set((await s.exec(select(Notification.guardian_id))).all())


@pytest.mark.postgres
async def test_with_the_database_stopped_hw_broadcasts_and_the_journal_gets_it_once(
    outage: Outage, postgres_db: Database
) -> None:
    w, system, redis, ctx = outage.w, outage.system, outage.redis, outage.ctx
    teacher = teacher_of(system)
    [menu] = await teacher.send("/hw")
    assert "недоступен" in menu.text
    assert "7Б · Математика" in [label for label, _ in menu.buttons]  # from the snapshot
    before = utcnow()
    answer = await give_homework(teacher, "7Б · Математика", "Параграф 12, № 3–5")
    assert "получили семьи — 2 из 2" in answer and "внесено в журнал" in answer

    [mother] = await _received(system, 7001)
    assert mother.startswith("📚 <b>Домашнее задание</b> — Мария, Пётр, 7Б")
    assert "Математика, Иванова М.П." in mother and "Параграф 12, № 3–5" in mother
    assert "журнал временно недоступен" in mother
    [grandpa] = await _received(system, 7004)  # in his language
    assert grandpa.startswith("📚 <b>Homework</b> — Иван, 7Б") and "unavailable" in grandpa
    # Homework switched off, another class, a dead chat, the messenger not chosen: nothing.
    for chat in (7002, 7003, 7005, 7006):
        assert await _received(system, chat) == []

    [hint] = await teacher.send("Когда заработает журнал?")
    assert "недоступен" in hint.text and "/hw" in hint.text

    [entry] = await queued_entries(redis)
    assert entry.status == "queued" and entry.text == "Параграф 12, № 3–5"
    assert set(entry.notified_guardian_ids) == {w.guardians["sokolova"], w.guardians["grandpa"]}
    assert before <= entry.sent_at <= utcnow()
    assert await fallback_tick(ctx) == {}  # the worker cannot reach the journal either
    assert [e.id for e in await queued_entries(redis)] == [entry.id]

    await outage.proxy.start()
    assert (await fallback_tick(ctx))["written"] == 1
    assert (await fallback_tick(ctx))["written"] == 0
    [row] = await homework_rows(postgres_db)
    assert (row.source, row.fallback_key) == ("fallback", entry.id)
    assert row.lesson_id == outage.lesson_id and row.created_by == w.staff["math"]
    assert row.entered_at == entry.sent_at
    assert await queued_entries(redis) == []

    # Delivery plans the homework for the family the bot could not reach (the uncle,
    # email only) and for nobody it did reach: their chats keep their one message.
    assert await _planned(postgres_db) == {w.guardians["uncle"]}
    assert len(await _received(system, 7001)) == 1 and len(await _received(system, 7004)) == 1


@pytest.mark.postgres
async def test_a_family_the_broadcast_missed_hears_through_delivery_afterwards(
    outage: Outage, postgres_db: Database
) -> None:
    w, system = outage.w, outage.system
    await system.side.block(7004)  # grandpa blocked the bot meanwhile
    answer = await give_homework(teacher_of(system), "7Б · Математика", "§ 8")
    assert "получили семьи — 1 из 2" in answer
    [entry] = await queued_entries(outage.redis)
    assert entry.notified_guardian_ids == (w.guardians["sokolova"],)

    await outage.proxy.start()
    assert (await fallback_tick(outage.ctx))["written"] == 1
    assert await _planned(postgres_db) == {w.guardians["grandpa"], w.guardians["uncle"]}
