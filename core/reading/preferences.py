"""A guardian's delivery settings as the bot shows them: each kind of message's mode,
the channels in order with their addresses, quiet hours, digest time, language, and a
contact change waiting for its code.

A guardian without a `GuardianSettings` row gets the school's defaults
(`core.delivery.routing`). One person may be several guardian rows (one per school,
one chat): the bot passes every row of the chat as `actors`, and the first one's
settings are shown. The messengers the school does not offer are not shown. The changes are `core.services.guardian_settings`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select

from core.actors import GuardianActor
from core.delivery.routing import (
    DEFAULT_CHANNELS,
    address_of,
    channel_order,
    closed_channels,
    digest_time,
    mode_for,
    quiet_window,
)
from core.errors import Forbidden
from core.models import (
    ChannelName,
    ContactChange,
    ContactStatus,
    Guardian,
    GuardianSettings,
    Mode,
    School,
    Topic,
)
from core.policy import policy_of
from core.uow import UnitOfWork

Acting = GuardianActor | Sequence[GuardianActor]


@dataclass(frozen=True)
class ContactPoint:
    """A channel in the guardian's order, with the address it would use."""

    channel: ChannelName
    address: str | None
    dead: bool = False  # delivery found the address unusable (bot blocked, mailbox gone)


@dataclass(frozen=True)
class PendingContact:
    channel: str  # email | sms
    address: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class Preferences:
    """What delivery will do for this guardian: their choices over the school's defaults."""

    guardian_id: int
    modes: dict[Topic, Mode]
    channels: tuple[ContactPoint, ...]
    quiet: tuple[dt.time, dt.time] | None  # None: no quiet hours
    quiet_is_school_default: bool
    digest_time: dt.time
    digest_is_school_default: bool
    language: str
    pending: PendingContact | None


def as_actors(actor: Acting) -> list[GuardianActor]:
    actors = [actor] if isinstance(actor, GuardianActor) else list(actor)
    if not actors:
        raise Forbidden("guardian_unknown")
    return actors


async def load_guardians(uow: UnitOfWork, actor: Acting) -> list[Guardian]:
    """The acting guardians' rows, refusing any that is unknown or of another school."""
    guardians = []
    for one in as_actors(actor):
        guardian = await uow.session.get(Guardian, one.guardian_id)
        if guardian is None or guardian.school_id != one.school_id:
            raise Forbidden("guardian_unknown")
        guardians.append(guardian)
    return guardians


async def settings_of(uow: UnitOfWork, guardian: Guardian) -> GuardianSettings | None:
    query = select(GuardianSettings).where(GuardianSettings.guardian_id == guardian.id)
    return (await uow.session.exec(query)).first()


async def _school(uow: UnitOfWork, school_id: int) -> School:
    school = await uow.session.get(School, school_id)
    assert school is not None
    return school


def full_order(
    settings: GuardianSettings | None, closed: frozenset[ChannelName] = frozenset()
) -> list[ChannelName]:
    """The guardian's order, then any channel it leaves out, in the default order;
    without the messengers their school does not offer (`closed`)."""
    order = channel_order(settings)
    whole = order + [c for c in DEFAULT_CHANNELS if c not in order]
    return [c for c in whole if c not in closed]


async def closed_for(uow: UnitOfWork, guardian: Guardian) -> frozenset[ChannelName]:
    """The messengers the guardian's school does not offer."""
    return closed_channels(policy_of(await _school(uow, guardian.school_id)))


async def read_preferences(uow: UnitOfWork, *, actor: Acting) -> Preferences:
    """The first acting guardian's effective settings (the bot shows one screen)."""
    async with uow:
        return await preferences_of(uow, (await load_guardians(uow, actor))[0])


async def preferences_of(uow: UnitOfWork, guardian: Guardian) -> Preferences:
    settings = await settings_of(uow, guardian)
    policy = policy_of(await _school(uow, guardian.school_id))
    dead_query = select(ContactStatus).where(ContactStatus.guardian_id == guardian.id)
    dead = {(d.channel, d.address) for d in (await uow.session.exec(dead_query)).all()}
    points = []
    for channel in full_order(settings, closed_channels(policy)):
        address = address_of(guardian, channel)
        points.append(ContactPoint(channel, address, (channel.value, address or "") in dead))
    start, end = quiet_window(settings, policy)
    return Preferences(
        guardian_id=guardian.id or 0,
        modes={topic: mode_for(settings, topic) for topic in Topic},
        channels=tuple(points),
        quiet=None if start == end else (start, end),
        quiet_is_school_default=settings is None or settings.quiet_start is None,
        digest_time=digest_time(settings, policy),
        digest_is_school_default=settings is None or settings.digest_time is None,
        language=guardian.language,
        pending=await _pending(uow, guardian, uow.now()),
    )


async def _pending(uow: UnitOfWork, guardian: Guardian, now: dt.datetime) -> PendingContact | None:
    query = (
        select(ContactChange)
        .where(
            ContactChange.guardian_id == guardian.id,
            col(ContactChange.confirmed_at).is_(None),
            col(ContactChange.cancelled_at).is_(None),
            col(ContactChange.expires_at) > now,
        )
        .order_by(col(ContactChange.id).desc())
    )
    change = (await uow.session.exec(query.limit(1))).first()
    if change is None:
        return None
    return PendingContact(change.channel, change.address, change.expires_at)
