"""One-click unsubscribe from family emails (RFC 8058).

Every family email carries `List-Unsubscribe` with a link of the web app signed with
the secret key: the guardian it was sent to, the kinds of message (topics) it
carried, and an HMAC over both and the address. A POST to the link switches those
topics off for email for that guardian, no sign-in needed; their other channels
(Telegram, SMS) still carry them, and choosing a topic's mode again in the bot
brings email back (core.services.guardian_settings.set_mode). The link stops working
when the guardian's address changes: it was that mailbox's.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import select

from core.errors import NotFound
from core.models import Guardian, GuardianSettings, Topic
from core.uow import UnitOfWork, snapshot

PATH_PREFIX = "/unsubscribe"


@dataclass(frozen=True)
class UnsubscribeLink:
    """The signed parts of an unsubscribe link: /unsubscribe/<guardian>/<topics>/<token>."""

    guardian_id: int
    topics: tuple[str, ...]
    token: str

    @property
    def path(self) -> str:
        return f"{PATH_PREFIX}/{self.guardian_id}/{','.join(self.topics)}/{self.token}"


def _signature(secret: str, guardian_id: int, topics: Sequence[str], email: str) -> str:
    message = f"zvonok-unsubscribe:{guardian_id}:{','.join(topics)}:{email.lower()}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()[:32]


def unsubscribe_link(
    secret: str, *, guardian_id: int, topics: Sequence[str], email: str
) -> UnsubscribeLink:
    """The link of an email to `email` carrying `topics` (Topic values)."""
    chosen = tuple(sorted(set(topics)))
    return UnsubscribeLink(guardian_id, chosen, _signature(secret, guardian_id, chosen, email))


def parse_topics(text: str) -> tuple[str, ...]:
    """A link's topics, refusing anything else as a link that does not exist."""
    topics = tuple(text.split(","))
    if (
        not topics
        or any(t not in Topic.__members__ for t in topics)
        or list(topics) != sorted(set(topics))
    ):
        raise NotFound(what="link")
    return topics


@dataclass(frozen=True)
class Unsubscription:
    """What a link switches off, for whom, and whether it is off already."""

    guardian_id: int
    email: str
    language: str
    topics: tuple[str, ...]
    off: bool  # every topic of the link is switched off for email now


async def _checked(uow: UnitOfWork, secret: str, link: UnsubscribeLink) -> Guardian:
    """The link's guardian when the signature holds for their current address."""
    parse_topics(",".join(link.topics))
    guardian = await uow.session.get(Guardian, link.guardian_id)
    if guardian is None or not guardian.email:
        raise NotFound(what="link")
    expected = _signature(secret, link.guardian_id, link.topics, guardian.email)
    if not hmac.compare_digest(expected, link.token):
        raise NotFound(what="link")
    return guardian


async def _settings(uow: UnitOfWork, guardian: Guardian) -> GuardianSettings | None:
    query = select(GuardianSettings).where(GuardianSettings.guardian_id == guardian.id)
    return (await uow.session.exec(query)).first()


def _state(guardian: Guardian, link: UnsubscribeLink, off: set[str]) -> Unsubscription:
    return Unsubscription(
        guardian_id=guardian.id or 0,
        email=guardian.email or "",
        language=guardian.language,
        topics=link.topics,
        off=set(link.topics) <= off,
    )


async def read_unsubscription(
    uow: UnitOfWork, *, secret: str, link: UnsubscribeLink
) -> Unsubscription:
    """What the link would switch off (the page a click in the email opens).

    NotFound(what="link") for a forged, altered or outdated link: nothing says whether
    the guardian exists."""
    async with uow:
        guardian = await _checked(uow, secret, link)
        settings = await _settings(uow, guardian)
        return _state(guardian, link, set(settings.email_off if settings else ()))


async def switch_off_email(
    uow: UnitOfWork, *, guardian: Guardian, topics: Sequence[str]
) -> set[str]:
    """Inside an open unit of work: `topics` no longer come to the guardian by email.

    Audited as the guardian's own change (they clicked); returns the topics now off."""
    settings = await _settings(uow, guardian)
    old = snapshot(settings) if settings is not None else None
    if settings is None:
        settings = GuardianSettings(school_id=guardian.school_id, guardian_id=guardian.id or 0)
    off = set(settings.email_off or ()) | set(topics)
    settings.email_off = sorted(off)  # a new list: the JSON column is saved on assignment
    uow.session.add(settings)
    await uow.session.flush()
    uow.audit(
        settings,
        school_id=guardian.school_id,
        action="create" if old is None else "update",
        actor_id=guardian.id,
        actor_kind="guardian",
        old=old,
    )
    return off


async def unsubscribe(uow: UnitOfWork, *, secret: str, link: UnsubscribeLink) -> Unsubscription:
    """The one-click POST: switch the link's topics off for email. Safe to repeat."""
    async with uow:
        guardian = await _checked(uow, secret, link)
        off = await switch_off_email(uow, guardian=guardian, topics=link.topics)
        state = _state(guardian, link, off)
        await uow.commit()
        return state
