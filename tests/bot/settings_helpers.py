"""Linking a guardian's or a teacher's chat in the messenger a bot test runs on.

The set-up data of tests/builders.py, changed in place (not through the bot or the
invite services): the chat's column is the messenger's (`core.messengers.CHAT_FIELDS`).
"""

from __future__ import annotations

from typing import Any

from core.db import Database
from core.messengers import CHAT_FIELDS
from core.models import Guardian, Messenger, School, Staff
from tests.builders import World, update_row


def other(messenger: Messenger) -> Messenger:
    """The other messenger (Telegram for MAX, MAX for Telegram)."""
    [found] = [m for m in Messenger if m is not messenger]
    return found


async def link_guardian(
    db: Database, world: World, guardian: str, messenger: Messenger, user_id: int
) -> None:
    """The guardian's chat in `messenger` is `user_id`."""
    field = CHAT_FIELDS[messenger]
    await update_row(db, Guardian, world.guardians[guardian], **{field: user_id})


async def link_teacher(
    db: Database, world: World, staff: str, messenger: Messenger, user_id: int
) -> None:
    """The staff member's chat in `messenger` is `user_id`."""
    field = CHAT_FIELDS[messenger]
    await update_row(db, Staff, world.staff[staff], **{field: user_id})


async def change_policy(db: Database, school_id: int, **changes: Any) -> None:
    """The school's policy with `changes`, the rest (the messengers it offers) kept."""
    async with db.session() as session:
        school = await session.get(School, school_id)
        assert school is not None
        policy = dict(school.policy)
    await update_row(db, School, school_id, policy=policy | changes)
