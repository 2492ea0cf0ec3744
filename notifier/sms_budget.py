"""A school's daily SMS budget, and sending an SMS within it.

SMS costs money per segment, so each school has a daily budget (`SchoolPolicy.
sms_daily_budget`), counted per the school's local date in Redis and shared by every
process that sends an SMS (the workers' deliveries, the bot's confirmation codes).
`send_within_budget` is the one way to send one: it reserves the segments first and
gives them back whenever the gateway did not take the message, also when the send
raised.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from redis.asyncio import Redis

from core.metrics import SMS_BUDGET_REFUSED, SMS_SEGMENTS
from core.models import School
from core.policy import policy_of
from notifier.base import Channel, Outcome, OutgoingMessage, SendResult
from notifier.budget import give_back, take
from notifier.sms_segments import count_segments

log = logging.getLogger("zvonok.notifier.sms")

_BUDGET_TTL = 3 * 24 * 3600  # a day's counter outlives the day in every time zone


class BudgetSpent(Exception):
    """The school's SMS budget for the day has no room for this message: not sent."""


def budget_key(school_id: int | str, day: dt.date) -> str:
    return f"zvonok:sms-budget:{school_id}:{day.isoformat()}"


async def reserve_sms_budget(
    redis: Redis, school_id: int | str, segments: int, limit: int, day: dt.date
) -> bool:
    """Take `segments` from the school's budget for `day` (its local date); False when over."""
    granted, used = await take(redis, budget_key(school_id, day), segments, limit, _BUDGET_TTL)
    if not granted:
        log.warning(
            "SMS budget exhausted: school %s, %s: %s of %s segments used, %s more refused",
            school_id,
            day.isoformat(),
            used,
            limit,
            segments,
        )
    return granted


async def release_sms_budget(
    redis: Redis, school_id: int | str, segments: int, day: dt.date
) -> None:
    """Give back segments reserved for an SMS the gateway never accepted."""
    await give_back(redis, budget_key(school_id, day), segments)


async def send_within_budget(
    redis: Redis, channel: Channel, message: OutgoingMessage, school: School
) -> SendResult:
    """Send an SMS on the school's budget for its local today.

    Raises `BudgetSpent` when the day's budget has no room. The segments go back to
    the budget unless the gateway took the message: refused, failed, or raised.
    """
    segments = count_segments(message.text).segments
    day = dt.datetime.now(dt.UTC).astimezone(ZoneInfo(school.timezone)).date()
    school_id = school.id or 0
    if not await reserve_sms_budget(
        redis, school_id, segments, policy_of(school).sms_daily_budget, day
    ):
        SMS_BUDGET_REFUSED.inc()
        raise BudgetSpent(school_id)
    sent = False
    try:
        result = await channel.send(message)
        sent = result.outcome is Outcome.sent
    finally:
        if not sent:
            await release_sms_budget(redis, school_id, segments, day)
    if sent:
        SMS_SEGMENTS.inc(result.parts or segments)
    return result
