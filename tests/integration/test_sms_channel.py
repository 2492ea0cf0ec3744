"""SmsChannel end to end through the SMS gateway emulator, for SMS.ru and SMSC.ru."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date

import httpx
import pytest
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from notifier.base import Outcome, OutgoingMessage
from notifier.sms import (
    Backoff,
    ProviderName,
    SmsChannel,
    SmsConfig,
    callback_ack,
    parse_status_callback,
)
from notifier.sms_budget import release_sms_budget, reserve_sms_budget
from notifier.sms_providers import smsc_message_id
from notifier.standins.asgi import serve_asgi
from notifier.standins.sms_gateway import RunningGateway, run_sms_gateway

PROVIDERS: list[ProviderName] = ["smsru", "smsc"]
LATIN_160 = ("Homework for 7B: algebra No 123-125, p. 45; read ch. 3. " * 3)[:160]
CYRILLIC_71 = ("Иванов Пётр получил 5 по алгебре (контрольная работа). " * 2)[:71]
BACKOFF = Backoff(transient=11, no_money=111, rate_limited=1111)


@dataclass
class CallbackReceiver:
    """A tiny HTTP server standing in for the web app's callback route."""

    url: str = ""
    bodies: dict[str, list[bytes]] = field(default_factory=lambda: {"smsru": [], "smsc": []})

    def app(self) -> Starlette:
        async def receive(request: Request) -> Response:
            provider: ProviderName = request.path_params["provider"]
            self.bodies[provider].append(await request.body())
            return PlainTextResponse(callback_ack(provider))

        return Starlette(routes=[Route("/sms/{provider}", receive, methods=["POST"])])


@pytest.fixture
async def gateway() -> AsyncIterator[RunningGateway]:
    async with run_sms_gateway(callback_delay=0.05) as running:
        yield running


@pytest.fixture
async def receiver() -> AsyncIterator[CallbackReceiver]:
    found = CallbackReceiver()
    async with serve_asgi(found.app()) as port:
        found.url = f"http://127.0.0.1:{port}"
        yield found


def config_for(provider: ProviderName, gateway: RunningGateway, **overrides: str) -> SmsConfig:
    state = gateway.state
    if provider == "smsru":
        credentials = {"api_key": state.smsru_api_id}
    else:
        credentials = {"login": state.smsc_login, "password": state.smsc_password}
    credentials.update(overrides)
    return SmsConfig(
        provider=provider, base_url=gateway.url, timeout=2.0, backoff=BACKOFF, **credentials
    )


@pytest.fixture(params=PROVIDERS)
async def channel(
    request: pytest.FixtureRequest, gateway: RunningGateway
) -> AsyncIterator[SmsChannel]:
    sms = SmsChannel(config_for(request.param, gateway))
    yield sms
    await sms.close()


def sms(text: str, phone: str = "+79161234567", key: str = "delivery-1") -> OutgoingMessage:
    return OutgoingMessage(address=phone, text=text, idempotency_key=key)


async def test_sms_reaches_the_gateway(channel: SmsChannel, gateway: RunningGateway) -> None:
    latin = await channel.send(sms(LATIN_160, key="d-1"))
    cyrillic = await channel.send(sms(CYRILLIC_71, phone="+7 926 000-11-22", key="d-2"))

    assert (latin.outcome, cyrillic.outcome) == (Outcome.sent, Outcome.sent)
    first, second = gateway.state.sent
    assert (first.phone, first.text, first.segments) == ("79161234567", LATIN_160, 1)
    assert (second.phone, second.text, second.segments) == ("79260001122", CYRILLIC_71, 2)
    assert (latin.provider_id, cyrillic.provider_id) == (first.provider_id, second.provider_id)
    assert (latin.parts, cyrillic.parts) == (1, 2)


async def test_smsc_names_the_message_after_the_delivery(gateway: RunningGateway) -> None:
    channel = SmsChannel(config_for("smsc", gateway, api_key=gateway.state.smsc_apikey))
    result = await channel.send(sms("Test", key="delivery-77"))
    await channel.close()

    assert result.outcome is Outcome.sent
    assert result.provider_id == smsc_message_id("delivery-77")


