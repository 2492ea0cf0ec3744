"""Scenarios run against more than one system (the shared SQLite one, PostgreSQL)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from core.db import Database
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
LINGER = 1.5


@dataclass(frozen=True)
class RoutingFamilies:
    mother: Contacts  # Petya's mother: Telegram only
    father: Contacts  # Vanya's father: all three, chose email
    lena_mother: Contacts  # Lena's mother: all three, chose SMS
    unconsented: Contacts  # Petya's father: never gave consent
    masha_father: Contacts  # Masha has no mark today


async def _set_up_families(db: Database, w: World) -> RoutingFamilies:
    everything = {"telegram": True, "email": True, "phone": True}
    mother = await give_contacts(db, w.guardians["sokolova"], telegram=True)
    father = await give_contacts(db, w.guardians["novikov"], **everything)
    await choose(db, w.school_id, w.guardians["novikov"], channels=["email"])
    lena_mother = await give_contacts(db, w.guardians["morozova"], **everything)
    await choose(db, w.school_id, w.guardians["morozova"], channels=["sms"])
    unconsented = await add_guardian(db, w, ["petya"], last_name="Соколов", consent=False)
    masha_father = await add_guardian(db, w, ["masha"], last_name="Соколов")
    return RoutingFamilies(
        mother,
        father,
        lena_mother,
        await give_contacts(db, unconsented, **everything),
        await give_contacts(db, masha_father, **everything),
    )


async def _post_marks(db: Database, w: World) -> None:
    lesson_10a = await add_lesson(db, w, "10А", slot=3)
    for lesson, kid, value, work in [
        (w.lessons["math7"], "petya", 5, "test"),
        (w.lessons["math7"], "vanya", 3, "oral"),
        (lesson_10a, "lena", 4, "written"),
    ]:
        await post_mark(
            UnitOfWork(db),
            actor=w.actor("math"),
            lesson_id=lesson,
            student_id=w.students[kid],
            value=value,
            work_type=work,
        )


async def marks_reach_the_right_families(system: System, w: World) -> None:
    """Telegram only, email by choice, SMS by choice; nobody else hears a thing."""
    f = await _set_up_families(system.db, w)
    await _post_marks(system.db, w)
    assert f.mother.chat_id and f.father.email and f.lena_mother.phone
    (telegram,) = await system.wait_telegram(f.mother.chat_id, 1)
    (email,) = await system.wait_emails(f.father.email, 1)
    (sms,) = await system.wait_sms(f.lena_mother.phone, 1)
    await asyncio.sleep(LINGER)

    text = plain(telegram.text)
    assert "Пётр" in text and "Математика" in text and "Отметка 5" in text, text
    assert "Иван" not in text and "Елена" not in text
    assert "Иван" in str(email["Subject"]) and "Математика" in str(email["Subject"])
    body = email.get_body(("plain",))
    assert body is not None and "Отметка 3" in body.get_content()
    assert "Елена: 4" in sms.text and "математика" in sms.text, sms.text

    assert received(system, f.mother) == (1, 0, 0)
    assert received(system, f.father) == (0, 1, 0)
    assert received(system, f.lena_mother) == (0, 0, 1)
    assert received(system, f.unconsented) == (0, 0, 0)
    assert received(system, f.masha_father) == (0, 0, 0)


def received(system: System, contacts: Contacts) -> tuple[int, int, int]:
    """How many Telegram messages, emails and SMS reached these contacts."""
    return (
        len(system.telegram_to(contacts.chat_id)) if contacts.chat_id else 0,
        len(system.emails_to(contacts.email)) if contacts.email else 0,
        len(system.sms_to(contacts.phone)) if contacts.phone else 0,
    )
