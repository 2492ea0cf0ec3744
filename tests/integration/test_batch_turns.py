"""A worker's batches in flight: a `send_due` job that times out (arq cancels it) while
its batch is still sending leaves the batch running, and the batch keeps its turn until
it ends, so a long broadcast never runs more batches at once than a worker allows."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from arq.connections import RedisSettings, create_pool

from core.db import Database
from core.settings import Settings
from notifier.standins.telegram_control import RunningEmulator, run_telegram_emulator
from notifier.telegram import TelegramChannel
from tests.builders import build_world
from tests.integration.delivery_helpers import Clock, add_guardian, msk, post, relay_and_dispatch
from workers.deliveries import send_due

LATENCY = 1.5  # seconds the emulator takes to answer each request


@pytest.fixture
async def slow_emulator() -> AsyncIterator[RunningEmulator]:
    async with run_telegram_emulator() as running:
        await running.control.set_latency(LATENCY)
        yield running


async def test_a_timed_out_job_leaves_its_batch_its_turn(
    db: Database, slow_emulator: RunningEmulator, redis_url: str
) -> None:
    w = await build_world(db)
    clock = Clock(db, msk(10))
    await add_guardian(db, w, "father", ["vanya"], telegram=4001)
    await post(clock, w, "vanya", 5)
    await relay_and_dispatch(clock)

    telegram = TelegramChannel(slow_emulator.token, limiter=None, api_url=slow_emulator.base_url)
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    turns = asyncio.Semaphore(1)
    ctx: dict[str, Any] = {
        "db": db,
        "redis": pool,
        "settings": Settings(),
        "channels": {"telegram": telegram},
        "batch_turns": turns,
    }
    try:
        job = asyncio.create_task(send_due(ctx))
        sent = asyncio.create_task(slow_emulator.emulator.wait_sent(4001, 1, 10))
        await asyncio.sleep(LATENCY / 3)  # the batch is sending: its request is out
        job.cancel()  # what arq does at the job's timeout
        with pytest.raises(asyncio.CancelledError):
            await job
        assert turns.locked()  # still the batch's: no other batch may start yet
        assert len(await sent) == 1  # the batch carried on and sent
        await asyncio.gather(*ctx["batches"])
        assert not turns.locked()  # its end gave the turn back
        assert len(slow_emulator.emulator.sent_to(4001)) == 1
    finally:
        await telegram.close()
        await pool.aclose()
