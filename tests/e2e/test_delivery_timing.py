"""When a message goes out: grace window, bundling, quiet hours, consent, digests.

The shared running system (two worker processes); the school's grace window is a few
seconds here instead of two minutes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import pytest

from core.actors import StaffActor
from core.services.announcements import post_announcement
from core.services.consent import withdraw_consent
from core.services.homework import set_homework
from core.services.marks import change_mark, delete_mark, post_mark
from core.uow import UnitOfWork
from tests.builders import World
from tests.e2e.families import (
    add_lesson,
    choose,
    give_contacts,
    notification_statuses,
    plain,
    school_now,
    set_policy,
)
from tests.e2e.scenarios import LINGER, received
from tests.e2e.system import System

pytestmark = pytest.mark.asyncio(loop_scope="session")

GRACE = 3  # seconds, the school's grace window in these tests


async def _mark(
    system: System, w: World, kid: str, value: int, *, lesson: str = "math7", teacher: str = "math"
) -> int:
    mark = await post_mark(
        UnitOfWork(system.db),
        actor=w.actor(teacher),
        lesson_id=w.lessons[lesson],
        student_id=w.students[kid],
        value=value,
    )
    return mark.id or 0


async def _wait_status(system: System, guardian_id: int, statuses: list[str]) -> None:
    """Until the guardian's notifications are in `statuses` (in the database)."""
    deadline = time.monotonic() + 15
    while await notification_statuses(system.db, guardian_id) != statuses:
        assert time.monotonic() < deadline, await notification_statuses(system.db, guardian_id)
        await asyncio.sleep(0.1)


async def test_grace_window_final_value_nothing_when_deleted_correction_after(
    shared_system: System, school: World
) -> None:
    system, w, db = shared_system, school, shared_system.db
    await set_policy(db, w.school_id, grace_window_seconds=GRACE)
    fixed = await give_contacts(db, w.guardians["sokolova"], telegram=True)
    deleted = await give_contacts(db, w.guardians["novikov"], telegram=True)
    corrected = await give_contacts(db, w.guardians["morozova"], telegram=True)
    assert fixed.chat_id and deleted.chat_id and corrected.chat_id
    w.lessons["math10"] = await add_lesson(db, w, "10А", slot=3)
    math = w.actor("math")

    typo = await _mark(system, w, "petya", 4)
    wrong = await _mark(system, w, "vanya", 2)
    later = await _mark(system, w, "lena", 4, lesson="math10")
    posted = time.monotonic()
    await change_mark(UnitOfWork(db), actor=math, mark_id=typo, value=5)
    await delete_mark(UnitOfWork(db), actor=math, mark_id=wrong)
    assert time.monotonic() - posted < GRACE  # both fixed within the window

    (final,) = await system.wait_telegram(fixed.chat_id, 1)
    assert "Отметка 5" in plain(final.text), plain(final.text)
    assert "4" not in plain(final.text).replace("23.11", ""), plain(final.text)
    (first,) = await system.wait_telegram(corrected.chat_id, 1)
    assert "Отметка 4" in plain(first.text)
    await _wait_status(system, w.guardians["morozova"], ["sent"])

    await change_mark(UnitOfWork(db), actor=math, mark_id=later, value=5)
    correction = (await system.wait_telegram(corrected.chat_id, 2))[1]
    assert "исправлено: 4 → 5" in plain(correction.text).lower(), plain(correction.text)
    await asyncio.sleep(LINGER)
    assert received(system, fixed) == (1, 0, 0)
    assert received(system, deleted) == (0, 0, 0)
    assert received(system, corrected) == (2, 0, 0)
    assert await notification_statuses(db, w.guardians["novikov"]) == ["cancelled"]


async def test_five_marks_for_two_children_make_one_message(
    shared_system: System, school: World
) -> None:
    system, w = shared_system, school
    await set_policy(system.db, w.school_id, grace_window_seconds=GRACE)
    mother = await give_contacts(system.db, w.guardians["sokolova"], telegram=True)
    assert mother.chat_id
    posted = time.monotonic()
    for kid, lesson, teacher, value in [
        ("petya", "math7", "math", 5),
        ("petya", "russian7", "russian", 4),
        ("petya", "english7", "english", 3),
        ("masha", "math7", "math", 5),
        ("masha", "russian7", "russian", 2),
    ]:
        await _mark(system, w, kid, value, lesson=lesson, teacher=teacher)
    assert time.monotonic() - posted < GRACE

    (message,) = await system.wait_telegram(mother.chat_id, 1)
    await asyncio.sleep(LINGER)
    assert received(system, mother) == (1, 0, 0)
    text = plain(message.text)
    assert text.count("Отметка") == 5, text
    petya, _, masha = text.partition("Мария")
    assert "Пётр" in petya and masha, text
    for subject, value in [("Математика", 5), ("Русский язык", 4), ("Английский язык", 3)]:
        assert f"{subject}, пн 23.11\nОтметка {value}" in petya, petya
    for subject, value in [("Математика", 5), ("Русский язык", 2)]:
        assert f"{subject}, пн 23.11\nОтметка {value}" in masha, masha


