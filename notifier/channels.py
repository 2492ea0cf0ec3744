"""The delivery channels a process has credentials for, built in one place.

The worker builds them in arq's `on_startup`, the bot when it builds its Dispatcher;
both get the same channels from here (one Telegram pacing, one SMTP pool, one SMS
client per process) and close them when they stop.

A channel's module is imported only when its service is configured: a worker that
sends on Telegram alone never loads the SMTP client, the SMS providers or the MAX
client, and holds none of their modules resident (bench/README.md, "Worker memory").
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace

from pydantic import SecretStr
from redis.asyncio import Redis

from core.bot_registry import split_address
from core.models import ChannelName
from core.settings import Settings
from notifier.base import Channel, OutgoingMessage, SendResult
from notifier.paid_broadcast import PaidBroadcast
from notifier.ratelimit import MaxRates, Rate, RateLimiter, TelegramRates
from notifier.telegram import TelegramChannel

log = logging.getLogger(__name__)

Channels = Mapping[str, Channel]


class SchoolBots:
    """One messenger's channel over several bots: the deployment's own and the schools'
    (`core.bot_registry`). A delivery's address names its bot («school17:123»; no prefix:
    the deployment's), and each bot sends at its own limits, so a district-wide message
    goes through every school's bot at once."""

    def __init__(self, name: str, default: Channel | None, own: Mapping[str, Channel]) -> None:
        self.name = name
        self.default = default
        self.own = dict(own)

    def bot(self, key: str | None) -> Channel | None:
        """The channel of the bot `key` (None: the deployment's), if configured."""
        return self.default if key is None else self.own.get(key)

    async def send(self, message: OutgoingMessage) -> SendResult:
        key, chat = split_address(message.address)
        channel = self.bot(key)
        if channel is None:
            # The bot left the bots file: the family's next channel carries the message.
            bot = f"bot {key!r}" if key else "the deployment's bot"
            return SendResult.failed(f"{self.name}: {bot} is not configured")
        return await channel.send(replace(message, address=chat))

    async def close(self) -> None:
        for channel in (self.default, *self.own.values()):
            if channel is not None:
                await channel.close()


def _telegram_bot(
    settings: Settings, limiter: RateLimiter, token: str, rate: int | None
) -> Channel:
    rates = TelegramRates.from_settings(settings)
    if rate is not None:
        rates = replace(rates, per_bot=Rate(rate, 1.0))
    stars = settings.telegram_paid_stars_a_month
    return TelegramChannel(
        token,
        limiter=limiter,
        api_url=settings.telegram_api_url,
        rates=rates,
        paid=PaidBroadcast(limiter.redis, stars) if stars else None,
    )


def _max_bot(settings: Settings, limiter: RateLimiter, token: str, rate: int | None) -> Channel:
    from notifier.max import MaxChannel

    rates = MaxRates.from_settings(settings)
    if rate is not None:
        rates = replace(rates, per_bot=Rate(rate, 1.0))
    return MaxChannel(token, limiter=limiter, api_url=settings.max_api_url, rates=rates)


def _school_bots(
    settings: Settings,
    limiter: RateLimiter,
    messenger: str,
    token: SecretStr | None,
    build: Callable[[Settings, RateLimiter, str, int | None], Channel],
) -> Channel | None:
    """The deployment's bot alone, or with the schools' own behind `SchoolBots`."""
    default = build(settings, limiter, token.get_secret_value(), None) if token else None
    own = {
        account.key: build(settings, limiter, account.token.get_secret_value(), account.rate)
        for account in settings.school_bots(messenger)
    }
    return SchoolBots(messenger, default, own) if own else default


def _telegram(settings: Settings, limiter: RateLimiter) -> Channel | None:
    return _school_bots(settings, limiter, "telegram", settings.telegram_token, _telegram_bot)


def _max(settings: Settings, limiter: RateLimiter) -> Channel | None:
    return _school_bots(settings, limiter, "max", settings.max_token, _max_bot)


def _email(settings: Settings, _limiter: RateLimiter) -> Channel | None:
    if not settings.smtp_host:  # EmailConfig's own test, before its module is loaded
        return None
    from notifier.email import EmailChannel, EmailConfig

    config = EmailConfig.from_settings(settings)
    return EmailChannel(config) if config else None


def _sms(settings: Settings, _limiter: RateLimiter) -> Channel | None:
    if not settings.sms_provider:  # SmsConfig's own test, before its module is loaded
        return None
    from notifier.sms import SmsChannel, SmsConfig

    config = SmsConfig.from_settings(settings)
    return SmsChannel(config) if config else None


_BUILDERS: dict[str, Callable[[Settings, RateLimiter], Channel | None]] = {
    ChannelName.telegram: _telegram,
    ChannelName.max: _max,
    ChannelName.email: _email,
    ChannelName.sms: _sms,
}


def build_channels(settings: Settings, redis: Redis) -> dict[str, Channel]:
    """One channel per configured service, by name ("telegram", "max", "email", "sms").

    A channel whose settings are incomplete or invalid (an SMS provider without its
    key, a malformed bot token) is logged and left out: families on the other
    channels keep getting their messages, and deliveries on this one fall back.
    Telegram and MAX sends are paced by the shared Redis rate limiter, so every process
    sending through one bot shares its limits; one limiter for all of the process's bots,
    which learns how late the process's requests leave (`RateLimiter.lateness`).
    """
    channels: dict[str, Channel] = {}
    limiter = RateLimiter(redis)
    for name, build in _BUILDERS.items():
        try:
            channel = build(settings, limiter)
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


async def register_sms_reports(settings: Settings, channels: Channels) -> None:
    """Tell the SMS gateway where its delivery reports go (the web app's hook), so an
    operator does not paste a computed URL into the provider's account by hand."""
    sms = channels.get("sms")
    if sms is None or settings.sms_provider is None:
        return
    from notifier.sms import SmsChannel

    if not isinstance(sms, SmsChannel):
        return
    url = settings.public_url_resolved + settings.sms_hook_path(settings.sms_provider)
    done = await sms.register_reports(url)
    # The hook's token is in the URL: only its start is logged.
    shown = url.rsplit("/", 1)[0] + "/…"
    if done.outcome == "added":
        log.info("SMS delivery reports: %s now posts them to %s", settings.sms_provider, shown)
    elif done.outcome == "present":
        log.info("SMS delivery reports: %s posts them to %s already", settings.sms_provider, shown)
    elif done.outcome == "manual":
        log.warning(
            "SMS delivery reports: %s has no API for its report address; set the web app's "
            "hook %s in the account's settings",
            settings.sms_provider,
            shown,
        )
    else:
        log.warning(
            "SMS delivery reports: could not register the report address with %s (%s); "
            "reports will not arrive until it is set in the account",
            settings.sms_provider,
            done.detail,
        )
