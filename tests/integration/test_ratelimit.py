"""The shared rate limiter against a real Redis, including two instances sharing limits."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from notifier.ratelimit import Limit, Rate, RateLimiter, TelegramRates
from notifier.standins.rates import Rate as ServerRate
from notifier.standins.rates import SlidingWindow
from tests.integration import telegram_fixtures

limiter, redis_client = telegram_fixtures.limiter, telegram_fixtures.redis_client  # fixtures

RATES = TelegramRates(headroom=0)  # exact numbers; the headroom is a unit test's business


@pytest.fixture
async def second_process(redis_url: str) -> AsyncIterator[RateLimiter]:
    """Another limiter with its own connection, as another worker process would have."""
    client = Redis.from_url(redis_url)
    yield RateLimiter(client)
    await client.aclose()


async def reservations(redis: Redis, key: str) -> list[float]:
    """The reserved moments of one key, in seconds on the Redis clock."""
    scores = await redis.zrange(f"zvonok:ratelimit:{key}", 0, -1, withscores=True)
    return [score / 1_000_000 for _, score in scores]


def assert_spaced(moments: list[float], interval: float) -> None:
    gaps = [b - a for a, b in itertools.pairwise(moments)]
    assert min(gaps) >= interval - 1e-6, gaps


async def test_one_chat_waits_a_second_per_message(limiter: RateLimiter) -> None:
    waits = [await limiter.acquire(*RATES.limits(1, 42)) for _ in range(3)]
    assert waits[0] == 0
    assert waits[1] == pytest.approx(1.0, abs=0.05)
    assert waits[2] == pytest.approx(2.0, abs=0.05)


async def test_group_chat_waits_three_seconds(limiter: RateLimiter) -> None:
    waits = [await limiter.acquire(*RATES.limits(1, -100500)) for _ in range(2)]
    assert waits[1] == pytest.approx(3.0, abs=0.05)  # 20 a minute


async def test_a_busy_chat_does_not_hold_up_the_others(limiter: RateLimiter) -> None:
    for _ in range(3):  # chat 42's messages are queued at 0, 1 and 2 s
        await limiter.acquire(*RATES.limits(1, 42))
    # Another chat takes the next free bot-wide moment (1/30 s after the last send, less
    # the time the calls above took on a busy machine), not one behind chat 42's queue.
    assert await limiter.acquire(*RATES.limits(1, 43)) <= 1 / 30 + 0.02


async def test_broadcast_is_spread_at_the_bot_rate(
    limiter: RateLimiter, redis_client: Redis
) -> None:
    waits = await asyncio.gather(*(limiter.acquire(*RATES.limits(1, c)) for c in range(90)))
    assert sorted(waits)[0] == 0
    # The last of 90 goes 89/30 s after the first (less the time the calls themselves took).
    assert 89 / 30 - 0.5 < max(waits) <= 89 / 30 + 0.01
    assert_spaced(await reservations(redis_client, "tg:1"), 1 / 30)


async def test_two_processes_share_the_limits(
    limiter: RateLimiter, second_process: RateLimiter, redis_client: Redis
) -> None:
    # Slow rates, so no reservation ages out (and is dropped) while the test looks at them.
    rates = TelegramRates(Rate(2, 1.0), Rate(1, 1.0), Rate(1, 3.0), headroom=0)
    chats = [random.choice([5, 6, 7, -8]) for _ in range(60)]
    await asyncio.gather(
        *(
            (limiter if index % 2 else second_process).acquire(*rates.limits(1, chat))
            for index, chat in enumerate(chats)
        )
    )
    assert len(await reservations(redis_client, "tg:1")) == 60
    assert_spaced(await reservations(redis_client, "tg:1"), 0.5)
    for chat in (5, 6, 7):
        assert_spaced(await reservations(redis_client, f"tg:1:{chat}"), 1.0)
    assert_spaced(await reservations(redis_client, "tg:1:-8"), 3.0)


async def test_wait_sleeps_until_the_reserved_moment(
    limiter: RateLimiter, second_process: RateLimiter
) -> None:
    fast = Limit("chat:fast", Rate(10, 1.0))
    started = time.monotonic()
    for instance in (limiter, second_process, limiter, second_process):
        await instance.wait(fast)
    assert 0.29 <= time.monotonic() - started < 0.45


async def test_keys_expire_and_old_reservations_are_dropped(
    limiter: RateLimiter, redis_client: Redis
) -> None:
    quick = Limit("chat:quick", Rate(20, 1.0))
    await limiter.acquire(quick)
    ttl = await redis_client.pttl("zvonok:ratelimit:chat:quick")
    assert 0 < ttl <= 1_100  # the interval plus a second's margin
    await asyncio.sleep(0.1)
    await limiter.acquire(quick)
    assert len(await reservations(redis_client, "chat:quick")) == 1  # the first aged out


async def test_prefixes_separate_limiters(redis_client: Redis) -> None:
    one, other = RateLimiter(redis_client, prefix="a:"), RateLimiter(redis_client, prefix="b:")
    slow = Limit("chat", Rate(1, 10.0))
    assert await one.acquire(slow) == 0
    assert await other.acquire(slow) == 0
    assert await one.acquire() == 0  # no limits, no wait


async def test_senders_woken_late_by_a_stalled_loop_do_not_burst(limiter: RateLimiter) -> None:
    """A blocked event loop (a long garbage collection, a busy CPU) wakes every sleeping
    sender at once; each gives its missed moment up instead of sending together."""
    limit = Limit("stall", Rate(10, 1.0))
    loop = asyncio.get_running_loop()
    sent: list[float] = []

    async def send() -> None:
        await limiter.wait(limit)
        sent.append(loop.time())

    senders = [asyncio.create_task(send()) for _ in range(20)]
    await asyncio.sleep(0.25)  # a few have sent; the rest sleep until their moments
    time.sleep(0.6)  # noqa: ASYNC251 (on purpose: the loop stalls past several moments)
    await asyncio.gather(*senders)

    assert len(sent) == 20
    sent.sort()
    most_in_a_second = max(sum(1 for t in sent if start <= t < start + 1.0) for start in sent)
    assert most_in_a_second <= 10 + 1  # the limit, give or take the moment at the edge


def refused_by_the_server(arrivals: list[float]) -> int:
    """Requests the messenger's window (the emulator's rule: 30 in any 0.95 s) refuses."""
    window, refused = SlidingWindow(ServerRate(30, 1.0)), 0
    for moment in sorted(arrivals):
        if window.wait(moment, tolerance=0.05) > 0:
            refused += 1
        else:
            window.record(moment)
    return refused


@pytest.mark.parametrize("learned", [False, True])
async def test_moments_reserved_after_late_requests_leave_room_for_such_lateness(
    limiter: RateLimiter, learned: bool
) -> None:
    """On a machine short of CPU, requests leave a fifth of a second after their moments
    for a while (the worker kept off the CPU), then on time again: they arrive bunched
    with the next ones. A limiter that has seen its requests leave that late
    (`lateness`, fed as each request leaves) reserves moments far enough apart that
    such a second still fits the messenger's window; one that has not gets refusals."""
    if learned:
        for n in range(100):
            limiter.lateness.record(0.2 if n % 20 == 0 else 0.003)
    bot = TelegramRates().limits(1, 1)[0]  # 30 a second with the default 3 % headroom
    moments = [time.monotonic() + await limiter.acquire(bot) for _ in range(90)]
    # The first 30 leave 0.2 s late, the others on time.
    arrivals = [moment + (0.2 if n < 30 else 0.0) for n, moment in enumerate(moments)]
    if learned:
        assert refused_by_the_server(arrivals) == 0
    else:
        assert refused_by_the_server(arrivals) > 0