async def test_invalid_number_is_a_dead_address(
    channel: SmsChannel, gateway: RunningGateway
) -> None:
    async with httpx.AsyncClient(base_url=gateway.url) as control:
        answer = await control.post(
            "/_emulator/failures", json={"invalid_phones": ["+79990000000"]}
        )
        answer.raise_for_status()

    dead = await channel.send(sms("Test", phone="+79990000000"))
    malformed = await channel.send(sms("Test", phone="+7999"))

    assert (dead.outcome, dead.address_dead) == (Outcome.permanent, True)
    assert (malformed.outcome, malformed.address_dead) == (Outcome.permanent, True)
    assert gateway.state.sent == []


async def test_server_error_and_no_money_are_retried_later(
    channel: SmsChannel, gateway: RunningGateway
) -> None:
    gateway.state.failure = "server_error"
    server_error = await channel.send(sms("Test"))
    gateway.state.failure = "no_money"
    no_money = await channel.send(sms("Test"))
    gateway.state.failure = None
    recovered = await channel.send(sms("Test"))

    assert (server_error.outcome, server_error.retry_after) == (Outcome.retry, 11)
    assert (no_money.outcome, no_money.retry_after) == (Outcome.retry, 111)
    assert recovered.outcome is Outcome.sent
    assert len(gateway.state.sent) == 1


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_wrong_credentials_fail_without_blaming_the_number(
    provider: ProviderName, gateway: RunningGateway
) -> None:
    wrong = {"api_key": "nope"} if provider == "smsru" else {"password": "nope"}
    channel = SmsChannel(config_for(provider, gateway, **wrong))
    result = await channel.send(sms("Test"))
    await channel.close()

    assert (result.outcome, result.address_dead) == (Outcome.permanent, False)


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_unreachable_gateway_is_retried_later(provider: ProviderName) -> None:
    async with run_sms_gateway() as running:
        config = config_for(provider, running)
    channel = SmsChannel(config)  # the emulator is gone: connection refused
    result = await channel.send(sms("Test"))
    await channel.close()

    assert (result.outcome, result.retry_after) == (Outcome.retry, 11)


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_delivery_reports_reach_the_callback_and_parse(
    provider: ProviderName, gateway: RunningGateway, receiver: CallbackReceiver
) -> None:
    gateway.state.callback_urls[provider] = f"{receiver.url}/sms/{provider}"
    gateway.state.undelivered_phones.add("79990001122")
    channel = SmsChannel(config_for(provider, gateway))
    ok = await channel.send(sms("Test", phone="+79161234567", key="d-ok"))
    lost = await channel.send(sms("Test", phone="+79990001122", key="d-lost"))
    await channel.close()

    attempts = await gateway.state.wait_for_callbacks(2, within=5)

    assert [a.answer for a in attempts] == [callback_ack(provider)] * 2
    updates = [
        u for body in receiver.bodies[provider] for u in parse_status_callback(provider, body)
    ]
    by_id = {u.provider_id: u for u in updates}
    assert set(by_id) == {ok.provider_id, lost.provider_id}
    assert by_id[str(ok.provider_id)].delivered
    assert not by_id[str(lost.provider_id)].delivered
    assert by_id[str(lost.provider_id)].reason


async def test_budget_refuses_past_the_limit(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    redis = Redis.from_url(redis_url)
    today, tomorrow = date(2025, 9, 1), date(2025, 9, 2)
    try:
        assert await reserve_sms_budget(redis, 7, 3, 5, today)
        assert await reserve_sms_budget(redis, 7, 2, 5, today)
        with caplog.at_level(logging.WARNING, logger="zvonok.notifier.sms"):
            assert not await reserve_sms_budget(redis, 7, 1, 5, today)
        assert "SMS budget exhausted: school 7, 2025-09-01: 5 of 5" in caplog.text
        assert await reserve_sms_budget(redis, 8, 5, 5, today)  # another school
        assert await reserve_sms_budget(redis, 7, 5, 5, tomorrow)  # another day
        await release_sms_budget(redis, 7, 2, today)  # an SMS that never left
        assert await reserve_sms_budget(redis, 7, 2, 5, today)
    finally:
        await redis.aclose()


async def test_budget_holds_under_concurrent_workers(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    try:
        granted = await asyncio.gather(
            *(reserve_sms_budget(redis, 1, 1, 10, date(2025, 9, 1)) for _ in range(25))
        )
    finally:
        await redis.aclose()

    assert granted.count(True) == 10
