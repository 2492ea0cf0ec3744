"""Scenarios run against more than one system (the shared SQLite one, PostgreSQL)."""

from __future__ import annotations

import asyncio

from core.services.marks import post_mark
from core.uow import UnitOfWork
from tests.builders import World
from tests.e2e.families import (
    Contacts,
    add_guardian,
    add_lesson,
    choose,
    give_contacts,
    plain,
)
from tests.e2e.system import System

# After the expected message, how long a test keeps listening for an unwanted one:
# the sweeper runs every second and the grace window is 2 s.
LINGER = 2.5


async def marks_reach_the_right_families(system: System, w: World) -> None:
    """Telegram only, email by choice, SMS by choice; nobody else hears a thing."""
    db, school = system.db, w.school_id
    mother = await give_contacts(db, w.guardians["sokolova"], telegram=True)
    father = await give_contacts(db, w.guardians["novikov"], telegram=True, email=True, phone=True)
    await choose(db, school, w.guardians["novikov"], channels=["email"])
    lena_mother = await give_contacts(
        db, w.guardians["morozova"], telegram=True, email=True, phone=True
    )
    await choose(db, school, w.guardians["morozova"], channels=["sms"])
    # Petya's father never gave consent; Masha's father has no mark to hear of.
    unconsented = await add_guardian(db, w, ["petya"], last_name="Соколов", consent=False)
    unconsented_at = await give_contacts(db, unconsented, telegram=True, email=True, phone=True)
    masha_father = await add_guardian(db, w, ["masha"], last_name="Соколов")
    masha_father_at = await give_contacts(db, masha_father, telegram=True, email=True, phone=True)
    lesson_10a = await add_lesson(db, w, "10А", slot=3)

    teacher = w.actor("math")
    for lesson, kid, value, work in [
        (w.lessons["math7"], "petya", 5, "test"),
        (w.lessons["math7"], "vanya", 3, "oral"),
        (lesson_10a, "lena", 4, "written"),
    ]:
        await post_mark(
            UnitOfWork(db),
            actor=teacher,
            lesson_id=lesson,
            student_id=w.students[kid],
            value=value,
            work_type=work,
        )

    assert mother.chat_id and father.email and lena_mother.phone
    (telegram,) = await system.wait_telegram(mother.chat_id, 1)
    (email,) = await system.wait_emails(father.email, 1)
    (sms,) = await system.wait_sms(lena_mother.phone, 1)
    await asyncio.sleep(LINGER)

    text = plain(telegram.text)
    assert "Пётр" in text and "Математика" in text and "Отметка 5" in text, text
    assert "Иван" not in text and "Елена" not in text
    body = email.get_body(("plain",))
    assert body is not None
    assert "Иван" in str(email["Subject"]) and "Математика" in str(email["Subject"])
    assert "Отметка 3" in body.get_content()
    assert "4" in sms.text and "математика" in sms.text, sms.text

    assert received(system, mother) == (1, 0, 0)
    assert received(system, father) == (0, 1, 0)
    assert received(system, lena_mother) == (0, 0, 1)
    assert received(system, unconsented_at) == (0, 0, 0)
    assert received(system, masha_father_at) == (0, 0, 0)


def received(system: System, contacts: Contacts) -> tuple[int, int, int]:
    """How many Telegram messages, emails and SMS reached these contacts."""
    return (
        len(system.telegram_to(contacts.chat_id)) if contacts.chat_id else 0,
        len(system.emails_to(contacts.email)) if contacts.email else 0,
        len(system.sms_to(contacts.phone)) if contacts.phone else 0,
    )
