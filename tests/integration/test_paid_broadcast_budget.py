"""The month's Stars for paid broadcasts, kept in Redis and shared by every worker."""

from __future__ import annotations

import asyncio
import datetime as dt

import redis.asyncio as aioredis

from notifier.paid_broadcast import PaidBroadcast

DEC = dt.datetime(2026, 12, 7, 6, 30, tzinfo=dt.UTC)
JAN = dt.datetime(2027, 1, 1, 0, 0, 1, tzinfo=dt.UTC)


async def test_the_budget_holds_across_workers_and_renews_each_month(redis_url: str) -> None:
    redis = aioredis.Redis.from_url(redis_url)
    try:
        one, other = PaidBroadcast(redis, 1), PaidBroadcast(redis, 1)  # 1 Star: 10 messages
        taken = await asyncio.gather(*(w.take(DEC) for w in (one, other) for _ in range(8)))
        assert sum(key is not None for key in taken) == 10  # never more, whoever asks

        assert await one.take(DEC) is None
        key = next(k for k in taken if k is not None)
        await other.give_back(key)  # a send that failed costs nothing
        assert await one.take(DEC) == key
        assert await one.take(DEC) is None

        assert await one.take(JAN) is not None  # a new month, new Stars
    finally:
        await redis.aclose()
