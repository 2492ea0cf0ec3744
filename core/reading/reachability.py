"""Can a guardian be reached at all, and if not, why: what a class teacher must see.

The same rules the delivery pipeline applies (core/delivery/routing.py): consent first
(seed 003 §4.8), then the guardian's mode for the kind of message, then their channels
in their order, skipping addresses found dead (a blocked bot, a rejected mailbox) and
the messengers the school does not offer. Loaded for many guardians of one school at
once: two queries, whatever the class size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.delivery.reasons import Reason
from core.delivery.routing import (
    address_of,
    channel_order,
    closed_channels,
    live_channels,
    mode_for,
)
from core.messengers import chats_of
from core.models import ChannelName, ContactStatus, Guardian, GuardianSettings, Mode, Topic
from core.policy import SchoolPolicy


class Unreachable(StrEnum):
    """Why no message can reach a guardian."""

    no_consent = "no_consent"  # never consented: no code redeemed, no paper form
    consent_withdrawn = "consent_withdrawn"
    # Chose "never" for this kind of message, or switched it off for email (an email's
    # unsubscribe link) when email is their only way.
    switched_off = "switched_off"
    no_contact = "no_contact"  # no chat, email or phone on their channels
    contacts_dead = "contacts_dead"  # every address they have failed for good
    # Reachable now, but not when the message was sent out (subscribed since).
    then = "unreachable_then"


@dataclass(frozen=True)
class DeadContact:
    channel: str
    reason: Reason  # why it failed for good: `reason.text(language)`


@dataclass(frozen=True)
class Reach:
    """A guardian's way to be told, as of now."""

    channels: tuple[str, ...]  # live channels, in the guardian's order
    dead: tuple[DeadContact, ...]  # their addresses found dead, on the channels they use
    unreachable: Unreachable | None  # None: a message would go out
    # In the bot: consent and a live chat in a messenger the school offers.
    subscribed: bool


@dataclass(frozen=True)
class Contacts:
    """Settings and dead addresses of a set of guardians of one school, loaded together,
    with the messengers the school does not offer."""

    settings: dict[int, GuardianSettings]
    dead: dict[int, dict[tuple[str, str], Reason]]  # guardian → (channel, address) → why
    closed: frozenset[ChannelName] = frozenset()

    def reach(self, guardian: Guardian, topic: Topic = Topic.announcements) -> Reach:
        return reach_of(
            guardian,
            self.settings.get(guardian.id or 0),
            self.dead.get(guardian.id or 0, {}),
            topic,
            closed=self.closed,
        )


async def load_contacts(
    session: AsyncSession, guardian_ids: Iterable[int], *, policy: SchoolPolicy
) -> Contacts:
    """Two queries for any number of guardians of the school whose `policy` is given."""
    ids = sorted(set(guardian_ids))
    closed = closed_channels(policy)
    if not ids:
        return Contacts({}, {}, closed)
    settings_rows = await session.exec(
        select(GuardianSettings).where(col(GuardianSettings.guardian_id).in_(ids))
    )
    dead_rows = await session.exec(
        select(ContactStatus).where(col(ContactStatus.guardian_id).in_(ids))
    )
    dead: dict[int, dict[tuple[str, str], Reason]] = defaultdict(dict)
    for row in dead_rows.all():
        dead[row.guardian_id][(row.channel, row.address)] = Reason(
            row.reason, row.reason_params or {}
        )
    return Contacts({s.guardian_id: s for s in settings_rows.all()}, dict(dead), closed)


def reach_of(
    guardian: Guardian,
    settings: GuardianSettings | None,
    dead: dict[tuple[str, str], Reason],
    topic: Topic = Topic.announcements,
    *,
    closed: frozenset[ChannelName] = frozenset(),
) -> Reach:
    """Whether a message of `topic` would reach `guardian` now, and if not, why; the
    messengers in `closed` are not offered by their school."""
    live = live_channels(guardian, settings, set(dead), (topic.value,), closed=closed)
    muted = not live and bool(live_channels(guardian, settings, set(dead), closed=closed))
    found_dead = []
    for channel in channel_order(settings):
        address = address_of(guardian, channel)
        if channel not in closed and address is not None and (channel.value, address) in dead:
            found_dead.append(DeadContact(channel.value, dead[(channel.value, address)]))
    subscribed = guardian.has_consent and any(
        chat.channel not in closed and (chat.channel.value, chat.address) not in dead
        for chat in chats_of(guardian)
    )
    return Reach(
        channels=tuple(channel.value for channel, _ in live),
        dead=tuple(found_dead),
        unreachable=_why_not(guardian, settings, topic, bool(live), bool(found_dead), muted),
        subscribed=subscribed,
    )


def _why_not(
    guardian: Guardian,
    settings: GuardianSettings | None,
    topic: Topic,
    live: bool,
    any_dead: bool,
    email_muted: bool,
) -> Unreachable | None:
    if not guardian.has_consent:
        if guardian.consent_withdrawn_at is not None:
            return Unreachable.consent_withdrawn
        return Unreachable.no_consent
    if mode_for(settings, topic) is Mode.off or email_muted:
        return Unreachable.switched_off
    if not live:
        return Unreachable.contacts_dead if any_dead else Unreachable.no_contact
    return None
