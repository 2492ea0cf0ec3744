"""Staff reminders planned at given clock times on the builders' school (both DBs):
what is due, bundled, once; held in quiet hours and holidays; stopped once entered."""

from __future__ import annotations

import asyncio
import datetime as dt

from core.db import Database
from core.delivery.staff_lifecycle import route_staff_message
from core.models import Holiday, Staff, StaffMessage, StaffReminderSettings
from core.services.homework import set_homework
from core.services.lesson_settings import set_lesson_topic
from core.services.roll_call import record_roll_call
from core.uow import UnitOfWork
from tests.builders import World, build_world, insert, uow_at, update_row
from tests.integration.reminder_helpers import (
    compose,
    items,
    messages,
    msk,
    plan,
    send,
    text_of,
    with_bells,
)


async def _homework(db: Database, w: World, who: str, lesson: str, when: dt.datetime) -> None:
    await set_homework(
        uow_at(db, when.astimezone(dt.UTC)),
        actor=w.actor(who),
        lesson_id=w.lessons[lesson],
        text="№ 12, 14",
    )


async def test_homework_is_reminded_thirty_minutes_before_its_deadline(db: Database) -> None:
    w = await build_world(db)
    await with_bells(db, w)
    await _homework(db, w, "math", "math1", msk(23, 9, 30))
    await plan(db, msk(23, 15, 40))
    assert await messages(db, w, "math") == []  # 7Б's homework is due at 16:15
    await plan(db, msk(23, 15, 45))
    (message,) = await messages(db, w, "math")
    assert await items(db, message.id or 0) == [(f"homework:{w.lessons['math7']}", "before")]
    assert message.due_at == msk(23, 15, 45)
    text = await text_of(db, message.id or 0, msk(23, 15, 45))
    assert text == (
        "Звонок: журнал ждёт записей\n7Б Математика 23.11: нет домашнего задания (срок 16:15)"
    )


async def test_each_reminder_is_planned_once_and_late_once(db: Database) -> None:
    w = await build_world(db)
    await with_bells(db, w)
    await _homework(db, w, "math", "math1", msk(23, 9, 30))
    await plan(db, msk(23, 15, 45))
    assert await plan(db, msk(23, 15, 46)) == 0
    (first,) = await messages(db, w, "math")
    assert await send(db, first.id or 0, msk(23, 15, 46)) == "sent"
    await plan(db, msk(23, 16, 16))  # now late: planned once, after an hour's spacing
    later = [m for m in await messages(db, w, "math") if m.id != first.id]
    (late,) = later
    assert await items(db, late.id or 0) == [(f"homework:{w.lessons['math7']}", "late")]
    assert late.due_at == msk(23, 16, 46)
    assert await plan(db, msk(23, 16, 30)) == 0
    text = await text_of(db, late.id or 0, msk(23, 16, 46))
    assert text is not None and "просрочено, срок был 16:15" in text, text


async def test_the_evening_bundle_lists_everything_owed_and_drops_what_was_entered(
    db: Database,
) -> None:
    w = await build_world(db)
    await with_bells(db, w)
    for lesson in ("math1", "math7"):
        await _homework(db, w, "math", lesson, msk(23, 9, 30))
    await set_lesson_topic(
        uow_at(db, msk(23, 10).astimezone(dt.UTC)),
        actor=w.actor("math"),
        lesson_id=w.lessons["math1"],
        topic="Счёт до десяти",
    )
    await plan(db, msk(23, 18, 0))
    (message,) = await messages(db, w, "math")
    assert {i for i, _ in await items(db, message.id or 0)} == {
        f"attendance:{w.lessons['math1']}",
        f"topic:{w.lessons['math7']}",
        f"attendance:{w.lessons['math7']}",
    }
    text = await text_of(db, message.id or 0, msk(23, 18, 0))
    assert text is not None
    assert text.splitlines()[1:] == [
        "1А Математика 23.11: не отмечена посещаемость (срок сегодня)",
        "7Б Математика 23.11: нет темы урока (срок сегодня)",
        "7Б Математика 23.11: не отмечена посещаемость (срок сегодня)",
    ], text
    # The teacher fills 7Б's topic before the message goes: it is no longer mentioned.
    await set_lesson_topic(
        uow_at(db, msk(23, 18, 0).astimezone(dt.UTC)),
        actor=w.actor("math"),
        lesson_id=w.lessons["math7"],
        topic="Линейные уравнения",
    )
    text = await text_of(db, message.id or 0, msk(23, 18, 1))
    assert text is not None and "нет темы урока" not in text
    for lesson in ("math1", "math7"):
        await record_roll_call(
            uow_at(db, msk(23, 18, 1).astimezone(dt.UTC)),
            actor=w.actor("math"),
            lesson_id=w.lessons[lesson],
        )
    assert await compose(db, message.id or 0, msk(23, 18, 2)) is None


