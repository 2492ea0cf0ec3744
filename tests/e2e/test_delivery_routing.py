"""Who gets a message, on which channel: the running system, seen from the parents' side."""

from __future__ import annotations

import asyncio
import re

import pytest
from sqlmodel import col, select

from core.db import Database
from core.errors import RuleViolation
from core.models import ContactStatus, Delivery, Messenger
from core.services.attendance import mark_attendance
from core.services.invites import check_invite
from core.services.marks import post_mark
from core.services.school_setup import update_policy
from core.uow import UnitOfWork
from tests.builders import World
from tests.e2e.families import give_contacts, plain, post_lesson_mark, set_policy
from tests.e2e.scenarios import LINGER, marks_reach_the_right_families, received
from tests.e2e.system import System

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_mark_reaches_each_family_on_its_channels(
    shared_system: System, school: World
) -> None:
    await marks_reach_the_right_families(shared_system, school)


async def test_a_blocked_chat_falls_back_to_email_and_is_not_tried_again(
    shared_system: System, school: World
) -> None:
    system, w = shared_system, school
    mother = await give_contacts(system.db, w.guardians["sokolova"], telegram=True, email=True)
    assert mother.chat_id and mother.email
    await system.telegram.control.block_chat(mother.chat_id)
    before = await _outcomes(system)

    await post_lesson_mark(system.db, w, "petya", 4)
    (first,) = await system.wait_emails(mother.email, 1)
    assert "Пётр" in str(first["Subject"])
    assert system.telegram_to(mother.chat_id) == []  # 403: nothing reached the chat
    assert await dead_contacts(system.db, w.guardians["sokolova"]) == [
        ("telegram", str(mother.chat_id))
    ]

    refused_before = system.telegram.emulator.stats["sendMessage"]["403"]
    await post_lesson_mark(system.db, w, "masha", 5)
    second = (await system.wait_emails(mother.email, 2))[1]
    assert "Мария" in str(second["Subject"])
    await asyncio.sleep(LINGER)
    assert received(system, mother) == (0, 2, 0)
    # The second message went straight to email: the dead chat was not asked again.
    assert system.telegram.emulator.stats["sendMessage"]["403"] == refused_before
    assert await channels_tried(system.db, w.guardians["sokolova"]) == [
        ["telegram", "email"],
        ["email"],
    ]
    # The workers' metrics count the same story: one refusal, two emails sent, and the
    # delay from the moment each mark was due to its email.
    after = await _outcomes(system)
    assert {k: after[k] - before[k] for k in after} == {
        ("telegram", "permanent"): 1,
        ("telegram", "sent"): 0,
        ("email", "sent"): 2,
        ("email", "delays"): 2,
    }


async def _outcomes(system: System) -> dict[tuple[str, str], float]:
    """The workers' delivery counters, as an operator's Prometheus sees them."""
    counted = {
        (channel, outcome): await system.metric(
            "zvonok_deliveries_total", channel=channel, outcome=outcome
        )
        for channel, outcome in (("telegram", "permanent"), ("telegram", "sent"), ("email", "sent"))
    }
    delays = await system.metric("zvonok_delivery_delay_seconds_count", channel="email")
    return counted | {("email", "delays"): delays}


async def test_a_mark_reaches_the_max_dialog_once_and_a_blocked_bot_falls_back_to_email(
    shared_system: System, school: World
) -> None:
    system, w = shared_system, school
    await set_policy(system.db, w.school_id, messengers=["telegram", "max"])
    mother = await give_contacts(system.db, w.guardians["sokolova"], max_=True, email=True)
    assert mother.max_user_id and mother.email
    await system.max.control.inject_start(user_id=mother.max_user_id)  # she started the bot

    await post_lesson_mark(system.db, w, "petya", 4)
    (first,) = await system.wait_max(mother.max_user_id, 1)
    assert first["format"] == "html" and "Пётр" in plain(first["text"])
    assert "4" in plain(first["text"])

    await system.max.control.block_user(mother.max_user_id)
    await post_lesson_mark(system.db, w, "masha", 5)
    (email,) = await system.wait_emails(mother.email, 1)
    assert "Мария" in str(email["Subject"])
    await asyncio.sleep(LINGER)
    assert len(await system.max_to(mother.max_user_id)) == 1  # nothing twice, nothing after
    assert await dead_contacts(system.db, w.guardians["sokolova"]) == [
        ("max", str(mother.max_user_id))
    ]
    assert await channels_tried(system.db, w.guardians["sokolova"]) == [["max"], ["max", "email"]]


