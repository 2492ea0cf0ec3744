"""The worker tells SMS.ru where to post delivery reports (callback/add), and they arrive.

The web app serves over real HTTP, the SMS gateway emulator starts with no report
address at all, and the worker's own start-up step registers the hook through the
gateway's API; an SMS sent by the worker's `deliver` job then gets its delivery
report at that address, and the delivery reads delivered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from arq.connections import RedisSettings, create_pool
from sqlmodel import select

from core.db import Database
from core.models import Delivery
from core.settings import Settings
from notifier.base import Channel
from notifier.channels import register_sms_reports
from notifier.sms import SmsChannel, SmsConfig
from notifier.standins.asgi import serve_asgi
from notifier.standins.sms_gateway import RunningGateway, run_sms_gateway
from tests.builders import build_world
from tests.integration.delivery_helpers import (
    Clock,
    choose,
    msk,
    post,
    relay_and_dispatch,
    start_due,
)
from webapp.app import create_app
from workers.deliveries import deliver

SECRET = "a-test-secret-that-is-long-enough-to-pass-0123456789"
API_ID = "emulator-api-id"


@pytest.fixture
async def gateway() -> AsyncIterator[RunningGateway]:
    async with run_sms_gateway(smsru_api_id=API_ID, callback_delay=0.05) as running:
        yield running


def worker_settings(gateway: RunningGateway, web_port: int, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "secret_key": SECRET,
        "sms_provider": "smsru",
        "sms_url": gateway.url,
        "sms_api_key": API_ID,
        "public_url": f"http://127.0.0.1:{web_port}",
        **extra,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def test_the_report_arrives_at_the_address_the_worker_registered(
    db: Database, gateway: RunningGateway, redis_url: str
) -> None:
    w = await build_world(db)
    await choose(db, w, "novikov", channels=["sms", "email"])  # Новиков reads SMS first
    app = create_app(settings=Settings(_env_file=None, secret_key=SECRET), database=db)  # type: ignore[call-arg]
    async with serve_asgi(app) as web_port:
        settings = worker_settings(gateway, web_port)
        sms = SmsChannel(SmsConfig.from_settings(settings))  # type: ignore[arg-type]
        channels: dict[str, Channel] = {"sms": sms}
        await register_sms_reports(settings, channels)  # what the worker's start-up does
        hook = f"http://127.0.0.1:{web_port}{settings.sms_hook_path('smsru')}"
        assert gateway.state.smsru_handlers == [hook]
        assert gateway.state.callback_urls == {}  # nobody pasted anything by hand

        clock = Clock(db, msk(10))
        await post(clock, w, "vanya", 5)  # Новиков's son
        await relay_and_dispatch(clock)
        clock.advance(120)
        pool = await create_pool(RedisSettings.from_dsn(redis_url))
        ctx: dict[str, Any] = {"db": db, "channels": channels, "settings": settings, "redis": pool}
        try:
            assert [await deliver(ctx, d) for d in await start_due(clock)] == ["sent"]
            [report] = await gateway.state.wait_for_callbacks(1)
        finally:
            await pool.aclose()
            await sms.close()
        assert (report.url, report.status, report.answer) == (hook, 200, "100")
    async with db.session() as session:
        delivery = (await session.exec(select(Delivery))).one()
    assert delivery.channel == "sms" and delivery.provider_id == gateway.state.sent[0].provider_id
    assert isinstance(delivery.delivered_at, dt.datetime)  # the report was applied


async def test_a_second_worker_finds_the_address_registered_and_adds_it_once(
    gateway: RunningGateway,
) -> None:
    settings = worker_settings(gateway, 8123)
    hook = f"http://127.0.0.1:8123{settings.sms_hook_path('smsru')}"
    for expected in ("added", "present"):
        sms = SmsChannel(SmsConfig.from_settings(settings))  # type: ignore[arg-type]
        try:
            assert (await sms.register_reports(hook)).outcome == expected
        finally:
            await sms.close()
    assert gateway.state.smsru_handlers == [hook]


async def test_a_wrong_api_id_or_smsc_says_what_to_do(gateway: RunningGateway) -> None:
    wrong = SmsChannel(SmsConfig(provider="smsru", api_key="not-ours", base_url=gateway.url))
    smsc = SmsChannel(SmsConfig(provider="smsc", api_key="emulator-apikey", base_url=gateway.url))
    try:
        refused = await wrong.register_reports("http://127.0.0.1:8000/hooks/sms/smsru/x")
        assert (refused.outcome, refused.detail) == ("failed", "sms.ru 200: Неправильный api_id")
        manual = await smsc.register_reports("http://127.0.0.1:8000/hooks/sms/smsc/x")
        assert manual.outcome == "manual"  # SMSC: the account's setting, no API
    finally:
        await wrong.close()
        await smsc.close()
    assert gateway.state.smsru_handlers == []
