"""Enqueueing with job ids derived from database ids, so a repeat is harmless.

arq de-duplicates by `_job_id` while a job is queued or running; results are not
kept (`keep_result = 0`), so the sweeper can enqueue the same id again once a job
is gone (for example when Redis lost its data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from arq.constants import job_key_prefix

# How far ahead of the queue's other jobs a due delivery is placed. arq runs the
# lowest score first and scores a job by its due time; a broadcast queues thousands
# of start jobs at once, and the deliveries they create would otherwise wait behind
# all of them, leaving the Telegram rate limit unused for minutes.
DELIVERY_PRIORITY = dt.timedelta(hours=1)
# How long a queued job lives past its due time (arq's default), given explicitly
# because arq would shorten it by however far in the past a job is scored.
JOB_LIFETIME = dt.timedelta(days=1)


async def enqueue(
    ctx: dict[str, Any], function: str, *args: Any, job_id: str, at: dt.datetime | None = None
) -> bool:
    """True when a new job was queued, False when one with this id already is."""
    wait = max(at - dt.datetime.now(dt.UTC), dt.timedelta(0)) if at else dt.timedelta(0)
    job = await ctx["redis"].enqueue_job(
        function, *args, _job_id=job_id, _defer_until=at, _expires=wait + JOB_LIFETIME
    )
    return job is not None


def dispatch_job_id(event_id: str) -> str:
    return f"dispatch:{event_id}"


def delivery_job_id(delivery_id: int, attempts: int) -> str:
    return f"deliver:{delivery_id}:{attempts}"


async def enqueue_dispatch(ctx: dict[str, Any], event_id: str) -> bool:
    return await enqueue(ctx, "dispatch", event_id, job_id=dispatch_job_id(event_id))


async def enqueue_dispatches(ctx: dict[str, Any], event_ids: Sequence[str]) -> bool:
    """One job for a run of new events, in order: `dispatch:<first>+<how many>`."""
    job_id = f"{dispatch_job_id(event_ids[0])}+{len(event_ids)}"
    return await enqueue(ctx, "dispatch_many", list(event_ids), job_id=job_id)


async def enqueue_send_due(
    ctx: dict[str, Any], *, job_id: str, at: dt.datetime | None = None
) -> bool:
    """A `send_due` job (one batch of whatever is due when it runs), at `at` or now."""
    return await enqueue(ctx, "send_due", job_id=f"send_due:{job_id}", at=at)


async def enqueue_delivery(
    ctx: dict[str, Any], delivery_id: int, attempts: int, at: dt.datetime | None = None
) -> bool:
    """A due delivery goes ahead of queued dispatch and start jobs; a retry keeps its time."""
    job_id = delivery_job_id(delivery_id, attempts)
    if at is None:
        at = dt.datetime.now(dt.UTC) - DELIVERY_PRIORITY
    return await enqueue(ctx, "deliver", delivery_id, job_id=job_id, at=at)


async def not_queued(ctx: dict[str, Any], job_ids: Sequence[str]) -> set[str]:
    """The ids among `job_ids` that arq holds no job for (queued, deferred or running).

    One pipelined round trip. The sweeper finds the same thousand pending rows every
    few seconds during a broadcast; enqueueing each (a WATCH/MULTI transaction that
    arq then refuses as a duplicate) kept a worker busy with Redis instead of sending.
    """
    if not job_ids:
        return set()
    async with ctx["redis"].pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.exists(job_key_prefix + job_id)
        found = await pipe.execute()
    return {job_id for job_id, exists in zip(job_ids, found, strict=True) if not exists}


async def enqueue_missing_deliveries(ctx: dict[str, Any], attempts: dict[int, int]) -> int:
    """Deliver jobs for {delivery id: attempts so far} that arq does not hold."""
    jobs = {delivery_job_id(d, a): (d, a) for d, a in attempts.items()}
    missing = await not_queued(ctx, list(jobs))
    return sum([await enqueue_delivery(ctx, *jobs[job_id]) for job_id in sorted(missing)])


async def enqueue_missing_dispatches(ctx: dict[str, Any], event_ids: Iterable[str]) -> list[str]:
    """Dispatch jobs for the events arq holds none for; the events queued."""
    jobs = {dispatch_job_id(e): e for e in event_ids}
    missing = await not_queued(ctx, list(jobs))
    return [jobs[job_id] for job_id in sorted(missing) if await enqueue_dispatch(ctx, jobs[job_id])]
