"""A budget counted in Redis and shared by every process that spends it: the schools'
daily SMS segments (`notifier.sms_budget`), the deployment's monthly Stars for paid
Telegram broadcasts (`notifier.paid_broadcast`).

Taking is atomic (check and add in one script), so concurrent workers never both pass
the last free unit; what was taken for a send that did not happen is given back.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import cast

from redis.asyncio import Redis

_TAKE = """
local used = redis.call('INCRBY', KEYS[1], ARGV[1])
if used > tonumber(ARGV[2]) then
  used = redis.call('DECRBY', KEYS[1], ARGV[1])
  return {0, used}
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {1, used}
"""


async def take(redis: Redis, key: str, amount: int, limit: int, ttl: int) -> tuple[bool, int]:
    """Take `amount` from the budget `key` holding `limit` units (kept `ttl` seconds):
    (whether it fit, the units used now)."""
    if amount <= 0:
        return True, 0
    # redis-py types eval() for its sync and async clients at once; this one awaits.
    reply = redis.eval(_TAKE, 1, key, str(amount), str(limit), str(ttl))
    granted, used = await cast(Awaitable[list[int]], reply)
    return bool(int(granted)), int(used)


async def give_back(redis: Redis, key: str, amount: int) -> None:
    """Return units taken for a send that did not happen."""
    if amount > 0:
        await redis.decrby(key, amount)
