"""Staff reminders at chosen clock times: plan, route, compose and render, as the
worker's planner and jobs do, on the builders' school."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from core.db import Database
from core.delivery.staff_compose import StaffComposition, compose_staff_message
from core.delivery.staff_lifecycle import (
    claim_staff_message,
    route_staff_message,
    settle_staff_message,
)
from core.delivery.staff_plan import plan_staff_messages
from core.models import School, Staff, StaffMessage, StaffReminder
from notifier.staff_render import render_staff
from tests.builders import BELLS, TODAY, World, update_row
from tests.e2e.families import set_policy

MSK = ZoneInfo("Europe/Moscow")
MINUTE = dt.timedelta(seconds=60)
# The bells with their ends: 7Б's last lesson on TODAY (robotics, slot 7) ends at 14:45,
# so its homework is due at 16:15 and reminded at 15:45; 1А's (slot 1) at 10:45 and 10:15.
BELLS_WITH_ENDS = [
    {
        **bell,
        "end": (
            dt.datetime.combine(TODAY, dt.time.fromisoformat(bell["start"]))
            + dt.timedelta(minutes=45)
        ).strftime("%H:%M"),
    }
    for bell in BELLS
]


def msk(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=MSK)


async def with_bells(db: Database, w: World, **policy: object) -> None:
    """The bells' ends, no quiet hours unless a test sets them, and a linked Telegram
    chat for the teachers and the deputy."""
    await update_row(db, School, w.school_id, bells=BELLS_WITH_ENDS)
    quiet = {"quiet_hours_start": "00:00", "quiet_hours_end": "00:00"}
    await set_policy(db, w.school_id, **(quiet | policy))
    for who in ("math", "russian", "english", "robotics", "deputy"):
        await update_row(db, Staff, w.staff[who], telegram_chat_id=7_000_000 + w.staff[who])


async def plan(db: Database, when: dt.datetime) -> int:
    return await plan_staff_messages(db, now=when.astimezone(dt.UTC), horizon=MINUTE)


async def messages(
    db: Database, w: World, who: str, *, kind: str = "reminders"
) -> list[StaffMessage]:
    async with db.session() as session:
        query = (
            select(StaffMessage)
            .where(StaffMessage.staff_id == w.staff[who], StaffMessage.kind == kind)
            .order_by(col(StaffMessage.id))
        )
        return list((await session.exec(query)).all())


async def items(db: Database, message_id: int) -> list[tuple[str, str]]:
    async with db.session() as session:
        query = (
            select(StaffReminder.item, StaffReminder.stage)
            .where(StaffReminder.message_id == message_id)
            .order_by(col(StaffReminder.item), col(StaffReminder.stage))
        )
        return [(i, s) for i, s in (await session.exec(query)).all()]


async def text_of(db: Database, message_id: int, when: dt.datetime) -> str | None:
    """The message as the teacher's Telegram chat would show it now, or None."""
    composition = await compose(db, message_id, when)
    if composition is None:
        return None
    return render_staff(composition, "telegram", today=when.astimezone(MSK).date()).text


async def compose(db: Database, message_id: int, when: dt.datetime) -> StaffComposition | None:
    return await compose_staff_message(db, message_id=message_id, now=when.astimezone(dt.UTC))


async def send(db: Database, message_id: int, when: dt.datetime) -> str:
    """Route, claim and settle as sent, as the worker's jobs do; the status reached."""
    from core.uow import UnitOfWork

    clock = when.astimezone(dt.UTC)
    await route_staff_message(UnitOfWork(db, clock=lambda: clock), message_id=message_id)
    claimed = await claim_staff_message(UnitOfWork(db, clock=lambda: clock), message_id=message_id)
    if claimed is not None:
        await settle_staff_message(
            UnitOfWork(db, clock=lambda: clock), message_id=message_id, outcome="sent"
        )
    async with db.session() as session:
        row = await session.get(StaffMessage, message_id)
        assert row is not None
        return row.status
