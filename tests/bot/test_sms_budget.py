"""The bot's confirmation codes by SMS take the school's SMS budget (`notifier.sms_budget`,
the workers' too) and give it back when the gateway did not take the message, also when
sending raised: a broken gateway must not eat a school's budget for the day."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import httpx
import pytest
from prometheus_client import REGISTRY
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.db import Database
from core.models import Messenger
from notifier.sms_budget import budget_key
from notifier.standins.asgi import serve_asgi
from notifier.standins.sms_gateway import RunningGateway, run_sms_gateway
from tests.bot.harness import BotUnderTest, Person, running_bot
from tests.bot.settings_helpers import change_policy, link_guardian
from tests.builders import World

MOTHER = 6001


@dataclass
class BrokenFirst:
    """The gateway behind a proxy that garbles its first answer (a gzip header over a
    plain body: httpx raises while reading it), then passes everything through."""

    gateway: RunningGateway
    garbled: int = 0
    calls: itertools.count[int] = field(default_factory=itertools.count)

    async def forward(self, request: Request) -> Response:
        if next(self.calls) == 0:
            self.garbled += 1
            return Response(b"not gzip at all", headers={"content-encoding": "gzip"})
        async with httpx.AsyncClient() as client:
            answer = await client.request(
                request.method,
                f"{self.gateway.url}{request.url.path}",
                params=request.query_params,
                content=await request.body(),
                headers={"content-type": request.headers.get("content-type", "")},
            )
        return Response(answer.content, answer.status_code, media_type="application/json")


@pytest.fixture
async def broken_first() -> AsyncIterator[tuple[BrokenFirst, str]]:
    async with run_sms_gateway() as gateway:
        proxy = BrokenFirst(gateway)
        app = Starlette(routes=[Route("/{path:path}", proxy.forward, methods=["GET", "POST"])])
        async with serve_asgi(app) as port:
            yield proxy, f"http://127.0.0.1:{port}"


@pytest.fixture
async def system(
    sqlite_db: Database,
    world: World,
    redis_url: str,
    messenger: Messenger,
    broken_first: tuple[BrokenFirst, str],
) -> AsyncIterator[BotUnderTest]:
    """Соколова linked to the bot in the messenger of the test; her school may send one
    SMS segment a day."""
    await link_guardian(sqlite_db, world, "sokolova", messenger, MOTHER)
    await change_policy(sqlite_db, world.school_id, sms_daily_budget=1)
    _, url = broken_first
    async with running_bot(
        sqlite_db,
        redis_url,
        messenger,
        sms_provider="smsru",
        sms_url=url,
        sms_api_key="emulator-api-id",
    ) as bot:
        yield bot


async def _spent(system: BotUnderTest, world: World) -> int:
    today = dt.datetime.now(ZoneInfo("Europe/Moscow")).date()
    used = await system.redis.get(budget_key(world.school_id, today))
    return int(used or 0)


async def test_a_send_that_raised_gives_the_segment_back(
    system: BotUnderTest, world: World, broken_first: tuple[BrokenFirst, str]
) -> None:
    proxy, _ = broken_first
    mother: Person = system.person(MOTHER)
    await mother.send("/settings")
    await mother.tap("Контакты")
    await mother.tap("Изменить телефон")

    [failed] = await mother.send("8 (916) 555-44-33")
    assert proxy.garbled == 1  # the gateway's answer could not be read: the send raised
    assert failed.text == (
        "Не удалось отправить код на +79165554433. Проверьте адрес и напишите его ещё раз."
    )
    assert await _spent(system, world) == 0

    # The day's only segment is still there for the second try.
    segments = REGISTRY.get_sample_value("zvonok_sms_segments_total") or 0.0
    [sent] = await mother.send("8 (916) 555-44-33")
    assert "Код отправлен на +79165554433" in sent.text
    assert [m.phone for m in proxy.gateway.state.sent] == ["79165554433"]
    assert await _spent(system, world) == 1
    # What the school pays for, as the operator's metrics count it: one segment.
    assert REGISTRY.get_sample_value("zvonok_sms_segments_total") == segments + 1
