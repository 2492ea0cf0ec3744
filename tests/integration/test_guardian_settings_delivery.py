"""Each of a guardian's settings changes what delivery then does. SQLite and PostgreSQL.

The settings are changed through `core.services.guardian_settings` as the bot does;
journal entries go through the journal services and delivery through the core steps
the workers run (tests/integration/delivery_helpers.py), on a clock moved by hand.
TODAY (23.11.2026) is a Monday; the school is in Moscow, quiet hours 21:00–07:30.
"""

from __future__ import annotations

import datetime as dt

from core.actors import GuardianActor
from core.db import Database
from core.models import Guardian
from core.services.attendance import mark_attendance
from core.services.guardian_settings import (
    set_channel_order,
    set_digest_time,
    set_language,
    set_mode,
    set_quiet_hours,
)
from notifier.render import render
from tests.builders import World, build_world, update_row
from tests.integration.delivery_helpers import (
    Clock,
    deliveries,
    lines,
    msk,
    notifications,
    post,
    relay_and_dispatch,
    run_worker,
    start_due,
)

TOMORROW = dt.date(2026, 11, 24)


def father(w: World) -> GuardianActor:
    """Новиков, Ivan's father: email and phone; the tests link a chat where they need one."""
    return GuardianActor(guardian_id=w.guardians["novikov"], school_id=w.school_id)


async def test_marks_off_means_no_message_for_a_new_mark_but_absences_still_come(
    db: Database,
) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    await set_mode(clock.uow(), actor=father(w), topic="marks", mode="off")
    await post(clock, w, "vanya", 2)
    await relay_and_dispatch(clock)
    assert await notifications(db, w.guardians["novikov"]) == []
    await mark_attendance(
        clock.uow(),
        actor=w.actor("math"),
        lesson_id=w.lessons["math7"],
        student_id=w.students["vanya"],
        status="оп",
        minutes_late=5,
    )
    await relay_and_dispatch(clock)
    clock.advance(120)
    received = await run_worker(clock)
    [message] = received[w.guardians["novikov"]]
    assert [item.kind for item in message.items] == ["attendance"]


async def test_daily_digest_collects_marks_for_the_chosen_time(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    await set_mode(clock.uow(), actor=father(w), topic="marks", mode="daily")
    await set_digest_time(clock.uow(), actor=father(w), at=dt.time(19, 30))
    await post(clock, w, "vanya", 4)
    clock.set(msk(12))
    await post(clock, w, "vanya", 5, teacher="russian", lesson="russian7")
    assert await run_worker(clock) == {}
    [note] = await notifications(db, w.guardians["novikov"])
    assert (note.mode, note.due_at) == ("daily", msk(19, 30))

    clock.set(msk(19, 29))
    assert await run_worker(clock) == {}  # not instantly, not before the digest time
    clock.set(msk(19, 30))
    [digest] = (await run_worker(clock))[w.guardians["novikov"]]
    assert digest.mode == "daily"
    assert lines(digest) == [("mark", "new", "Иван", 4), ("mark", "new", "Иван", 5)]


async def test_email_first_sends_by_email_although_a_chat_is_linked(db: Database) -> None:
    w = await build_world(db)
    await update_row(db, Guardian, w.guardians["novikov"], telegram_chat_id=5550002)
    clock = Clock(db, msk(10))
    await post(clock, w, "vanya", 3)
    await relay_and_dispatch(clock)
    clock.advance(120)
    await run_worker(clock)
    [by_default] = await deliveries(db)
    assert (by_default.channel, by_default.address) == ("telegram", "5550002")

    await set_channel_order(clock.uow(), actor=father(w), channels=["email", "telegram"])
    await post(clock, w, "vanya", 5)
    await relay_and_dispatch(clock)
    clock.advance(120)
    received = await run_worker(clock)
    assert lines(received[w.guardians["novikov"]][0]) == [("mark", "new", "Иван", 5)]
    _, chosen = await deliveries(db)
    assert (chosen.channel, chosen.address, chosen.status) == (
        "email",
        "novikov@example.ru",
        "sent",
    )


async def test_own_quiet_hours_hold_a_mark_and_none_lets_it_through(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(19, 30))
    await set_quiet_hours(
        clock.uow(), actor=father(w), hours=(dt.time(19), dt.time(8))
    )  # the father's evening starts early
    mother = GuardianActor(guardian_id=w.guardians["sokolova"], school_id=w.school_id)
    await set_quiet_hours(clock.uow(), actor=mother, hours=None)  # she wants everything
    await post(clock, w, "vanya", 4)
    await relay_and_dispatch(clock)
    clock.set(msk(23))
    await post(clock, w, "petya", 5)
    await relay_and_dispatch(clock)
    clock.set(msk(23, 2))
    received = await run_worker(clock)
    assert list(received) == [w.guardians["sokolova"]]  # 23:02, past the school's 21:00
    [held] = await notifications(db, w.guardians["novikov"])
    assert (held.status, held.due_at) == ("open", msk(8, day=TOMORROW))

    clock.set(msk(7, 30, day=TOMORROW))  # the school's quiet hours would end here
    assert await start_due(clock) == []
    clock.set(msk(8, day=TOMORROW))
    received = await run_worker(clock)
    assert lines(received[w.guardians["novikov"]][0]) == [("mark", "new", "Иван", 4)]


async def test_english_renders_the_message_in_english(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    await set_language(clock.uow(), actor=father(w), language="en")
    await post(clock, w, "vanya", 4)
    await post(clock, w, "petya", 5)
    await relay_and_dispatch(clock)
    clock.advance(120)
    received = await run_worker(clock)
    [english] = received[w.guardians["novikov"]]
    [russian] = received[w.guardians["sokolova"]]
    assert (english.language, russian.language) == ("en", "ru")
    text = render(english, "telegram", school_name="Школа №1").text
    assert "Mark 4" in text and "Отметка" not in text
    assert "Отметка 5" in render(russian, "telegram", school_name="Школа №1").text
    email = render(english, "email", school_name="Школа №1")
    assert "Mark 4" in email.text
