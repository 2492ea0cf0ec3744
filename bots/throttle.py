"""Failed invite-code attempts per chat, counted in Redis: brute force is hopeless.

Limits (a chat over either one gets its code refused unchecked until it is under again):
- `SHORT`: 5 failed attempts in any 15 minutes: a parent mistyping a code a few times
  is fine; a script is slowed to a crawl at once.
- `DAILY`: 20 failed attempts in any 24 hours. A successful code does not clear it.

Why guessing is hopeless: a code is 16 symbols drawn by `secrets` from 30 (core/security.py
`new_invite_code`), so there are 30**16 ≈ 4.3e23 codes (78.5 bits). Even with a
million live codes at once (far more than a district hands out), one guess hits one
with probability 1e6 / 4.3e23 ≈ 2.3e-18. A chat gets at most 20 guesses a day, 7,300
a year: ≈ 1.7e-14 per chat-year. A million Telegram accounts guessing for a whole
year (7.3e9 guesses) would still succeed with probability ≈ 1.7e-8. The limits are
there to keep the database quiet under a flood, not because the code space needs them.

Attempts are a sliding log (one sorted set per chat and window, scored by the Redis
clock, so several bot processes agree). An attempt is reserved *before* the code is
looked up, atomically with the count, so a burst of parallel messages cannot all slip
under the limit; the reservation is withdrawn when the attempt did not fail (a valid
code, or text that never reached the database).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from redis.asyncio import Redis

from core.errors import InviteError, InviteMalformed
from core.messengers import MessengerChat


@dataclass(frozen=True)
class Window:
    name: str
    seconds: int
    limit: int


SHORT = Window("15m", 15 * 60, 5)
DAILY = Window("24h", 24 * 60 * 60, 20)
WINDOWS = (SHORT, DAILY)

KEY_PREFIX = "zvonok:invite-attempts:"

# KEYS: one sorted set per window; ARGV: the attempt's id, then each window's length in
# ms and its limit. Returns 0 when the attempt was recorded, else how many ms until
# every window allows one more.
_RESERVE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local wait = 0
for i, key in ipairs(KEYS) do
  local span = tonumber(ARGV[2 * i])
  local limit = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - span)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    -- the window has room again once all but limit - 1 of its attempts have aged out
    local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + span - now)
  end
end
if wait > 0 then
  return wait
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[1])
  redis.call('PEXPIRE', key, tonumber(ARGV[2 * i]))
end
return 0
"""


class TooManyAttempts(Exception):
    """The chat is over a limit; its code was not looked at."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"retry after {retry_after_seconds} s")
        self.retry_after_seconds = retry_after_seconds


def attempts_key(chat: MessengerChat, window: Window) -> str:
    return f"{KEY_PREFIX}{window.name}:{chat.messenger.value}:{chat.id}"


class InviteAttempts:
    """`async with InviteAttempts(redis).attempt(chat): check the code` counts the
    attempt when the block raises an invite error other than a malformed code."""

    def __init__(self, redis: Redis, windows: tuple[Window, ...] = WINDOWS) -> None:
        self.redis = redis
        self.windows = windows
        self._reserve = redis.register_script(_RESERVE)

    def _keys(self, chat: MessengerChat) -> list[str]:
        return [attempts_key(chat, window) for window in self.windows]

    async def _take(self, chat: MessengerChat) -> str:
        token = uuid.uuid4().hex
        args: list[str | int] = [token]
        for window in self.windows:
            args += [window.seconds * 1000, window.limit]
        wait_ms = int(await self._reserve(keys=self._keys(chat), args=args))
        if wait_ms > 0:
            raise TooManyAttempts(-(-wait_ms // 1000))
        return token

    async def _give_back(self, chat: MessengerChat, token: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in self._keys(chat):
                pipe.zrem(key, token)
            await pipe.execute()

    @asynccontextmanager
    async def attempt(self, chat: MessengerChat) -> AsyncIterator[None]:
        """Raises `TooManyAttempts` before the block when the chat is over a limit."""
        token = await self._take(chat)
        failed = False
        try:
            yield
        except InviteMalformed:
            raise  # refused by its shape alone: the database was not asked
        except InviteError:
            failed = True
            raise
        finally:
            if not failed:
                await self._give_back(chat, token)
