"""A school with bots of its own (ZVONOK_BOTS_FILE), in the running system: each family
hears through the bot it started, and a family whose bot left the file still hears,
by its next channel."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlmodel import col, select

from core.db import Database
from core.messengers import BOT_FIELDS
from core.models import Delivery, Guardian, Messenger
from core.services.marks import post_mark
from core.uow import UnitOfWork
from tests.builders import build_world
from tests.e2e.families import (
    QUICK_POLICY,
    add_lesson,
    give_contacts,
    plain,
    post_lesson_mark,
    set_policy,
)
from tests.e2e.scenarios import LINGER
from tests.e2e.system import run_system
from tests.school_bots import SCHOOL_BOT_KEY, SCHOOL_MAX_TOKEN, SCHOOL_TELEGRAM_TOKEN


async def through(db: Database, guardian_id: int, messenger: Messenger, bot: str | None) -> None:
    """The guardian's chat in `messenger` was linked through the bot `bot`."""
    async with await db.writing_session() as session:
        guardian = await session.get(Guardian, guardian_id)
        assert guardian is not None
        setattr(guardian, BOT_FIELDS[messenger], bot)
        session.add(guardian)
        await session.commit()


async def addresses(db: Database, guardian_id: int) -> list[tuple[str, str, str]]:
    """(channel, address, status) of the guardian's deliveries, oldest first."""
    async with db.session() as session:
        query = (
            select(Delivery.channel, Delivery.address, Delivery.status)
            .where(Delivery.guardian_id == guardian_id)
            .order_by(col(Delivery.id))
        )
        return [tuple(row) for row in (await session.exec(query)).all()]


async def test_each_family_hears_through_the_bot_it_started(
    db: Database, redis_url: str, tmp_path: Path
) -> None:
    w = await build_world(db)
    await set_policy(db, w.school_id, **QUICK_POLICY, messengers=["telegram", "max"])
    async with run_system(
        db, redis_url, tmp_path / "system", school_bots_for=[w.school_id]
    ) as system:
        school_telegram = system.telegram.school_bots[SCHOOL_TELEGRAM_TOKEN].emulator
        school_max = system.max.school_bots[SCHOOL_MAX_TOKEN]
        # Petya's mother started the school's Telegram bot; Vanya's father started the
        # deployment's before the school had its own; Lena's mother the school's MAX bot.
        mother = await give_contacts(db, w.guardians["sokolova"], telegram=True)
        await through(db, w.guardians["sokolova"], Messenger.telegram, SCHOOL_BOT_KEY)
        father = await give_contacts(db, w.guardians["novikov"], telegram=True)
        lena_mother = await give_contacts(db, w.guardians["morozova"], max_=True)
        await through(db, w.guardians["morozova"], Messenger.max, SCHOOL_BOT_KEY)
        assert mother.chat_id and father.chat_id and lena_mother.max_user_id
        await school_max.control.inject_start(user_id=lena_mother.max_user_id)

        await post_lesson_mark(system.db, w, "petya", 5)
        await post_lesson_mark(system.db, w, "vanya", 4)
        lesson_10a = await add_lesson(db, w, "10А", slot=3)
        await post_mark(
            UnitOfWork(db),
            actor=w.actor("math"),
            lesson_id=lesson_10a,
            student_id=w.students["lena"],
            value=3,
            work_type="oral",
        )

        (to_mother,) = await school_telegram.wait_sent(mother.chat_id, 1, 15.0)
        (to_father,) = await system.wait_telegram(father.chat_id, 1)
        to_lena_mother = await school_max.control.wait_sent(
            1, user_id=lena_mother.max_user_id, within=15.0
        )
        await asyncio.sleep(LINGER)

        assert "Пётр" in plain(to_mother.text) and "Отметка 5" in plain(to_mother.text)
        assert "Иван" in plain(to_father.text) and "Отметка 4" in plain(to_father.text)
        assert "Елена" in plain(to_lena_mother[0]["text"])
        # Nobody heard through a bot they did not start.
        assert system.telegram_to(mother.chat_id) == []
        assert school_telegram.sent_to(father.chat_id) == []
        assert await system.max_to(lena_mother.max_user_id) == []
        assert await addresses(db, w.guardians["sokolova"]) == [
            ("telegram", f"{SCHOOL_BOT_KEY}:{mother.chat_id}", "sent")
        ]
        assert await addresses(db, w.guardians["novikov"]) == [
            ("telegram", str(father.chat_id), "sent")
        ]


async def test_a_chat_whose_bot_left_the_file_falls_back_to_email(
    db: Database, redis_url: str, tmp_path: Path
) -> None:
    w = await build_world(db)
    await set_policy(db, w.school_id, **QUICK_POLICY)
    async with run_system(
        db, redis_url, tmp_path / "system", school_bots_for=[w.school_id]
    ) as system:
        mother = await give_contacts(db, w.guardians["sokolova"], telegram=True, email=True)
        await through(db, w.guardians["sokolova"], Messenger.telegram, "closed-school")
        assert mother.chat_id and mother.email

        await post_lesson_mark(system.db, w, "petya", 5)
        (email,) = await system.wait_emails(mother.email, 1)
        await asyncio.sleep(LINGER)

        assert "Пётр" in str(email["Subject"])
        assert system.telegram_to(mother.chat_id) == []
        statuses = await addresses(db, w.guardians["sokolova"])
        assert statuses == [
            ("telegram", f"closed-school:{mother.chat_id}", "failed"),
            ("email", mother.email, "sent"),
        ]
