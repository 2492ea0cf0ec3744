"""A guardian's own delivery choices: per kind of message, channels, quiet hours, digest
time and language.

A guardian without a `GuardianSettings` row gets the school's defaults
(`core.delivery.routing`); the row is created on the first change. One person may
be several guardian rows (one per school, one chat): the bot passes every row of the
chat as `actors`, and a change applies to all of them in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from core.contacts import check_language
from core.delivery.routing import (
    DEFAULT_CHANNELS,
    address_of,
)
from core.errors import RuleViolation
from core.models import (
    ChannelName,
    Guardian,
    GuardianSettings,
    Mode,
    Topic,
)
from core.reading.preferences import (
    Acting,
    Preferences,
    closed_for,
    full_order,
    load_guardians,
    preferences_of,
    settings_of,
)
from core.uow import UnitOfWork, snapshot, transactional

# No quiet hours at all: an empty window (start == end), which `routing.is_quiet`
# never finds quiet. A missing value (None) means the school's window instead.
NO_QUIET = dt.time(0, 0)

_CLOCK = re.compile(r"(\d{1,2})(?:[:.\s]?(\d{2}))?")
_RANGE = re.compile(r"\s*(\S+?)\s*(?:-|–|—|до|to)\s*(\S+)\s*")
_NONE_WORDS = frozenset({"нет", "none", "no", "off", "выкл", "без", "-"})


async def _change_settings(uow: UnitOfWork, guardian: Guardian, **values: object) -> None:
    """Set `values` on the guardian's row (created on the first change), audited."""
    row = await settings_of(uow, guardian)
    old = snapshot(row) if row is not None else None
    if row is None:
        row = GuardianSettings(school_id=guardian.school_id, guardian_id=guardian.id or 0)
    for name, value in values.items():
        setattr(row, name, value)
    await uow.save(
        row,
        school_id=guardian.school_id,
        action="create" if old is None else "update",
        actor_id=guardian.id,
        actor_kind="guardian",
        old=old,
    )


async def _change_all(uow: UnitOfWork, actor: Acting, **values: object) -> Preferences:
    """The same change on every acting guardian's row; the first one's settings after it."""
    guardians = await load_guardians(uow, actor)
    for guardian in guardians:
        await _change_settings(uow, guardian, **values)
    return await preferences_of(uow, guardians[0])


def check_topic(topic: str) -> Topic:
    if topic not in Topic.__members__:
        raise RuleViolation("bad_topic", value=topic, allowed=list(Topic))
    return Topic(topic)


def check_mode(mode: str) -> Mode:
    if mode not in Mode.__members__:
        raise RuleViolation("bad_mode", value=mode, allowed=list(Mode))
    return Mode(mode)


async def set_mode_in(uow: UnitOfWork, *, actor: Acting, topic: str, mode: str) -> Preferences:
    """How one kind of message reaches the guardian: instant, daily, weekly or off."""
    chosen_topic, chosen_mode = check_topic(topic), check_mode(mode)
    guardians = await load_guardians(uow, actor)
    for guardian in guardians:
        current = await settings_of(uow, guardian)
        # A new dict: the JSON column is saved when the attribute is reassigned.
        modes = dict(current.modes) if current is not None else {}
        modes[chosen_topic.value] = chosen_mode.value
        # Choosing how a kind of message comes brings back email too, if an email's
        # unsubscribe link had switched it off there (core.services.unsubscribe).
        email_off = [t for t in (current.email_off if current else []) if t != topic]
        await _change_settings(uow, guardian, modes=modes, email_off=email_off)
    preferences = await preferences_of(uow, guardians[0])
    return preferences


set_mode = transactional(set_mode_in)


def check_channels(channels: Sequence[str]) -> list[ChannelName]:
    """Known, distinct channels (Telegram, MAX, email, SMS), completed with the missing
    ones in the default order."""
    if not channels:
        raise RuleViolation("channels_required")
    order: list[ChannelName] = []
    for name in channels:
        if name not in ChannelName.__members__:
            raise RuleViolation("bad_channel", value=name, allowed=list(ChannelName))
        if ChannelName(name) in order:
            raise RuleViolation("duplicate_channel", value=name)
        order.append(ChannelName(name))
    return order + [c for c in DEFAULT_CHANNELS if c not in order]


