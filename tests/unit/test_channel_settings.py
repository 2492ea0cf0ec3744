"""build_channels: a channel whose settings are unusable is left out, the others work."""

from __future__ import annotations

import logging

import pytest
from redis.asyncio import Redis

from core.settings import Settings
from notifier.channels import build_channels, close_channels


@pytest.mark.parametrize("token", ["not-a-token", "123456:", "123456:ab cd"])
async def test_a_malformed_telegram_token_leaves_telegram_out_and_email_in(
    token: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, telegram_token=token, smtp_host="127.0.0.1", smtp_tls="none"
    )
    redis = Redis()  # never connected: building a channel does not talk to Redis
    with caplog.at_level(logging.ERROR, logger="notifier.channels"):
        channels = build_channels(settings, redis)
    try:
        assert set(channels) == {"email"}
        (said,) = [r.getMessage() for r in caplog.records if r.name == "notifier.channels"]
        assert said.startswith("telegram channel disabled") and "123456:ABC" in said
        secret = token.rpartition(":")[2]
        assert not secret or secret not in said  # what could be the token's secret part
    finally:
        await close_channels(channels)
        await redis.aclose()
