"""Whether a chat's guardian owes an answer to a new consent text (the bot asks on
every message, so this only reads: a `ReadingUnit` never takes SQLite's write lock)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from core.models import ConsentRecord, ConsentText, Guardian
from core.uow import UnitOfWork


async def given_version(uow: UnitOfWork, guardian: Guardian) -> int:
    """The version of the guardian's last «given»: 1 for consent given before versions
    were kept (a paper form entered earlier)."""
    query = (
        select(ConsentRecord.version)
        .where(ConsentRecord.guardian_id == guardian.id, ConsentRecord.decision == "given")
        .order_by(col(ConsentRecord.at).desc(), col(ConsentRecord.id).desc())
    )
    return (await uow.session.exec(query.limit(1))).first() or 1


async def _latest(uow: UnitOfWork, school_id: int) -> ConsentText | None:
    query = (
        select(ConsentText)
        .where(ConsentText.school_id == school_id)
        .order_by(col(ConsentText.version).desc())
    )
    return (await uow.session.exec(query.limit(1))).first()


async def reconsent_due_in(uow: UnitOfWork, *, guardian: Guardian) -> ConsentText | None:
    """The text to ask a consenting guardian to accept again, or None: a version newer
    than the one they accepted requires re-consent (the newest is asked for). Reads only."""
    if not guardian.has_consent:
        return None
    version = await given_version(uow, guardian)
    query = select(ConsentText.id).where(
        ConsentText.school_id == guardian.school_id,
        ConsentText.version > version,
        col(ConsentText.requires_reconsent).is_(True),
    )
    if (await uow.session.exec(query.limit(1))).first() is None:
        return None
    return await _latest(uow, guardian.school_id)


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
