"""Telegram's paid broadcasting, for urgent messages, within a monthly Stars budget.

A bot may send up to 1,000 messages a second instead of 30 when each message carries
`allow_paid_broadcast` and the bot pays 0.1 Telegram Star for it. A district's urgent
announcement («актированный день: занятия отменены» at 06:30) is worth it; a mark is
not. So only messages marked urgent go paid, and only while the deployment's Stars for
the month (`ZVONOK_TELEGRAM_PAID_STARS_A_MONTH`, UTC months) last: the budget is kept in
Redis in tenths of a Star, shared by every worker, taken before a send and given back
when the send did not happen. Once it is spent, urgent messages go at the free rate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from redis.asyncio import Redis

from core.metrics import PAID_BROADCAST_MESSAGES, PAID_BROADCAST_REFUSED
from notifier.budget import give_back, take

TENTHS_PER_MESSAGE = 1  # 0.1 Star a message
_TTL = 40 * 24 * 3600  # a month's counter outlives the month


def month_key(now: dt.datetime) -> str:
    return f"zvonok:paid-broadcast:{now.astimezone(dt.UTC):%Y-%m}"


@dataclass(frozen=True)
class PaidBroadcast:
    """The deployment's monthly Stars for paid broadcasts."""

    redis: Redis
    stars_a_month: int

    async def take(self, now: dt.datetime | None = None) -> str | None:
        """Take one message's Stars: the month's key to give them back with, or None
        when the month's budget is spent (the message then goes at the free rate)."""
        key = month_key(now or dt.datetime.now(dt.UTC))
        limit = self.stars_a_month * 10
        granted, _ = await take(self.redis, key, TENTHS_PER_MESSAGE, limit, _TTL)
        if not granted:
            PAID_BROADCAST_REFUSED.inc()
            return None
        return key

    def sent(self) -> None:
        """The message went paid: counted for the operators' dashboard."""
        PAID_BROADCAST_MESSAGES.inc()

    async def give_back(self, key: str) -> None:
        """The message was not sent: Telegram charged nothing."""
        await give_back(self.redis, key, TENTHS_PER_MESSAGE)
