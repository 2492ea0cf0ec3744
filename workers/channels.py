"""Building the delivery channels a worker process has credentials for."""

from __future__ import annotations

import logging

from redis.asyncio import Redis

from core.settings import Settings
from notifier.base import Channel
from notifier.email import EmailChannel, EmailConfig
from notifier.ratelimit import Rate, RateLimiter, TelegramRates
from notifier.sms import SmsChannel, SmsConfig
from notifier.telegram import TelegramChannel

log = logging.getLogger(__name__)


def secret(value: object) -> str | None:
    getter = getattr(value, "get_secret_value", None)
    return str(getter()) if getter else None


def build_channels(settings: Settings, redis: Redis) -> dict[str, Channel]:
    """One channel per configured service; a missing one fails over to the next channel."""
    channels: dict[str, Channel] = {}
    token = secret(settings.telegram_token)
    if token:
        rates = TelegramRates(
            per_bot=Rate(settings.telegram_bot_rate, 1.0), headroom=settings.telegram_rate_headroom
        )
        channels["telegram"] = TelegramChannel(
            token, limiter=RateLimiter(redis), api_url=settings.telegram_api_url, rates=rates
        )
    if settings.smtp_host:
        channels["email"] = EmailChannel(
            EmailConfig(
                host=settings.smtp_host,
                port=settings.smtp_port,
                mail_from=settings.mail_from,
                tls=settings.smtp_tls,
                username=settings.smtp_user,
                password=secret(settings.smtp_password),
            )
        )
    if settings.sms_provider:
        channels["sms"] = SmsChannel(
            SmsConfig(
                provider=settings.sms_provider,
                api_key=secret(settings.sms_api_key),
                base_url=settings.sms_url,
            )
        )
    log.info("delivery channels: %s", ", ".join(sorted(channels)) or "none configured")
    return channels
