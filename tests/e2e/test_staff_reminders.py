"""Reminders to teachers through the running worker, at the Telegram Bot API emulator
and the SMTP stand-in: at the right moment, bundled, once; held in quiet hours and on
holidays; stopped once the item is entered; email when no chat is linked; nothing lost
while the mail relay or Telegram fails for a while.

`planner_system` (tests/e2e/conftest.py: one worker, its own SQLite file and Redis,
shared with the administrators' alerts) whose planner looks every second. Each test's school has its lessons
today on the real clock, with the topic and roll call entered, and homework due at a
fixed time 30 minutes and a few seconds from now: its reminder is due seconds later.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import time
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from core.models import Holiday, Lesson, School, Staff, StaffMessage, utcnow
from core.services.homework import set_homework
from core.uow import UnitOfWork
from notifier.standins.telegram_emulator import InjectedFailure
from tests.builders import World, insert, update_row
from tests.e2e.conftest import fresh_school
from tests.e2e.families import plain, set_policy
from tests.e2e.system import System

pytestmark = pytest.mark.asyncio(loop_scope="session")

LEAD = dt.timedelta(seconds=4)  # from now until the reminder is due


def _midday_zone() -> ZoneInfo:
    """A time zone where it is about noon now. The schools here live in it, so that a
    deadline half an hour ahead, quiet hours and "today" stay on one date whenever the
    suite runs (in Moscow, a run at 23:40 would put the deadline on tomorrow's clock)."""
    offset = 12 - dt.datetime.now(dt.UTC).hour  # -11 … +12
    return ZoneInfo(f"Etc/GMT{-offset:+d}") if offset else ZoneInfo("Etc/UTC")


SCHOOL_TZ = _midday_zone()
_CHATS = itertools.count(8_100_000)


async def _school(system: System, **policy: object) -> tuple[World, dt.datetime]:
    """A school whose homework is due in 30 minutes and LEAD; when its reminder is due."""
    w = await fresh_school(system.db)
    await update_row(system.db, School, w.school_id, timezone=SCHOOL_TZ.key)
    now = dt.datetime.now(SCHOOL_TZ)
    due = now + dt.timedelta(minutes=30) + LEAD
    rules = {
        "homework_deadline": "fixed_time",
        "homework_fixed_time": due.time().isoformat(timespec="seconds"),
        **policy,
    }
    await set_policy(system.db, w.school_id, **rules)
    for klass, slot in (("7Б", 2), ("10А", 3)):
        (w.lessons[f"today{klass}"],) = await insert(
            system.db,
            Lesson(
                school_id=w.school_id,
                class_id=w.classes[klass],
                subject_id=w.subjects["Математика"],
                teacher_id=w.staff["math"],
                date=now.date(),
                slot=slot,
                topic="Линейные уравнения",
                topic_at=utcnow(),
                roll_called_at=utcnow(),
                created_at=utcnow(),
            ),
        )
    return w, due - dt.timedelta(minutes=30)


async def _link(
    system: System, w: World, *, chat: bool = True, email: bool = False
) -> tuple[int, str]:
    chat_id, address = next(_CHATS), f"teacher{w.school_id}@school.example"
    await update_row(
        system.db,
        Staff,
        w.staff["math"],
        telegram_chat_id=chat_id if chat else None,
        email=address if email else None,
    )
    return chat_id, address


async def _messages(system: System, w: World) -> list[StaffMessage]:
    async with system.db.session() as session:
        query = select(StaffMessage).where(
            StaffMessage.staff_id == w.staff["math"], StaffMessage.kind == "reminders"
        )
        return list((await session.exec(query)).all())


def _line(klass: str, due: dt.datetime) -> str:
    deadline = (due + dt.timedelta(minutes=30)).strftime("%H:%M")
    return f"{klass} Математика {due:%d.%m}: нет домашнего задания (срок {deadline})"


async def test_the_reminder_reaches_the_chat_at_its_moment_bundled_once(
    planner_system: System,
) -> None:
    system = planner_system
    w, remind_at = await _school(system)
    chat_id, _ = await _link(system, w)
    await asyncio.sleep(2)
    assert system.telegram_to(chat_id) == []  # not before its moment
    (message,) = await system.wait_telegram(chat_id, 1, within=20)
    assert time.time() >= remind_at.timestamp() - 1.5  # planned ahead, sent at its moment
    assert plain(message.text).splitlines() == [
        "Звонок: журнал ждёт записей",
        _line("7Б", remind_at),
        _line("10А", remind_at),
    ]
    await asyncio.sleep(3)
    assert len(system.telegram_to(chat_id)) == 1


async def test_an_item_entered_before_the_moment_is_not_reminded(planner_system: System) -> None:
    system = planner_system
    w, remind_at = await _school(system)
    chat_id, _ = await _link(system, w)
    await set_homework(
        UnitOfWork(system.db),
        actor=w.actor("math"),
        lesson_id=w.lessons["today10А"],
        text="№ 12, 14",
    )
    (message,) = await system.wait_telegram(chat_id, 1, within=20)
    assert plain(message.text).splitlines()[1:] == [_line("7Б", remind_at)]


async def test_nothing_is_sent_once_everything_is_entered(planner_system: System) -> None:
    system = planner_system
    now = dt.datetime.now(SCHOOL_TZ)
    quiet_end = now + LEAD + dt.timedelta(seconds=5)
    w, _ = await _school(system, **_quiet_until(now, quiet_end))
    chat_id, _ = await _link(system, w)
    deadline = time.monotonic() + 20
    while not [m for m in await _messages(system, w) if m.reason == "quiet_hours"]:
        assert time.monotonic() < deadline, await _messages(system, w)
        await asyncio.sleep(0.2)
    for lesson in ("today7Б", "today10А"):  # entered while the reminder is held
        await set_homework(
            UnitOfWork(system.db), actor=w.actor("math"), lesson_id=w.lessons[lesson], text="§ 4"
        )
    deadline = time.monotonic() + 20
    while not [m for m in await _messages(system, w) if m.status == "cancelled"]:
        assert time.monotonic() < deadline, await _messages(system, w)
        await asyncio.sleep(0.2)
    assert system.telegram_to(chat_id) == []


def _quiet_until(now: dt.datetime, end: dt.datetime) -> dict[str, str]:
    """Quiet hours from an hour ago until `end` (the school's clock, to the second)."""
    return {
        "quiet_hours_start": (now - dt.timedelta(hours=1)).time().isoformat(timespec="seconds"),
        "quiet_hours_end": end.time().isoformat(timespec="seconds"),
    }


async def test_quiet_hours_hold_the_reminder_until_they_end(planner_system: System) -> None:
    system = planner_system
    now = dt.datetime.now(SCHOOL_TZ)
    quiet_end = now + LEAD + dt.timedelta(seconds=6)
    w, _ = await _school(system, **_quiet_until(now, quiet_end))
    chat_id, _ = await _link(system, w)
    (message,) = await system.wait_telegram(chat_id, 1, within=25)
    assert time.time() >= quiet_end.timestamp() - 0.5, "sent during quiet hours"
    assert _line("7Б", now).split(":")[0] in plain(message.text)


async def test_holidays_hold_the_reminder(planner_system: System) -> None:
    system = planner_system
    w, remind_at = await _school(system)
    today = remind_at.date()
    await insert(
        system.db,
        Holiday(
            school_id=w.school_id,
            year_id=w.year_id,
            name="карантин",
            starts_on=today,
            ends_on=today,
        ),
    )
    chat_id, _ = await _link(system, w)
    deadline = time.monotonic() + 20
    while not [m for m in await _messages(system, w) if m.reason == "holidays"]:
        assert time.monotonic() < deadline, await _messages(system, w)
        await asyncio.sleep(0.2)
    (held,) = await _messages(system, w)
    assert held.status == "open"
    assert held.due_at.astimezone(SCHOOL_TZ).date() == today + dt.timedelta(days=1)
    assert system.telegram_to(chat_id) == []


async def test_email_when_no_chat_and_nothing_lost_while_the_relay_is_down(
    planner_system: System,
) -> None:
    system = planner_system
    w, remind_at = await _school(system)
    _, address = await _link(system, w, chat=False, email=True)
    await system.smtp.stop()
    try:
        deadline = time.monotonic() + 25
        while not [m for m in await _messages(system, w) if m.attempts and m.reason]:
            assert time.monotonic() < deadline, "no failed attempt while the relay was down"
            await asyncio.sleep(0.2)
        assert system.emails_to(address) == []
    finally:
        await system.smtp.start()
    (email,) = await system.wait_emails(address, 1, within=30)
    body = email.get_body(("plain",))
    assert body is not None and _line("7Б", remind_at) in body.get_content()
    assert email["Subject"] == "Звонок: журнал ждёт записей"
    await asyncio.sleep(2)
    assert len(system.emails_to(address)) == 1
    (row,) = await _messages(system, w)
    assert (row.status, row.channel, row.attempts) == ("sent", "email", 2)


async def test_telegram_failing_for_a_while_loses_nothing(planner_system: System) -> None:
    system = planner_system
    w, remind_at = await _school(system)
    chat_id, _ = await _link(system, w)
    # Telegram answers 502 once: the worker tries again after its backoff (10 s).
    system.telegram.emulator.failures.append(
        InjectedFailure(remaining=1, methods=frozenset({"sendmessage"}))
    )
    (message,) = await system.wait_telegram(chat_id, 1, within=30)
    assert _line("7Б", remind_at) in plain(message.text)
    await asyncio.sleep(2)
    assert len(system.telegram_to(chat_id)) == 1
    (row,) = await _messages(system, w)
    assert (row.status, row.channel, row.attempts) == ("sent", "telegram", 2)
