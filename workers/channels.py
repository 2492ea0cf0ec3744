"""Building the delivery channels a worker process has credentials for."""

from __future__ import annotations

import logging
from collections.abc import Callable

from redis.asyncio import Redis

from core.settings import Settings
from notifier.base import Channel
from notifier.email import EmailChannel, EmailConfig
from notifier.ratelimit import RateLimiter, TelegramRates
from notifier.sms import SmsChannel, SmsConfig
from notifier.telegram import TelegramChannel

log = logging.getLogger(__name__)


def _telegram(settings: Settings, redis: Redis) -> Channel | None:
    if settings.telegram_token is None:
        return None
    token = settings.telegram_token.get_secret_value()
    rates = TelegramRates.from_settings(settings)
    return TelegramChannel(
        token, limiter=RateLimiter(redis), api_url=settings.telegram_api_url, rates=rates
    )


def _email(settings: Settings, redis: Redis) -> Channel | None:
    config = EmailConfig.from_settings(settings)
    return EmailChannel(config) if config else None


def _sms(settings: Settings, redis: Redis) -> Channel | None:
    config = SmsConfig.from_settings(settings)
    return SmsChannel(config) if config else None


_BUILDERS: dict[str, Callable[[Settings, Redis], Channel | None]] = {
    "telegram": _telegram,
    "email": _email,
    "sms": _sms,
}


def build_channels(settings: Settings, redis: Redis) -> dict[str, Channel]:
    """One channel per configured service; a missing one fails over to the next channel.

    A channel whose settings are incomplete or invalid (an SMS provider without its
    key, a malformed bot token) is logged and left out: families on the other
    channels keep getting their messages, and deliveries on this one fall back.
    """
    channels: dict[str, Channel] = {}
    for name, build in _BUILDERS.items():
        try:
            channel = build(settings, redis)
        except Exception as error:  # whatever the client library raises
            log.error("%s channel disabled, its settings are unusable: %s", name, error)
            continue
        if channel is not None:
            channels[name] = channel
    log.info("delivery channels: %s", ", ".join(sorted(channels)) or "none configured")
    return channels