async def test_quiet_hours_hold_a_mark_until_they_end_but_not_an_urgent_announcement(
    shared_system: System, school: World
) -> None:
    system, w = shared_system, school
    now = school_now()
    quiet_end = (now + dt.timedelta(seconds=8)).replace(microsecond=0)
    await set_policy(
        system.db,
        w.school_id,
        quiet_hours_start=(now - dt.timedelta(hours=1)).time().replace(microsecond=0),
        quiet_hours_end=quiet_end.time(),
    )
    mother = await give_contacts(system.db, w.guardians["sokolova"], telegram=True)
    assert mother.chat_id
    await _mark(system, w, "petya", 5)
    await post_announcement(
        UnitOfWork(system.db),
        actor=StaffActor(staff_id=w.staff["russian"], school_id=w.school_id),
        class_id=w.classes["7Б"],
        title="Завтра эвакуация",
        body="Учебная тревога в 10:00, форма одежды уличная.",
        urgent=True,
    )

    (urgent,) = await system.wait_telegram(mother.chat_id, 1, within=6)
    assert "Срочно" in plain(urgent.text) and "эвакуация" in plain(urgent.text)
    await asyncio.sleep(max(0.0, (quiet_end - school_now()).total_seconds() - 0.5))
    assert len(system.telegram_to(mother.chat_id)) == 1  # the mark is still held

    mark = (await system.wait_telegram(mother.chat_id, 2))[1]
    assert "Отметка 5" in plain(mark.text)
    assert dt.datetime.fromtimestamp(mark.sent_at, dt.UTC) >= quiet_end
    await asyncio.sleep(LINGER)
    assert received(system, mother) == (2, 0, 0)


async def test_consent_withdrawn_within_the_grace_window_stops_the_message(
    shared_system: System, school: World
) -> None:
    system, w = shared_system, school
    await set_policy(system.db, w.school_id, grace_window_seconds=GRACE)
    father = await give_contacts(
        system.db, w.guardians["novikov"], telegram=True, email=True, phone=True
    )
    await _mark(system, w, "vanya", 3)
    await _wait_status(system, w.guardians["novikov"], ["open"])  # in its grace window
    await withdraw_consent(
        UnitOfWork(system.db),
        actor=StaffActor(staff_id=w.staff["secretary"], school_id=w.school_id),
        guardian_id=w.guardians["novikov"],
    )
    await _wait_status(system, w.guardians["novikov"], ["cancelled"])
    await asyncio.sleep(LINGER)
    assert received(system, father) == (0, 0, 0)


async def test_daily_homework_comes_as_one_digest_at_the_chosen_time(
    shared_system: System, school: World
) -> None:
    system, w = shared_system, school
    mother = await give_contacts(system.db, w.guardians["sokolova"], telegram=True)
    assert mother.chat_id
    at = (school_now() + dt.timedelta(seconds=6)).replace(microsecond=0)
    await choose(
        system.db,
        w.school_id,
        w.guardians["sokolova"],
        modes={"homework": "daily"},
        digest_time=at.time(),
    )
    for lesson, teacher, text in [
        ("math7", "math", "№ 245, 247"),
        ("russian7", "russian", "Упражнение 112"),
    ]:
        await set_homework(
            UnitOfWork(system.db), actor=w.actor(teacher), lesson_id=w.lessons[lesson], text=text
        )

    (digest,) = await system.wait_telegram(mother.chat_id, 1, within=20)
    assert dt.datetime.fromtimestamp(digest.sent_at, dt.UTC) >= at
    await asyncio.sleep(LINGER)
    assert received(system, mother) == (1, 0, 0)
    text = plain(digest.text)
    assert text.startswith("Дневник за"), text
    assert "Математика (7Б)" in text and "№ 245, 247" in text, text
    assert "Русский язык (7Б)" in text and "Упражнение 112" in text, text
