"""What a breach report would do, before it is confirmed: whose account it locks and how
many of its journal entries it voids (`core.services.staff.report_breach` does it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from core.actors import StaffActor
from core.breach_rules import BreachEntry, EntryCounts, check_breach_report, entries_since
from core.models import Attendance, Homework, Mark, Remark, Staff
from core.uow import UnitOfWork


@dataclass(frozen=True)
class BreachPreview:
    """A breach report as the page asks to confirm it; nothing has changed yet."""

    staff_id: int
    staff_name: str  # «Иванова М.П.»
    already_locked: bool
    since: dt.datetime
    entries: EntryCounts  # what the lock would void


async def preview_breach(
    uow: UnitOfWork,
    *,
    actor: StaffActor,
    staff_id: int,
    reported_at: dt.datetime,
    lookback: dt.timedelta,
) -> BreachPreview:
    """The report's effect, refused exactly as the report itself would be (reads only)."""
    async with uow:
        case = await check_breach_report(
            uow, actor=actor, staff_id=staff_id, since=reported_at, lookback=lookback
        )
        target = case.target
        return BreachPreview(
            staff_id=target.id or 0,
            staff_name=target.short_name,
            already_locked=target.locked_at is not None,
            since=reported_at,
            entries=EntryCounts(
                marks=await _count(uow, Mark, target, reported_at),
                attendance=await _count(uow, Attendance, target, reported_at),
                homework=await _count(uow, Homework, target, reported_at),
                remarks=await _count(uow, Remark, target, reported_at),
            ),
        )


async def _count(
    uow: UnitOfWork, model: type[BreachEntry], author: Staff, since: dt.datetime
) -> int:
    query = select(func.count()).select_from(model).where(*entries_since(model, author, since))
    return int((await uow.session.exec(query)).one())
