"""Whether a chat's guardian owes an answer to a new consent text (the bot asks on
every message, so this only reads: a `ReadingUnit` never takes SQLite's write lock)."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import Guardian
from core.services.consent_versions import reconsent_due_in
from core.uow import UnitOfWork


@dataclass(frozen=True)
class ReconsentAsk:
    """A guardian of a chat asked to consent again, and the text to show them."""

    guardian_id: int
    text_id: int
    version: int
    texts: dict[str, str]


async def reconsent_for(uow: UnitOfWork, *, guardian_ids: list[int]) -> ReconsentAsk | None:
    """The first of these guardians (one chat's rows) asked to consent again; None when
    none is. Only reads: the bot asks on every message, with a `ReadingUnit`."""
    async with uow:
        for guardian_id in sorted(guardian_ids):
            guardian = await uow.session.get(Guardian, guardian_id)
            text = None if guardian is None else await reconsent_due_in(uow, guardian=guardian)
            if text is not None:
                return ReconsentAsk(guardian_id, text.id or 0, text.version, dict(text.texts))
        return None