async def test_switched_off_unless_the_school_makes_them_mandatory(db: Database) -> None:
    w = await build_world(db)
    await with_bells(db, w)
    settings = StaffReminderSettings(
        school_id=w.school_id, staff_id=w.staff["math"], enabled=False, updated_at=msk(1, 0)
    )
    await insert(db, settings)
    await plan(db, msk(23, 18, 0))
    assert await messages(db, w, "math") == []
    await with_bells(db, w, reminders_mandatory=True)
    await plan(db, msk(23, 18, 1))
    assert len(await messages(db, w, "math")) == 1


async def test_a_teacher_chooses_their_own_times(db: Database) -> None:
    w = await build_world(db)
    await with_bells(db, w)
    settings = StaffReminderSettings(
        school_id=w.school_id,
        staff_id=w.staff["math"],
        homework_minutes_before=60,
        evening_time=dt.time(16, 0),
        updated_at=msk(1, 0),
    )
    await insert(db, settings)
    await _homework(db, w, "math", "math1", msk(23, 9, 30))
    await plan(db, msk(23, 15, 15))
    (message,) = await messages(db, w, "math")
    assert await items(db, message.id or 0) == [(f"homework:{w.lessons['math7']}", "before")]
    await plan(db, msk(23, 16, 0))
    assert {s for _, s in await items(db, message.id or 0)} == {"before"}
    assert len(await items(db, message.id or 0)) == 5  # + topics and roll calls at 16:00


async def test_quiet_hours_and_holidays_hold_a_message_until_they_end(db: Database) -> None:
    w = await build_world(db)
    await with_bells(db, w, quiet_hours_start="17:00", quiet_hours_end="07:30")
    await plan(db, msk(23, 18, 0))
    (message,) = await messages(db, w, "math")
    moved = await route_staff_message(
        UnitOfWork(db, clock=lambda: msk(23, 18, 0).astimezone(dt.UTC)),
        message_id=message.id or 0,
    )
    assert not moved
    (held,) = await messages(db, w, "math")
    assert (held.status, held.due_at, held.reason) == ("open", msk(24, 7, 30), "quiet_hours")
    await insert(
        db,
        Holiday(
            school_id=w.school_id,
            year_id=w.year_id,
            name="день здоровья",
            starts_on=dt.date(2026, 11, 24),
            ends_on=dt.date(2026, 11, 25),
        ),
    )
    assert await send(db, message.id or 0, msk(24, 7, 30)) == "open"
    (held,) = await messages(db, w, "math")
    assert (held.due_at, held.reason) == (msk(26, 7, 30), "holidays")
    assert await send(db, message.id or 0, msk(26, 7, 30)) == "sent"


async def test_no_chat_and_no_email_fails_with_the_reason(db: Database) -> None:
    w = await build_world(db)
    await with_bells(db, w)
    await update_row(db, Staff, w.staff["math"], telegram_chat_id=None)
    await plan(db, msk(23, 18, 0))
    (message,) = await messages(db, w, "math")
    assert await send(db, message.id or 0, msk(23, 18, 0)) == "failed"
    (row,) = await messages(db, w, "math")
    assert row.reason == "staff_no_channel"


