"""Long work the worker does beside its jobs: the nightly audit check, backups, the
catch-up backup.

arq keeps a job's "in progress" mark for the longest timeout of any function plus
10 s, and a job a killed worker held runs again only when that mark expires: one cron
with an hour's timeout would leave a killed worker's deliveries waiting an hour (the
SIGKILL test caught it). So every job's timeout stays within the job timeout, and work
that takes minutes runs as a task of the worker process, started by a short cron job:
one task per name at a time; a worker that dies takes its task with it, and the next
scheduled run starts it again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from arq.typing import WorkerCoroutine

log = logging.getLogger(__name__)


def start_background(
    ctx: dict[str, Any], name: str, work: Callable[[dict[str, Any]], Awaitable[Any]]
) -> bool:
    """Start `work(ctx)` as the worker's task `name`; False when it is still running."""
    tasks: dict[str, asyncio.Task[Any]] = ctx.setdefault("background", {})
    running = tasks.get(name)
    if running is not None and not running.done():
        return False
    task = asyncio.create_task(_logged(name, work(ctx)), name=name)
    tasks[name] = task
    return True


async def _logged(name: str, work: Awaitable[Any]) -> Any:
    try:
        return await work
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("background task %s failed", name)
        return None


async def stop_background(ctx: dict[str, Any]) -> None:
    """Cancel the worker's tasks at shutdown and wait for them to end."""
    tasks: dict[str, asyncio.Task[Any]] = ctx.get("background", {})
    for task in tasks.values():
        task.cancel()
    await asyncio.gather(*tasks.values(), return_exceptions=True)


def background_job(
    name: str, work: Callable[[dict[str, Any]], Awaitable[Any]], *, task: str | None = None
) -> WorkerCoroutine:
    """A cron job named `name` that starts `work` as the task `task` (default: `name`;
    two jobs sharing a task never run their work at once) and returns at once."""

    async def start(ctx: dict[Any, Any], *args: Any, **kwargs: Any) -> bool:
        return start_background(ctx, task or name, work)

    start.__name__ = start.__qualname__ = name
    return start
