"""Webhook mode: an update a messenger delivers again is handled once.

Telegram and MAX post an update again when they got no answer in time (a slow
handler, a dropped connection, a proxy's timeout), though the first delivery may have
been handled: without this, a parent's «Ознакомлен» would be recorded twice, an invite
code would be redeemed by the first post and refused as "used" by the second, a
teacher's homework sent twice. The first delivery of each update claims its key in
Redis (`SET NX`), so every bot process behind the same URL agrees; later ones are
answered 200 and handled by nobody.

The claims are bounded: each expires after `SEEN_FOR`, longer than a messenger keeps
an undelivered update (Telegram: 24 hours). An update whose handling raised gives its
claim back, so the next try is handled. Should Redis be unreachable the update is
handled anyway: a rare double is better than a lost message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

SEEN_FOR = dt.timedelta(hours=48)
T = TypeVar("T")


async def once(redis: Redis, key: str, handle: Callable[[], Awaitable[T]]) -> T | None:
    """`handle()` unless the update of `key` was handled (or is being handled) already."""
    try:
        first = await redis.set(key, 1, nx=True, ex=SEEN_FOR)
    except RedisError as error:
        log.warning("cannot check an update for a redelivery (%s)", type(error).__name__)
        return await handle()
    if not first:
        log.info("an update was delivered again: ignored")
        return None
    try:
        return await handle()
    except BaseException:
        with contextlib.suppress(RedisError):
            await redis.delete(key)
        raise
