"""Which parts of a long messenger message went out, kept in Redis for a week.

A message longer than one Telegram or MAX message goes as several. If sending stops
after some of them (the messenger refused one, the worker died), the retry must send
only the rest: each part's id is appended to a list keyed by the delivery and by the
parts' content, so a message rendered differently later starts afresh.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import Final, cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from notifier.base import SendResult

_TTL: Final = 7 * 24 * 3600

log = logging.getLogger(__name__)


class PartProgress:
    """The sent parts of one message (`idempotency_key`) on one messenger (`prefix`)."""

    def __init__(
        self, redis: Redis | None, prefix: str, idempotency_key: str, parts: list[str]
    ) -> None:
        self.redis = redis if idempotency_key and len(parts) > 1 else None
        digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
        self.key = f"zvonok:{prefix}:parts:{idempotency_key}:{digest}"

    async def sent(self) -> list[str]:
        """The ids of the parts already sent, in order."""
        if self.redis is None:
            return []
        try:
            ids = await cast(Awaitable[list[bytes]], self.redis.lrange(self.key, 0, -1))
        except RedisError:
            return []  # better to risk repeating a part than to hold the message back
        return [i.decode() for i in ids]

    async def remember(self, provider_id: str) -> None:
        if self.redis is None:
            return
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.rpush(self.key, provider_id)
                pipe.expire(self.key, _TTL)
                await pipe.execute()
        except RedisError:
            log.warning("could not record a sent part of %s", self.key)


async def send_parts(
    progress: PartProgress,
    parts: list[str],
    send_part: Callable[[int, str], Awaitable[str | SendResult]],
) -> SendResult:
    """Send the parts not sent yet, in order, through `send_part(index, text)` (the part's
    provider id, or why it failed); stop at the first failure, naming its part."""
    sent = await progress.sent()
    for index in range(len(sent), len(parts)):
        result = await send_part(index, parts[index])
        if isinstance(result, SendResult):
            if index and result.reason:
                reason = f"part {index + 1} of {len(parts)}: {result.reason}"
                result = dataclasses.replace(result, reason=reason)
            return result
        sent.append(result)
        await progress.remember(result)
    return SendResult.ok(",".join(sent), parts=len(parts))
