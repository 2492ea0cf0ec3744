"""One-click unsubscribe from family emails (RFC 8058): the command.

A POST to an email's signed link (`core.reading.unsubscription`) switches its topics
off for email for that guardian, no sign-in needed; their other channels (Telegram,
SMS) still carry them, and choosing a topic's mode again in the bot brings email
back (core.services.guardian_settings.set_mode).
"""

from __future__ import annotations

from collections.abc import Sequence

from core.models import Guardian, GuardianSettings
from core.reading.preferences import settings_of
from core.reading.unsubscription import (
    UnsubscribeLink,
    Unsubscription,
    linked_guardian,
    unsubscription_of,
)
from core.uow import UnitOfWork, snapshot, transactional


async def _switch_off_email(uow: UnitOfWork, guardian: Guardian, topics: Sequence[str]) -> set[str]:
    """`topics` no longer come to the guardian by email; the topics now off.

    Audited as the guardian's own change (they clicked)."""
    settings = await settings_of(uow, guardian)
    old = snapshot(settings) if settings is not None else None
    if settings is None:
        settings = GuardianSettings(school_id=guardian.school_id, guardian_id=guardian.id or 0)
    off = set(settings.email_off or ()) | set(topics)
    settings.email_off = sorted(off)  # a new list: the JSON column is saved on assignment
    await uow.save(
        settings,
        action="create" if old is None else "update",
        actor_id=guardian.id,
        actor_kind="guardian",
        old=old,
    )
    return off


async def unsubscribe_in(uow: UnitOfWork, *, secret: str, link: UnsubscribeLink) -> Unsubscription:
    """The one-click POST: switch the link's topics off for email. Safe to repeat.

    NotFound(what="link") for a forged, altered or outdated link."""
    guardian = await linked_guardian(uow, secret, link)
    off = await _switch_off_email(uow, guardian, link.topics)
    return unsubscription_of(guardian, link, off)


unsubscribe = transactional(unsubscribe_in)
