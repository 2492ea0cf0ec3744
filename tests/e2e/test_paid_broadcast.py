"""Telegram's paid broadcasting for an urgent announcement, within the month's Stars:
the running system against the emulator, which counts paid messages against their own
limit (1,000 a second) and their price (0.1 Star each)."""

from __future__ import annotations

import asyncio
import collections
from pathlib import Path

from core.db import Database
from core.services.marks import post_mark
from core.uow import UnitOfWork
from notifier.ratelimit import Rate
from notifier.standins.telegram_rules import FloodLimits
from tests.builders import build_world
from tests.e2e.families import QUICK_POLICY, give_contacts, set_policy
from tests.e2e.scenarios import LINGER
from tests.e2e.system import run_system, wait_until
from tests.e2e.test_delivery_broadcast import add_families, announce_to_the_school

FAMILIES = 30
FREE_RATE = 5  # the bot's free messages a second, in the emulator and the workers
STARS = 2  # a month: 20 paid messages


async def test_urgent_messages_go_paid_until_the_months_stars_are_spent(
    db: Database, redis_url: str, tmp_path: Path
) -> None:
    w = await build_world(db)
    await set_policy(db, w.school_id, **QUICK_POLICY)
    for guardian_id in w.guardians.values():  # only the broadcast's families have a chat
        await give_contacts(db, guardian_id)
    env = {
        "ZVONOK_TELEGRAM_PAID_STARS_A_MONTH": str(STARS),
        "ZVONOK_TELEGRAM_BOT_RATE": str(FREE_RATE),
    }
    limits = FloodLimits(per_bot=Rate(FREE_RATE, 1.0))
    async with run_system(db, redis_url, tmp_path / "system", env=env, limits=limits) as system:
        chats = [int(a) for a in await add_families(db, w, FAMILIES, "telegram")]
        emulator = system.telegram.emulator

        await announce_to_the_school(db, w)
        reached = set(chats)
        await wait_until(
            lambda: reached <= {m.chat_id for m in emulator.sent},
            within=30,
            what="every family reached",
        )
        await asyncio.sleep(LINGER)

        per_chat = collections.Counter(m.chat_id for m in emulator.sent)
        assert {chat: per_chat[chat] for chat in chats} == dict.fromkeys(chats, 1)
        paid = [m for m in emulator.sent if m.paid]
        assert len(paid) == STARS * 10 and emulator.stars_spent == STARS
        assert emulator.stats["sendMessage"].get("429", 0) == 0
        assert await system.metric("zvonok_paid_broadcast_messages_total") == STARS * 10
        assert await system.metric("zvonok_paid_broadcast_budget_refused_total") >= (
            FAMILIES - STARS * 10
        )

        # A mark is not urgent: it never goes paid, even with Stars left next month.
        mother = await give_contacts(db, w.guardians["sokolova"], telegram=True)
        assert mother.chat_id
        await post_mark(
            UnitOfWork(db),
            actor=w.actor("math"),
            lesson_id=w.lessons["math7"],
            student_id=w.students["petya"],
            value=5,
            work_type="oral",
        )
        (to_mother,) = await system.wait_telegram(mother.chat_id, 1)
        assert not to_mother.paid
