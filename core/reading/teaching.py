"""What a teacher linked to the bot may give homework on: their journal pages."""

from __future__ import annotations

from collections.abc import Iterable

from core.fallback.roster import assignments_of
from core.fallback.snapshot import Assignment
from core.uow import UnitOfWork


async def teaching_pages(uow: UnitOfWork, *, staff_ids: Iterable[int]) -> tuple[Assignment, ...]:
    """The teaching assignments of these staff members (a chat's linked, unlocked
    ones), ordered by class, group and subject; pass a reading unit of work."""
    async with uow:
        return await assignments_of(uow.session, staff_ids)
