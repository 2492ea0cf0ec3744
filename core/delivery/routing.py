"""Pure rules of delivery: topics, modes, channel order, quiet hours, digest times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from sqlmodel import col

from core.bot_registry import bot_address
from core.messengers import BOT_FIELDS, CHAT_FIELDS
from core.models import ChannelName, Guardian, GuardianSettings, Messenger, Mode, Topic
from core.policy import SchoolPolicy

TOPIC_OF_EVENT: dict[str, Topic] = {
    "mark_posted": Topic.marks,
    "mark_changed": Topic.marks,
    "mark_deleted": Topic.marks,
    "attendance_marked": Topic.attendance,
    "homework_set": Topic.homework,
    "homework_changed": Topic.homework,
    "remark_posted": Topic.remarks,
    "announcement_posted": Topic.announcements,
    "period_mark_set": Topic.period_marks,
}
# A composed message's items (core.delivery.compose.Item.kind) by topic.
TOPIC_OF_ITEM: dict[str, Topic] = {
    "mark": Topic.marks,
    "attendance": Topic.attendance,
    "homework": Topic.homework,
    "remark": Topic.remarks,
    "announcement": Topic.announcements,
    "period_mark": Topic.period_marks,
}

# Marks, absences and remarks at once (the reason families install the bot);
# homework once a day, so a parent is not messaged after every lesson.
DEFAULT_MODES: dict[Topic, Mode] = {
    Topic.marks: Mode.instant,
    Topic.attendance: Mode.instant,
    Topic.homework: Mode.daily,
    Topic.remarks: Mode.instant,
    Topic.announcements: Mode.instant,
    Topic.period_marks: Mode.instant,
}
# The messengers first (those the school offers: `closed_channels`), then email, SMS.
DEFAULT_CHANNELS: tuple[ChannelName, ...] = (
    ChannelName.telegram,
    ChannelName.max,
    ChannelName.email,
    ChannelName.sms,
)
# An instant bundle keeps collecting while events keep coming, but never longer than
# this after its first event: a parent hears of a test's marks within minutes.
MAX_BUNDLE_SECONDS = 600


def mode_for(settings: GuardianSettings | None, topic: Topic) -> Mode:
    if settings is not None and topic.value in settings.modes:
        return Mode(settings.modes[topic.value])
    return DEFAULT_MODES[topic]


def channel_order(settings: GuardianSettings | None) -> list[ChannelName]:
    if settings is not None and settings.channels:
        return [ChannelName(c) for c in settings.channels]
    return list(DEFAULT_CHANNELS)


def closed_channels(policy: SchoolPolicy) -> frozenset[ChannelName]:
    """The messengers the school does not offer: skipped at once wherever they stand in
    a guardian's order (the family's next channel carries the message)."""
    return frozenset(ChannelName(m.value) for m in Messenger if m.value not in policy.messengers)


class Addresses(Protocol):
    """A guardian's addresses: a `Guardian`, or only those columns of its row (a
    broadcast's dispatch reads no more of thousands of guardians)."""

    @property
    def telegram_chat_id(self) -> int | None: ...
    @property
    def telegram_bot(self) -> str | None: ...
    @property
    def max_user_id(self) -> int | None: ...
    @property
    def max_bot(self) -> str | None: ...
    @property
    def email(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...


class GuardianAddresses(NamedTuple):
    """A guardian's addresses read as plain columns (`address_columns()`, in this order):
    what a broadcast's dispatch and the fallback snapshot read of thousands of guardians."""

    telegram_chat_id: int | None
    telegram_bot: str | None
    max_user_id: int | None
    max_bot: str | None
    email: str | None
    phone: str | None


def address_columns() -> tuple[Any, ...]:
    """`Guardian`'s columns of `GuardianAddresses`, for a select of plain columns."""
    return tuple(col(getattr(Guardian, name)) for name in GuardianAddresses._fields)


def address_of(guardian: Addresses, channel: ChannelName) -> str | None:
    """The guardian's address on a channel, or None when they have none there: a
    messenger's chat names the bot it was linked through (`core.messengers`)."""
    if channel is ChannelName.email:
        return guardian.email or None
    if channel is ChannelName.sms:
        return guardian.phone or None
    messenger = Messenger(channel.value)
    chat: int | None = getattr(guardian, CHAT_FIELDS[messenger])
    bot: str | None = getattr(guardian, BOT_FIELDS[messenger])
    return bot_address(bot, chat) if chat is not None else None


def live_channels(
    guardian: Addresses,
    settings: GuardianSettings | None,
    dead: set[tuple[str, str]],
    topics: Collection[str] = (),
    *,
    closed: Collection[ChannelName],
) -> list[tuple[ChannelName, str]]:
    """(channel, address) in the guardian's order, skipping missing and dead addresses,
    the messengers the school does not offer (`closed`), and email for a message
    carrying a topic the guardian switched off for email."""
    no_email = email_muted(settings, topics)
    found = []
    for channel in channel_order(settings):
        address = address_of(guardian, channel)
        if channel in closed or (channel is ChannelName.email and no_email):
            continue
        if address is not None and (channel.value, address) not in dead:
            found.append((channel, address))
    return found


def email_muted(settings: GuardianSettings | None, topics: Collection[str]) -> bool:
    """Does a message of these topics skip email? A bundle carrying one topic switched
    off for email skips it as a whole and goes by the next channel."""
    return settings is not None and bool(set(topics) & set(settings.email_off or ()))


def quiet_window(
    settings: GuardianSettings | None, policy: SchoolPolicy
) -> tuple[dt.time, dt.time]:
    start = settings.quiet_start if settings and settings.quiet_start else policy.quiet_hours_start
    end = settings.quiet_end if settings and settings.quiet_end else policy.quiet_hours_end
    return start, end


def is_quiet(local: dt.time, start: dt.time, end: dt.time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end  # the window runs over midnight


def quiet_ends_at(now: dt.datetime, tz: str, start: dt.time, end: dt.time) -> dt.datetime | None:
    """When the quiet hours around `now` end (UTC), or None when `now` is not quiet."""
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    if not is_quiet(local.time(), start, end):
        return None
    day = local.date() if local.time() < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, end, tzinfo=zone).astimezone(dt.UTC)


def next_digest_at(
    now: dt.datetime, tz: str, at: dt.time, *, weekday: int | None = None
) -> dt.datetime:
    """The next daily (or, with `weekday`, weekly) digest time after `now`, in UTC."""
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    day = local.date()
    for _ in range(8):
        candidate = dt.datetime.combine(day, at, tzinfo=zone)
        if candidate > local and (weekday is None or day.weekday() == weekday):
            return candidate.astimezone(dt.UTC)
        day += dt.timedelta(days=1)
    raise AssertionError("a digest time always exists within 8 days")


def digest_time(settings: GuardianSettings | None, policy: SchoolPolicy) -> dt.time:
    return settings.digest_time if settings and settings.digest_time else policy.digest_time