async def _apply_order(
    uow: UnitOfWork, actor: Acting, order: list[ChannelName], *, top: ChannelName | None
) -> Preferences:
    """`top`: the channel the guardian puts first, which must be usable; None when the
    change leaves the first channel they see as it was (a parent in MAX whose unlinked
    Telegram comes first, or whose school does not offer it, may still reorder the rest)."""
    if top is not None:
        for guardian in await load_guardians(uow, actor):
            if top in await closed_for(uow, guardian):
                raise RuleViolation("channel_not_offered", channel=top.value)
            if address_of(guardian, top) is None:
                raise RuleViolation("channel_without_address", channel=top.value)
    return await _change_all(uow, actor, channels=[c.value for c in order])


async def set_channel_order_in(
    uow: UnitOfWork, *, actor: Acting, channels: Sequence[str]
) -> Preferences:
    """The order in which channels are tried; channels left out follow in the default
    order. Only a channel the guardian has an address for, and (a messenger) their
    school offers, can be first."""
    order = check_channels(channels)
    return await _apply_order(uow, actor, order, top=order[0])


set_channel_order = transactional(set_channel_order_in)


async def move_channel_up_in(uow: UnitOfWork, *, actor: Acting, channel: str) -> Preferences:
    """Move `channel` just before the one before it in the guardian's order as they see
    it (the messengers their school does not offer are unseen and keep their order)."""
    moved = check_channels([channel])[0]
    guardian = (await load_guardians(uow, actor))[0]
    closed = await closed_for(uow, guardian)
    if moved in closed:
        raise RuleViolation("channel_not_offered", channel=moved.value)
    order = full_order(await settings_of(uow, guardian))
    seen = [c for c in order if c not in closed]
    at = seen.index(moved)
    if at > 0:
        order.remove(moved)
        order.insert(order.index(seen[at - 1]), moved)
    return await _apply_order(uow, actor, order, top=moved if at == 1 else None)


move_channel_up = transactional(move_channel_up_in)


def parse_clock(text: str) -> dt.time:
    """«18:30», «18.30», «1830», «7:05» or «18» as a time of day; RuleViolation otherwise."""
    match = _CLOCK.fullmatch(text.strip())
    hour, minute = (int(match.group(1)), int(match.group(2) or 0)) if match else (99, 0)
    if hour > 23 or minute > 59:
        raise RuleViolation("bad_time", value=text.strip())
    return dt.time(hour, minute)


def parse_quiet_hours(text: str) -> tuple[dt.time, dt.time] | None:
    """«21:00–07:30» as (start, end); «нет» / "none" as None (no quiet hours)."""
    if text.strip().lower() in _NONE_WORDS:
        return None
    match = _RANGE.fullmatch(text)
    if match is None:
        raise RuleViolation("bad_quiet_hours", value=text.strip())
    try:
        return parse_clock(match.group(1)), parse_clock(match.group(2))
    except RuleViolation:
        raise RuleViolation("bad_quiet_hours", value=text.strip()) from None


async def set_quiet_hours_in(
    uow: UnitOfWork,
    *,
    actor: Acting,
    hours: tuple[dt.time, dt.time] | None,
    school_default: bool = False,
) -> Preferences:
    """Hours in which non-urgent messages wait (start, end in school time, may run over
    midnight); `hours` None for no quiet hours; `school_default` to follow the school."""
    start: dt.time | None
    end: dt.time | None
    if school_default:
        start = end = None
    elif hours is None:
        start = end = NO_QUIET
    else:
        start, end = hours
        if start == end:
            raise RuleViolation("quiet_hours_empty")
    return await _change_all(uow, actor, quiet_start=start, quiet_end=end)


set_quiet_hours = transactional(set_quiet_hours_in)


async def set_digest_time_in(uow: UnitOfWork, *, actor: Acting, at: dt.time | None) -> Preferences:
    """When the daily (and weekly) digest goes out, school time; None: the school's."""
    if at is not None and (at.second or at.microsecond or at.tzinfo is not None):
        raise RuleViolation("bad_time", value=at.isoformat())
    return await _change_all(uow, actor, digest_time=at)


set_digest_time = transactional(set_digest_time_in)


async def set_language_in(uow: UnitOfWork, *, actor: Acting, language: str) -> Preferences:
    """The language of the bot and of every message (ru or en)."""
    check_language(language)
    guardians = await load_guardians(uow, actor)
    for guardian in guardians:
        if guardian.language == language:
            continue
        old = snapshot(guardian)
        guardian.language = language
        await uow.save(
            guardian, action="update", actor_id=guardian.id, actor_kind="guardian", old=old
        )
    preferences = await preferences_of(uow, guardians[0])
    return preferences


set_language = transactional(set_language_in)
