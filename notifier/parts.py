"""Which parts of a long messenger message went out, kept in Redis for a week.

A message longer than one Telegram or MAX message goes as several. If sending stops
after some of them (the messenger refused one, the worker died), the retry must send
only the rest: each part's id is appended to a list keyed by the delivery and by the
parts' content, so a message rendered differently later starts afresh.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable
from typing import Final, cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

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
