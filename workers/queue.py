"""Enqueueing with job ids derived from database ids, so a repeat is harmless.

arq de-duplicates by `_job_id` while a job is queued or running; results are not
kept (`keep_result = 0`), so the sweeper can enqueue the same id again once a job
is gone (for example when Redis lost its data).
"""

from __future__ import annotations

import datetime as dt
from typing import Any


async def enqueue(
    ctx: dict[str, Any], function: str, *args: Any, job_id: str, at: dt.datetime | None = None
) -> bool:
    """True when a new job was queued, False when one with this id already is."""
    job = await ctx["redis"].enqueue_job(function, *args, _job_id=job_id, _defer_until=at)
    return job is not None


async def enqueue_dispatch(ctx: dict[str, Any], event_id: str) -> bool:
    return await enqueue(ctx, "dispatch", event_id, job_id=f"dispatch:{event_id}")


async def enqueue_start(ctx: dict[str, Any], notification_id: int) -> bool:
    return await enqueue(ctx, "start", notification_id, job_id=f"start:{notification_id}")


async def enqueue_delivery(
    ctx: dict[str, Any], delivery_id: int, attempts: int, at: dt.datetime | None = None
) -> bool:
    return await enqueue(
        ctx, "deliver", delivery_id, job_id=f"deliver:{delivery_id}:{attempts}", at=at
    )
