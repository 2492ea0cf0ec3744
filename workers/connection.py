"""The worker's Redis settings: patient with outages when working, quick for `--check`.

Kept apart from `workers.main` so that `python -m workers --check` (a health probe run
every few seconds by a supervisor) does not import aiogram and the channels.
"""

from __future__ import annotations

from dataclasses import replace

from arq.connections import RedisSettings
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.settings import Settings

# arq's main loop ends the process at the first failed poll, so a Redis restart would
# stop every worker (PRODUCT §2: nothing is lost when Redis is down for a while). Each
# command instead waits Redis out, retrying about once a second for some ten minutes;
# the database keeps what Redis loses and the sweeper queues it again.
OUTAGE_RETRIES = 600
OUTAGE_BACKOFF = ExponentialBackoff(cap=1.0, base=0.05)


def redis_settings_of(settings: Settings, *, wait_out_outages: bool = True) -> RedisSettings:
    """arq's connection settings; `wait_out_outages=False` fails at once (health checks)."""
    plain = RedisSettings.from_dsn(settings.require_redis_url())
    if not wait_out_outages:
        return replace(plain, conn_retries=0)
    return replace(
        plain,
        # OSError: a refused connection is retried too (redis-py wraps it only after).
        retry_on_error=[RedisConnectionError, RedisTimeoutError, OSError],
        retry=Retry(OUTAGE_BACKOFF, OUTAGE_RETRIES),
    )
