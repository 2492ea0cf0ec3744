"""An email's one-click unsubscribe link (RFC 8058), and what it would switch off.

Every family email carries `List-Unsubscribe` with a link of the web app signed with
the secret key: the guardian it was sent to, the kinds of message (topics) it
carried, and an HMAC over both and the address. The link stops working when the
guardian's address changes: it was that mailbox's. Switching off is the command
`core.services.unsubscribe`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import NotFound
from core.models import Guardian, Topic
from core.reading.preferences import settings_of
from core.uow import UnitOfWork

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


async def linked_guardian(uow: UnitOfWork, secret: str, link: UnsubscribeLink) -> Guardian:
    """The link's guardian when the signature holds for their current address.

    NotFound(what="link") for a forged, altered or outdated link: nothing says whether
    the guardian exists."""
    parse_topics(",".join(link.topics))
    guardian = await uow.session.get(Guardian, link.guardian_id)
    if guardian is None or not guardian.email:
        raise NotFound(what="link")
    expected = _signature(secret, link.guardian_id, link.topics, guardian.email)
    if not hmac.compare_digest(expected, link.token):
        raise NotFound(what="link")
    return guardian


def unsubscription_of(guardian: Guardian, link: UnsubscribeLink, off: set[str]) -> Unsubscription:
    """The link's state for the guardian, with `off` the topics switched off for email."""
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
    """What the link would switch off (the page a click in the email opens)."""
    async with uow:
        guardian = await linked_guardian(uow, secret, link)
        settings = await settings_of(uow, guardian)
        return unsubscription_of(guardian, link, set(settings.email_off if settings else ()))
