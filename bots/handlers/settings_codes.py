"""Sending a contact-change code to the new address, by email or SMS, from the bot.

The only message that ever goes to an address before its owner confirmed it (core:
`request_contact_change`). The channels are the notifier's, built from the bot's
settings for this one message; an SMS takes its segments from the school's daily
budget like any other.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from redis.asyncio import Redis

from bots.i18n import Catalog
from core.models import School
from core.policy import policy_of
from core.services.contact_changes import CODE_TTL, ContactCode
from core.settings import Settings
from notifier.base import Channel, Outcome, OutgoingMessage, SendResult
from notifier.email import EmailChannel, EmailConfig
from notifier.sms import SmsChannel, SmsConfig, release_sms_budget, reserve_sms_budget
from notifier.sms_segments import count_segments

log = logging.getLogger(__name__)

MINUTES = int(CODE_TTL.total_seconds() // 60)

T = Catalog(
    {
        "subject": ("Код подтверждения адреса — Звонок", "Your confirmation code — Zvonok"),
        "email": (
            "Здравствуйте!\n\nВаш код подтверждения: {code}\n\nНапишите его боту «Звонок» "
            "в Telegram в течение {minutes} минут. Если вы не меняли адрес в настройках, "
            "просто не отвечайте на это письмо: без кода адрес не изменится.",
            "Hello,\n\nyour confirmation code is {code}\n\nType it to the Zvonok bot in "
            "Telegram within {minutes} minutes. If you did not change your address in the "
            "settings, ignore this message: without the code nothing changes.",
        ),
        "sms": (
            "Звонок: код подтверждения {code}. Никому его не сообщайте.",
            "Zvonok: your confirmation code is {code}. Do not share it.",
        ),
    }
)


def can_send(settings: Settings, channel: str) -> bool:
    """Is the server set up to send by `channel` ("email" or "sms") at all?"""
    return bool(settings.smtp_host if channel == "email" else settings.sms_provider)


def _channel(settings: Settings, channel: str) -> Channel:
    if channel == "email":
        email = EmailConfig.from_settings(settings, pool_size=1)
        assert email is not None
        return EmailChannel(email)
    sms = SmsConfig.from_settings(settings)
    assert sms is not None
    return SmsChannel(sms)


def _message(code: ContactCode, lang: str) -> OutgoingMessage:
    key = f"zvonok-contact-{code.change_id}"
    if code.channel == "email":
        return OutgoingMessage(
            address=code.address,
            subject=T(lang, "subject"),
            text=T(lang, "email", code=code.code, minutes=MINUTES),
            idempotency_key=key,
        )
    return OutgoingMessage(
        address=code.address, text=T(lang, "sms", code=code.code), idempotency_key=key
    )


async def _send_sms(
    channel: Channel, message: OutgoingMessage, redis: Redis, school: School
) -> SendResult:
    segments = count_segments(message.text).segments
    day = dt.datetime.now(dt.UTC).astimezone(ZoneInfo(school.timezone)).date()
    budget = policy_of(school).sms_daily_budget
    if not await reserve_sms_budget(redis, school.id or 0, segments, budget, day):
        return SendResult.failed("дневной лимит SMS школы исчерпан")
    result = await channel.send(message)
    if result.outcome is not Outcome.sent:
        await release_sms_budget(redis, school.id or 0, segments, day)
    return result


async def send_code(
    settings: Settings, redis: Redis, school: School, code: ContactCode, lang: str
) -> bool:
    """Send the code to the new address; False when it could not go out."""
    channel = _channel(settings, code.channel)
    message = _message(code, lang)
    try:
        if code.channel == "sms":
            result = await _send_sms(channel, message, redis, school)
        else:
            result = await channel.send(message)
    finally:
        await channel.close()
    if result.outcome is not Outcome.sent:
        # The reason names the provider's answer, never the address or the code.
        log.warning("contact code by %s not sent: %s", code.channel, result.outcome.value)
    return result.outcome is Outcome.sent