async def test_a_school_switching_telegram_off_reaches_its_families_elsewhere_and_tells_them_once(
    shared_system: System, school: World
) -> None:
    """The school offered Telegram and MAX and keeps MAX only (what the administrator
    saves on the school's page): the father, linked only in Telegram, gets the next mark
    by email and, once, how to join in MAX with a code that works there; the mother,
    linked in both, gets it in MAX and no notice. Telegram hears nothing more."""
    system, w, db = shared_system, school, shared_system.db
    await set_policy(db, w.school_id, messengers=["telegram", "max"])
    father = await give_contacts(db, w.guardians["novikov"], telegram=True, email=True)
    mother = await give_contacts(db, w.guardians["sokolova"], telegram=True, max_=True)
    assert father.chat_id and father.email and mother.chat_id and mother.max_user_id
    await system.max.control.inject_start(user_id=mother.max_user_id)

    await _keep_only_max(db, w)
    await post_lesson_mark(system.db, w, "vanya", 4)
    await post_lesson_mark(system.db, w, "petya", 5)
    emails = await system.wait_emails(father.email, 2)
    (notice,) = [e for e in emails if "перешла в MAX" in str(e["Subject"])]
    (mark,) = [e for e in emails if e is not notice]
    assert "Иван" in str(mark["Subject"])
    body = notice.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    found = re.search(r"https://max\.ru/zvonok_demo_bot\?start=(\S+)", text)
    assert found, text
    invite = await check_invite(UnitOfWork(db), code=found[1], messenger=Messenger.max)
    assert invite.child_first_names == ("Иван",)
    (in_max,) = await system.wait_max(mother.max_user_id, 1)
    assert "Пётр" in plain(in_max["text"])

    # Once: the same choice saved again and the next mark tell the father nothing more.
    await _keep_only_max(db, w)
    await post_lesson_mark(system.db, w, "vanya", 3)
    third = (await system.wait_emails(father.email, 3))[2]
    assert "Иван" in str(third["Subject"])
    await asyncio.sleep(LINGER)
    assert received(system, father) == (0, 3, 0)
    assert received(system, mother) == (0, 0, 0)  # no email or phone: MAX only
    assert len(await system.max_to(mother.max_user_id)) == 1


async def _keep_only_max(db: Database, w: World) -> None:
    await update_policy(UnitOfWork(db), actor=w.actor("admin"), values={"messengers": ["max"]})


async def test_grade_one_hears_of_attendance_and_no_mark_is_possible(
    shared_system: System, school: World
) -> None:
    system, w = shared_system, school
    mother = await give_contacts(system.db, w.guardians["sokolova"], telegram=True)
    assert mother.chat_id
    with pytest.raises(RuleViolation):
        await post_mark(
            UnitOfWork(system.db),
            actor=w.actor("math"),
            lesson_id=w.lessons["math1"],
            student_id=w.students["dasha"],
            value=5,
        )
    await mark_attendance(
        UnitOfWork(system.db),
        actor=w.actor("math"),
        lesson_id=w.lessons["math1"],
        student_id=w.students["dasha"],
        status="н",
    )
    (message,) = await system.wait_telegram(mother.chat_id, 1)
    await asyncio.sleep(LINGER)
    text = plain(message.text)
    assert "Дарья" in text and "Математика" in text and "Отсутствовал(а)" in text, text
    assert "Отметка" not in text
    assert received(system, mother) == (1, 0, 0)


async def dead_contacts(db: Database, guardian_id: int) -> list[tuple[str, str]]:
    async with db.session() as session:
        rows = await session.exec(
            select(ContactStatus).where(ContactStatus.guardian_id == guardian_id)
        )
        return [(row.channel, row.address) for row in rows.all()]


async def channels_tried(db: Database, guardian_id: int) -> list[list[str]]:
    """Per notification, oldest first: the channels its deliveries went through."""
    async with db.session() as session:
        rows = await session.exec(
            select(Delivery.notification_id, Delivery.channel)
            .where(Delivery.guardian_id == guardian_id)
            .order_by(col(Delivery.id))
        )
        tried: dict[int, list[str]] = {}
        for notification_id, channel in rows.all():
            tried.setdefault(notification_id, []).append(channel)
        return list(tried.values())