async def test_the_class_teacher_is_reminded_of_the_monthly_letter_daily(db: Database) -> None:
    w = await build_world(db)
    await with_bells(db, w)
    await plan(db, msk(23, 18, 0))
    (message,) = await messages(db, w, "russian")
    assert (f"monthly:{w.classes['7Б']}:2026-11-23", "note") in await items(db, message.id or 0)
    text = await text_of(db, message.id or 0, msk(23, 18, 0))
    assert text is not None
    assert "7Б: ежемесячное письмо родителям за ноябрь" in text, text
    await send(db, message.id or 0, msk(23, 18, 0))
    await plan(db, msk(23, 20, 0))
    assert len(await messages(db, w, "russian")) == 1  # once a day
    await plan(db, msk(24, 18, 0))
    assert len(await messages(db, w, "russian")) == 2


async def test_monday_morning_notes_for_the_class_teacher_and_the_deputy(db: Database) -> None:
    w = await build_world(db)
    await with_bells(db, w)
    await plan(db, msk(23, 7, 58))
    assert await messages(db, w, "deputy", kind="summary") == []
    await plan(db, msk(23, 8, 0))
    (summary,) = await messages(db, w, "deputy", kind="summary")
    (families,) = await messages(db, w, "russian", kind="families")
    text = await text_of(db, families.id or 0, msk(23, 8, 0))
    assert text is not None and text.startswith("Звонок: семьи вашего класса"), text
    assert "7Б" in text and "Не подписаны на бот: " in text, text
    text = await text_of(db, summary.id or 0, msk(23, 8, 0))
    assert text is not None and "Звонок: контроль журнала, 16.11 – 22.11" in text, text
    await plan(db, msk(24, 9, 0))
    assert len(await messages(db, w, "deputy", kind="summary")) == 1


async def test_the_deputy_hears_of_a_backlog_once_per_crossing(db: Database) -> None:
    w = await build_world(db)
    await with_bells(db, w, backlog_alert_threshold=3)
    await _homework(db, w, "math", "math1", msk(23, 9, 30))
    await plan(db, msk(24, 9, 0))  # math: 7Б's topic, roll call, homework; 1А's topic, roll call
    (alert,) = await messages(db, w, "deputy", kind="backlog")
    text = await text_of(db, alert.id or 0, msk(24, 9, 0))
    assert text is not None and "Иванова М.П.: 5 записей" in text, text
    assert await plan(db, msk(24, 9, 5)) == 0
    assert len(await messages(db, w, "deputy", kind="backlog")) == 1


async def test_a_message_is_sent_once_when_routed_twice(db: Database) -> None:
    w = await build_world(db)
    await with_bells(db, w)
    await update_row(db, Staff, w.staff["math"], telegram_chat_id=None)
    await plan(db, msk(23, 18, 0))
    (message,) = await messages(db, w, "math")
    clock = msk(23, 18, 0).astimezone(dt.UTC)
    first = await route_staff_message(
        UnitOfWork(db, clock=lambda: clock), message_id=message.id or 0
    )
    second = await route_staff_message(
        UnitOfWork(db, clock=lambda: clock), message_id=message.id or 0
    )
    assert (first, second) == (False, False)  # no channel: failed once, then nothing to do
    async with db.session() as session:
        row = await session.get(StaffMessage, message.id)
        assert row is not None and row.status == "failed"


async def test_workers_planning_at_the_same_moment_plan_each_reminder_once(
    db: Database,
) -> None:
    """Every worker plans at start-up: three starting together must neither fail nor
    remind twice (on PostgreSQL their transactions truly overlap)."""
    w = await build_world(db)
    await with_bells(db, w)
    await _homework(db, w, "math", "math1", msk(23, 9, 30))

    planned = await asyncio.gather(*(plan(db, msk(23, 15, 45)) for _ in range(3)))

    assert sorted(planned)[:2] == [0, 0] and max(planned) > 0  # one planner did it all
    (message,) = await messages(db, w, "math")
    assert await items(db, message.id or 0) == [(f"homework:{w.lessons['math7']}", "before")]
