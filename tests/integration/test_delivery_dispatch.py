"""Dispatch: which families hear of a journal entry, and when. SQLite and PostgreSQL.

Every entry goes through the real journal service; the clock is fixed and moved by
hand. TODAY (23.11.2026) is a Monday; the school is in Moscow.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlmodel import col, select

from core.db import Database
from core.delivery.dispatch import Dispatched, dispatch_event, dispatch_events
from core.delivery.routing import MAX_BUNDLE_SECONDS
from core.errors import RuleViolation
from core.models import Notification, NotificationEvent, OutboxEvent
from core.services.announcements import post_announcement
from core.services.attendance import mark_attendance
from core.services.homework import set_homework
from tests.builders import build_world, update_row
from tests.integration.delivery_helpers import (
    Clock,
    add_guardian,
    choose,
    lines,
    msk,
    notifications,
    post,
    relay_and_dispatch,
    run_worker,
)
from tests.integration.outbox_helpers import outbox, unchanged


async def _events_per_note(db: Database) -> dict[int, int]:
    async with db.session() as s:
        rows = (await s.exec(select(NotificationEvent.notification_id))).all()
    return {n: rows.count(n) for n in set(rows)}


async def test_posted_mark_is_owed_to_each_consenting_guardian_of_that_child_after_grace(
    db: Database,
) -> None:
    w = await build_world(db)
    granny = await add_guardian(db, w, "granny", ["petya"], email="granny@example.ru")
    await add_guardian(db, w, "father", ["petya"], consent=False, email="father@example.ru")
    clock = Clock(db, msk(10))
    await post(clock, w, "petya", 4)

    assert await relay_and_dispatch(clock) == []  # nobody is due within the grace window
    notes = await notifications(db)
    assert sorted(n.guardian_id for n in notes) == sorted([w.guardians["sokolova"], granny])
    for note in notes:
        assert (note.status, note.topic, note.mode) == ("open", "marks", "instant")
        assert note.student_id == w.students["petya"]
        assert note.due_at == msk(10, 2)  # the school's default grace window: 120 s

    clock.set(msk(10, 1, 59))
    assert await run_worker(clock) == {}  # still within the window: nothing goes out
    clock.set(msk(10, 2))
    received = await run_worker(clock)
    assert sorted(received) == sorted([w.guardians["sokolova"], granny])
    assert lines(received[granny][0]) == [("mark", "new", "Пётр", 4)]
    assert received[granny][0].items[0].data["subject"] == "Математика"


async def test_dispatch_is_idempotent_and_concurrent_dispatches_share_a_bundle(
    db: Database,
) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    await post(clock, w, "petya", 5)
    clock.advance(1)
    await post(clock, w, "masha", 4, teacher="russian", lesson="russian7")
    first, second = await outbox(db, "mark_posted")
    jobs = [first.id, second.id, first.id]  # arq may run a job twice, even concurrently
    await asyncio.gather(*(dispatch_event(clock.uow(), event_id=e) for e in jobs))
    [note] = await notifications(db)
    assert note.guardian_id == w.guardians["sokolova"] and note.student_id is None
    assert await _events_per_note(db) == {note.id: 2}

    clock.advance(5)
    async with unchanged(db, Notification, NotificationEvent):
        assert await dispatch_event(clock.uow(), event_id=first.id) == []
        # Even with the short cut gone (a hand-made repair, say), each guardian gets
        # the event once.
        await update_row(db, OutboxEvent, first.id, dispatched_at=None)
        assert await dispatch_event(clock.uow(), event_id=first.id) == []
    assert await _events_per_note(db) == {note.id: 2}


async def test_a_run_planned_one_guardian_at_a_time_is_planned_as_all_at_once(
    db: Database,
) -> None:
    """Dispatch holds a chunk of guardians at a time (a broadcast's memory): planned one
    guardian at a time, a run of marks and an urgent school-wide announcement still make
    one bundle per family and reach each family once."""
    w = await build_world(db)
    clock = Clock(db, msk(10))
    await post(clock, w, "petya", 5)
    clock.advance(30)
    await post(clock, w, "masha", 3, teacher="russian", lesson="russian7")
    clock.advance(30)
    await post(clock, w, "vanya", 2)
    await post_announcement(
        clock.uow(),
        actor=w.actor("deputy"),
        class_id=None,
        title="Каникулы",
        body="С 29 декабря.",
        urgent=True,
    )
    events = [event.id for event in await outbox(db)]
    planned = await dispatch_events(clock.uow(), event_ids=events, guardians_at_once=1)

    notes = await notifications(db)
    mother, father = w.guardians["sokolova"], w.guardians["novikov"]
    assert sorted((n.guardian_id, n.topic, n.student_id, n.urgent) for n in notes) == sorted(
        [
            (mother, "marks", None, False),  # Petya's and Masha's marks: one message
            (mother, "announcements", None, True),
            (father, "marks", w.students["vanya"], False),
            (father, "announcements", None, True),
            (w.guardians["morozova"], "announcements", None, True),
        ]
    )
    assert sorted(planned.due) == sorted(n.id for n in notes if n.urgent)
    assert planned.next_due == msk(10, 2, 30)  # the grace window after Masha's mark
    assert sorted((await _events_per_note(db)).values()) == [1, 1, 1, 1, 2]
    assert await dispatch_events(clock.uow(), event_ids=events, guardians_at_once=1) == (
        Dispatched([])
    )


async def test_marks_for_two_children_within_the_window_make_one_message(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    posts = [
        (msk(10), "math", "math7", "petya", 5),
        (msk(10, 0, 40), "russian", "russian7", "masha", 3),
        (msk(10, 1, 20), "english", "english7", "petya", 4),
        (msk(10, 1, 30), "math", "math7", "vanya", 2),
    ]
    for at, teacher, lesson, kid, value in posts:
        clock.set(at)
        await post(clock, w, kid, value, teacher=teacher, lesson=lesson)
        await relay_and_dispatch(clock)

    mother = await notifications(db, w.guardians["sokolova"])
    assert len(mother) == 1
    assert mother[0].due_at == msk(10, 3, 20)  # two minutes after the latest mark
    clock.set(msk(10, 3, 19))
    assert w.guardians["sokolova"] not in await run_worker(clock)
    clock.set(msk(10, 3, 30))
    received = await run_worker(clock)
    [message] = received[w.guardians["sokolova"]]
    assert lines(message) == [
        ("mark", "new", "Пётр", 5),
        ("mark", "new", "Мария", 3),
        ("mark", "new", "Пётр", 4),
    ]
    assert [i.data["subject"] for i in message.items] == [
        "Математика",
        "Русский язык",
        "Английский язык",
    ]
    [father] = received[w.guardians["novikov"]]
    assert lines(father) == [("mark", "new", "Иван", 2)]


async def test_a_bundle_goes_out_at_most_ten_minutes_after_its_first_event(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    # A teacher marks the whole test paper by paper, one every 100 s.
    for n in range(8):
        clock.set(msk(10) + dt.timedelta(seconds=100 * n))
        await post(clock, w, "petya" if n % 2 else "masha", 2 + n % 4)
        await relay_and_dispatch(clock)
    first, second = await notifications(db, w.guardians["sokolova"])
    assert first.due_at == first.created_at + dt.timedelta(seconds=MAX_BUNDLE_SECONDS)
    assert first.due_at == msk(10, 10)
    assert second.created_at == msk(10, 10)
    assert second.due_at == msk(10, 13, 40)  # its own window: two minutes after 10:11:40
    counts = await _events_per_note(db)
    assert (counts[first.id or 0], counts[second.id or 0]) == (6, 2)


async def test_homework_waits_for_the_evening_digest(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    for at, lesson, teacher, text in (
        (msk(10), "math7", "math", "§7, № 1–3"),
        (msk(12), "russian7", "russian", "Упр. 112"),
    ):
        clock.set(at)
        await set_homework(
            clock.uow(), actor=w.actor(teacher), lesson_id=w.lessons[lesson], text=text
        )
        await relay_and_dispatch(clock)
    # Homework set after the digest time goes into tomorrow's digest.
    clock.set(msk(19))
    await set_homework(clock.uow(), actor=w.actor("math"), lesson_id=w.lessons["math7"], text="№ 5")
    await relay_and_dispatch(clock)

    today, tomorrow = await notifications(db, w.guardians["sokolova"])
    assert (today.mode, today.topic) == ("daily", "homework")
    assert today.due_at == msk(18)
    assert tomorrow.due_at == msk(18, day=dt.date(2026, 11, 24))
    assert (await _events_per_note(db))[today.id or 0] == 2

    clock.set(msk(19, 0, 1))
    received = await run_worker(clock)
    [digest] = received[w.guardians["sokolova"]]
    assert [(i.kind, i.data["subject"], i.data["text"]) for i in digest.items] == [
        ("homework", "Математика", "§7, № 1–3"),
        ("homework", "Русский язык", "Упр. 112"),
    ]


async def test_weekly_mode_waits_for_the_chosen_weekday_and_off_means_nothing(
    db: Database,
) -> None:
    w = await build_world(db)
    await choose(
        db, w, "novikov", modes={"marks": "weekly"}, weekly_weekday=2, digest_time=dt.time(20)
    )
    await choose(db, w, "sokolova", modes={"marks": "off"})
    clock = Clock(db, msk(10))
    await post(clock, w, "vanya", 5)
    await post(clock, w, "petya", 5)
    await relay_and_dispatch(clock)

    [note] = await notifications(db)
    assert note.guardian_id == w.guardians["novikov"] and note.mode == "weekly"
    assert note.due_at == msk(20, day=dt.date(2026, 11, 25))  # Wednesday, his 20:00
    assert all(e.dispatched_at == msk(10) for e in await outbox(db))
    clock.set(msk(20, day=dt.date(2026, 11, 25)))
    received = await run_worker(clock)
    assert lines(received[w.guardians["novikov"]][0]) == [("mark", "new", "Иван", 5)]


async def test_grade_one_attendance_reaches_the_family_but_there_are_no_marks(
    db: Database,
) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(9))
    with pytest.raises(RuleViolation):
        await post(clock, w, "dasha", 5, teacher="math", lesson="math1")
    await mark_attendance(
        clock.uow(),
        actor=w.actor("math"),
        lesson_id=w.lessons["math1"],
        student_id=w.students["dasha"],
        status="н",
    )
    await relay_and_dispatch(clock)
    [note] = await notifications(db)
    assert note.guardian_id == w.guardians["sokolova"] and note.topic == "attendance"
    clock.set(msk(9, 2))
    received = await run_worker(clock)
    [message] = received[w.guardians["sokolova"]]
    assert lines(message) == [("attendance", "new", "Дарья", "absent")]
    assert message.items[0].data["class_name"] == "1А"


async def test_a_guardian_with_no_live_channel_is_not_planned(db: Database) -> None:
    w = await build_world(db)
    await add_guardian(db, w, "uncle", ["vanya"])  # consent, but no address at all
    await choose(db, w, "novikov", channels=["telegram"])  # and no Telegram chat linked
    clock = Clock(db, msk(10))
    await post(clock, w, "vanya", 4)
    await relay_and_dispatch(clock)
    assert await notifications(db) == []
    [event] = await outbox(db, "mark_posted")
    assert event.dispatched_at == msk(10)


async def test_group_homework_reaches_only_the_group_families_once(db: Database) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(11))
    # «7Б англ. 1» is Petya and Masha: their mother once, not Vanya's father.
    await set_homework(
        clock.uow(), actor=w.actor("english"), lesson_id=w.lessons["english7"], text="Ex. 4"
    )
    # Individual homework in a whole-class lesson: only that pupil's family.
    clock.advance(60)
    await set_homework(
        clock.uow(),
        actor=w.actor("math"),
        lesson_id=w.lessons["math7"],
        text="Работа над ошибками",
        student_ids=[w.students["vanya"]],
    )
    await relay_and_dispatch(clock)
    group_hw, own_hw = await outbox(db, "homework_set")
    async with db.session() as s:
        rows = (await s.exec(select(NotificationEvent).order_by(col(NotificationEvent.id)))).all()
    assert [(r.guardian_id, r.event_id) for r in rows] == [
        (w.guardians["sokolova"], group_hw.id),
        (w.guardians["novikov"], own_hw.id),
    ]
    note = (await notifications(db, w.guardians["sokolova"]))[0]
    assert note.student_id is None  # about both children: a message for the family


async def test_announcements_reach_each_family_of_the_class_or_school_once(
    db: Database,
) -> None:
    w = await build_world(db)
    father = await add_guardian(db, w, "father", ["petya"], consent=False, email="f@example.ru")
    clock = Clock(db, msk(15))
    await post_announcement(
        clock.uow(),
        actor=w.actor("russian"),
        class_id=w.classes["7Б"],
        title="Собрание",
        body="В четверг в 18:00, кабинет 12.",
        monthly=True,  # the class teacher's monthly message
    )
    await relay_and_dispatch(clock)
    class_notes = await notifications(db)
    # Two children in 7Б, one message for their mother; 10А's family hears nothing.
    assert sorted(n.guardian_id for n in class_notes) == sorted(
        [w.guardians["sokolova"], w.guardians["novikov"]]
    )
    clock.set(msk(15, 10))
    await post_announcement(
        clock.uow(),
        actor=w.actor("deputy"),
        class_id=None,
        title="Каникулы",
        body="С 29 декабря.",
    )
    await relay_and_dispatch(clock)
    school_wide = (await notifications(db))[len(class_notes) :]
    assert sorted(n.guardian_id for n in school_wide) == sorted(
        [w.guardians["sokolova"], w.guardians["novikov"], w.guardians["morozova"]]
    )
    clock.set(msk(15, 12))
    received = await run_worker(clock)
    assert father not in received
    assert [lines(m) for m in received[w.guardians["sokolova"]]] == [
        [("announcement", "new", None, "Собрание")],
        [("announcement", "new", None, "Каникулы")],
    ]
    assert [lines(m) for m in received[w.guardians["morozova"]]] == [
        [("announcement", "new", None, "Каникулы")]
    ]
    [meeting] = received[w.guardians["novikov"]][0].items
    assert (meeting.data["class_name"], meeting.data["author"]) == ("7Б", "Петров С.И.")
    assert meeting.data["monthly"] and meeting.data["body"] == "В четверг в 18:00, кабинет 12."
