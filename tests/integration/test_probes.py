"""A process's probes as an operator's orchestrator reads them: `/livez` while the loop
answers, `/readyz` naming the dependency that is down (and nothing of its error text),
`/metrics` behind the token when one is set."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

from core.db import Database
from core.health import check_database
from core.probes import ProbeServer
from tests.e2e.processes import free_port
from tests.redis_fixture import PrivateRedis, start_private_redis, stop_private_redis

TOKEN = "probe-scraper-token"


@pytest.fixture
async def redis_server() -> AsyncIterator[PrivateRedis]:
    server = start_private_redis()
    yield server
    stop_private_redis(server)


def worker(status: str, **checks: str) -> dict[str, str]:
    """A worker's /readyz answer."""
    return {"status": status, "process": "worker", **checks}


async def test_readiness_names_the_dependency_that_is_down(
    sqlite_db: Database, redis_server: PrivateRedis
) -> None:
    redis = Redis.from_url(redis_server.url)
    port = free_port()
    probes = ProbeServer(
        "worker",
        {"database": lambda: check_database(sqlite_db), "redis": redis.ping},
        SecretStr(TOKEN),
    )
    await probes.start("127.0.0.1", port)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            live = await http.get("/livez")
            assert live.status_code == 200 and live.json()["status"] == "ok"
            ready = await http.get("/readyz")
            assert (ready.status_code, ready.json()) == (
                200,
                worker("ok", database="ok", redis="ok"),
            )

            redis_server.stop()
            down = await http.get("/readyz")
            assert (down.status_code, down.json()) == (
                503,
                worker("error", database="ok", redis="error"),
            )
            assert str(redis_server.port) not in down.text  # the error stays in the log
            assert (await http.get("/livez")).status_code == 200  # alive, only not ready

            redis_server.start()
            assert (await http.get("/readyz")).status_code == 200

            assert (await http.get("/metrics")).status_code == 401
            scraped = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
            assert scraped.status_code == 200 and "zvonok_deliveries_total" in scraped.text
    finally:
        await probes.stop()
        await redis.aclose()


async def test_a_database_that_does_not_answer_is_not_ready() -> None:
    gone = Database(f"postgresql://zvonok@127.0.0.1:{free_port()}/nowhere")
    port = free_port()
    probes = ProbeServer("bots", {"database": lambda: check_database(gone)}, None)
    await probes.start("127.0.0.1", port)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            ready = await http.get("/readyz")
            assert ready.status_code == 503
            assert ready.json() == {"status": "error", "process": "bots", "database": "error"}
            assert "nowhere" not in ready.text
            assert (await http.get("/metrics")).status_code == 200  # no token set
    finally:
        await probes.stop()
        await gone.dispose()
