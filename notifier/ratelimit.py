"""A send-rate limiter shared by every worker process through Redis.

Telegram allows about 30 messages a second per bot, one a second per private chat and 20 a
minute per group (core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
Exceeding them earns 429s, and a broadcast that keeps retrying into them becomes a 429
storm. So every send first *reserves* a moment in Redis at which all its limits allow it,
then sleeps until that moment: one round trip, no polling, and concurrent workers on
several machines get successive moments instead of racing for the same one.

Each limit keeps its reservations in a sorted set (score = microseconds on the Redis clock,
so machines with skewed clocks still agree). A new send takes the earliest moment at least
one interval away from every reservation of every one of its keys. Earlier gaps are
reused, so a parent's third message waiting for its chat's second does not hold up the
rest of the school's broadcast behind it (which a single "next free time" per key would).
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.metrics import SEND_WAIT
from core.settings import Settings
from notifier.base import SendResult
from notifier.http import paced_for

# KEYS: one sorted set per limit; ARGV: each key's minimum spacing in microseconds.
# Returns how many microseconds from now the reserved moment is.
_RESERVE = """
redis.replicate_commands()
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local function us(value) return string.format('%.0f', value) end
local gaps = {}
for i, key in ipairs(KEYS) do
  gaps[i] = tonumber(ARGV[i])
  -- a reservation a full interval in the past can no longer clash with anything
  redis.call('ZREMRANGEBYSCORE', key, '-inf', us(now - gaps[i]))
end
local t = now
local moved = true
while moved do
  moved = false
  for i, key in ipairs(KEYS) do
    local clash = redis.call('ZRANGEBYSCORE', key,
      '(' .. us(t - gaps[i]), '(' .. us(t + gaps[i]), 'WITHSCORES')
    if #clash > 0 then
      t = tonumber(clash[#clash]) + gaps[i]
      moved = true
    end
  end
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, us(t), us(t))
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2]
  redis.call('PEXPIRE', key, us(math.ceil((tonumber(last) - now + gaps[i]) / 1000) + 1000))
end
return t - now
"""


@dataclass(frozen=True)
class Rate:
    """At most `limit` sends per `period` seconds, spread evenly (no bursts)."""

    limit: int
    period: float

    def __post_init__(self) -> None:
        if self.limit < 1 or self.period <= 0:
            raise ValueError(f"a rate needs limit >= 1 and period > 0, not {self}")

    @property
    def interval(self) -> float:
        """Seconds between two sends."""
        return self.period / self.limit

    @property
    def interval_us(self) -> int:
        return max(1, round(self.interval * 1_000_000))


@dataclass(frozen=True)
class Limit:
    """One rate applied to one key (a bot, a chat)."""

    key: str
    rate: Rate


def is_group_chat(chat_id: int | str) -> bool:
    """Telegram group and supergroup ids are negative; "@name" addresses are channels."""
    return str(chat_id).startswith(("-", "@"))


@dataclass(frozen=True)
class TelegramRates:
    """Telegram's limits (the defaults are the published ones) and how far below them to pace.

    Telegram counts requests as they *arrive*. Requests leaving exactly on schedule arrive
    with network jitter, so some bunch up: measured against the emulator, 30 sends spaced
    1/30 s apart arrived within 0.96 s. `headroom` stretches every interval by that
    fraction (3%: 29.1 a second per bot, one per 1.03 s per chat) so jitter never adds
    up to a 429; `RateLimiter.wait` keeps a late sender from bunching with the next.
    """

    per_bot: Rate = Rate(30, 1.0)
    per_chat: Rate = Rate(1, 1.0)
    per_group: Rate = Rate(20, 60.0)
    headroom: float = 0.03
    paid_per_bot: Rate = Rate(1000, 1.0)  # with allow_paid_broadcast (paid_broadcast.py)

    @classmethod
    def from_settings(cls, settings: Settings) -> TelegramRates:
        """The pacing every Zvonok process sending through one bot agrees on."""
        return cls(
            per_bot=Rate(settings.telegram_bot_rate, 1.0),
            per_chat=Rate(settings.telegram_chat_rate, 1.0),
            headroom=settings.telegram_rate_headroom,
            paid_per_bot=Rate(settings.telegram_paid_rate, 1.0),
        )

    def _paced(self, rate: Rate) -> Rate:
        return Rate(rate.limit, rate.period * (1 + self.headroom))

    def limits(self, bot_id: int, chat_id: int | str, *, paid: bool = False) -> tuple[Limit, Limit]:
        """The limits one message from `bot_id` to `chat_id` must respect; `paid`: sent
        as a paid broadcast, under the bot's paid rate instead of its free one."""
        chat_rate = self.per_group if is_group_chat(chat_id) else self.per_chat
        bot = (
            Limit(f"tg:{bot_id}:paid", self._paced(self.paid_per_bot))
            if paid
            else Limit(f"tg:{bot_id}", self._paced(self.per_bot))
        )
        return (bot, Limit(f"tg:{bot_id}:{chat_id}", self._paced(chat_rate)))


