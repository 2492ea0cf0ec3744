"""The delivery channels a process has credentials for, built in one place.

The worker builds them in arq's `on_startup`, the bot when it builds its Dispatcher;
both get the same channels from here (one Telegram pacing, one SMTP pool, one SMS
client per process) and close them when they stop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from redis.asyncio import Redis

from core.models import ChannelName
from core.settings import Settings
from notifier.base import Channel
from notifier.email import EmailChannel, EmailConfig
from notifier.ratelimit import RateLimiter, TelegramRates
from notifier.sms import SmsChannel, SmsConfig
from notifier.telegram import TelegramChannel

log = logging.getLogger(__name__)

Channels = Mapping[str, Channel]


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
    ChannelName.telegram: _telegram,
    ChannelName.email: _email,
    ChannelName.sms: _sms,
}


def build_channels(settings: Settings, redis: Redis) -> dict[str, Channel]:
    """One channel per configured service, by name ("telegram", "email", "sms").

    A channel whose settings are incomplete or invalid (an SMS provider without its
    key, a malformed bot token) is logged and left out: families on the other
    channels keep getting their messages, and deliveries on this one fall back.
    Telegram sends are paced by the shared Redis rate limiter, so every process
    sending to Telegram shares its limits.
    """
    channels: dict[str, Channel] = {}
    for name, build in _BUILDERS.items():
        try:
            channel = build(settings, redis)
        except Exception as error:  # whatever the client library raises
            log.error("%s channel disabled, its settings are unusable: %s", name, error)
            continue
        if channel is not None:
            channels[str(name)] = channel
    log.info("delivery channels: %s", ", ".join(sorted(channels)) or "none configured")
    return channels


async def close_channels(channels: Channels) -> None:
    """Release every channel's connections (SMTP pool, HTTP sessions)."""
    for channel in channels.values():
        await channel.close()