@dataclass(frozen=True)
class MaxRates:
    """MAX's limit: about 30 requests a second per bot, every request counted (docs/max.md);
    it publishes no per-dialog limit for messages. Paced with the same headroom as
    Telegram's, for the same reason (requests arrive with jitter)."""

    per_bot: Rate = Rate(30, 1.0)
    headroom: float = 0.03

    @classmethod
    def from_settings(cls, settings: Settings) -> MaxRates:
        return cls(
            per_bot=Rate(settings.max_bot_rate, 1.0), headroom=settings.telegram_rate_headroom
        )

    def limits(self, bot: str) -> tuple[Limit]:
        """The limit every request of the bot named `bot` must respect."""
        paced = Rate(self.per_bot.limit, self.per_bot.period * (1 + self.headroom))
        return (Limit(f"max:{bot}", paced),)


@dataclass(frozen=True, slots=True)
class Booked:
    """What `RateLimiter.wait` did: the seconds it slept, and the moment (the event loop's
    clock) the request it paced was due."""

    slept: float
    due: float


class Lateness:
    """How late this process's paced requests have left lately, and how far that stretches
    its reservations.

    `RateLimiter.wait` checks that its sender woke in time, but the request leaves a
    little later still (Python 3.11's aiohttp writes the body from a task of its own, a
    connection may have to be opened, the kernel may keep the process off the CPU), and
    on a machine short of CPU that can be a tenth of a second or more (measured by
    bench.district: zvonok_send_late_seconds). A request δ late arrives bunched with
    those after it, and the messenger counts one more than its limit in a second once
    δ exceeds the headroom (~0.08 s at 30 a second). Spreading δ over each limit (δ / N
    added to each interval of a limit of N a period) keeps any N consecutive moments δ
    further apart, so a request as late as the recent ones still finds room. δ is the
    99th percentile of the last `RECENT` requests, capped at `CAP`: on a quiet machine a
    few milliseconds (a rate ~1 % lower), on a starved one the pace the CPU allows.
    """

    RECENT = 512
    CAP = 1.0
    EVERY = 32  # requests between two updates of the percentile

    def __init__(self) -> None:
        self._recent: deque[float] = deque(maxlen=self.RECENT)
        self._new = 0
        self.allowance = 0.0  # seconds spread over each limit's period
        self.observed = 0  # requests recorded, ever

    def record(self, late: float) -> None:
        """One paced request left `late` seconds after its moment."""
        self._recent.append(min(max(late, 0.0), self.CAP))
        self.observed += 1
        self._new += 1
        if self._new >= self.EVERY or len(self._recent) < self.EVERY:
            self._new = 0
            ordered = sorted(self._recent)
            self.allowance = ordered[int(0.99 * (len(ordered) - 1))]

    def gap_us(self, rate: Rate) -> int:
        """The interval the limiter keeps for `rate`, stretched by the recent lateness."""
        return rate.interval_us + round(self.allowance * 1_000_000 / rate.limit)


# How often one send may give up a moment it woke too late for (see RateLimiter.wait).
MAX_REBOOKINGS = 3


class RateLimiter:
    """Reserves send moments in Redis; every process using the same Redis shares the limits."""

    def __init__(self, redis: Redis, *, prefix: str = "zvonok:ratelimit:") -> None:
        self.redis = redis
        self.prefix = prefix
        self._reserve = redis.register_script(_RESERVE)
        self.lateness = Lateness()

    async def acquire(self, *limits: Limit) -> float:
        """Reserve the earliest moment all `limits` allow; return the seconds to wait for it.

        0 means send now. The moment is taken even if the caller then does not send, so
        call this right before sending.
        """
        if not limits:
            return 0.0
        keys = [self.prefix + limit.key for limit in limits]
        gaps = [self.lateness.gap_us(limit.rate) for limit in limits]
        waited_us = await self._reserve(keys=keys, args=gaps)
        return int(waited_us) / 1_000_000

    async def wait(self, *limits: Limit) -> Booked:
        """Acquire and sleep until the reserved moment; return the seconds slept and the
        moment (loop time) the caller's request is due.

        A sender woken late (the event loop stalled, the CPU was busy elsewhere) would
        send next to the senders of the moments after its own, a burst the server sees
        as flooding. One woken more than the tightest interval late gives its moment
        up and reserves the next free one (at most `MAX_REBOOKINGS` times).
        """
        loop = asyncio.get_running_loop()
        slack = min(limit.rate.interval_us for limit in limits) / 1_000_000 if limits else 0.0
        slept = 0.0
        due = loop.time()
        for _ in range(MAX_REBOOKINGS + 1):
            delay = await self.acquire(*limits)
            if delay <= 0:
                return Booked(slept, loop.time())
            due = loop.time() + delay
            await asyncio.sleep(delay)
            slept += delay
            if loop.time() - due <= slack:
                break
        return Booked(slept, due)


async def pace(
    limiter: RateLimiter | None, limits: tuple[Limit, ...], backoff: float, *, channel: str
) -> SendResult | None:
    """Wait for the moment `limits` allow a request (none without a limiter: one-off
    scripts), counting the wait for `channel` (zvonok_send_wait_seconds) and, once the
    request leaves, how late it left (zvonok_send_late_seconds); a channel's
    answer when the limiter's Redis is unavailable: try again after `backoff` seconds
    rather than send unpaced into the messenger's limits."""
    if limiter is None:
        return None
    try:
        booked = await limiter.wait(*limits)
    except RedisError as error:
        return SendResult.later(f"rate limiter unavailable: {error}", backoff)
    SEND_WAIT.labels(channel).observe(booked.slept)
    # The request's lateness is observed as it leaves, and stretches the next moments.
    paced_for(channel, booked.due, limiter.lateness.record)
    return None
